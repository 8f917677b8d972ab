import type { ColumnType } from '@ir/contracts';

/**
 * The SQLite declared type of each column type: the affinity that keeps the cell as the entity core
 * made it (libs/entity-core/src/column-value.ts). Any has no declared type (BLOB affinity): its
 * numbers stay numbers and its text stays text.
 */
export const SQLITE_TYPE: Record<ColumnType, string> = {
  JSONB: 'TEXT',
  Any: '',
  Bool: 'INTEGER',
  Number: 'REAL',
  Integer: 'INTEGER',
  Text: 'TEXT',
};
