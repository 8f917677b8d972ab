import { z } from 'zod';
import { CollectionName } from './mongo-names';
import { RecordId } from './registry';

/**
 * Entity caches (issue 16): an entity names a source collection (of a database registered in the
 * registry) and a shape, the columns its SQLite cache has. Changes of the source become oplog entries
 * (PostgreSQL), which cache replicators apply to `dbs/<entity>/db.sqlite`.
 */

/**
 * The column types, and what a document's value becomes in the cache (libs/entity-core/src/column-value.ts):
 * - JSONB: any value, as JSON text;
 * - Any: a string, number or boolean as itself (booleans as 0/1), anything else as JSON text;
 * - Bool: a boolean as 0/1; anything else NULL;
 * - Number: a finite number (BSON Double, Int32, Long, Decimal128 included) as REAL; anything else NULL;
 * - Integer: a number that is a safe integer (a Long within ±2^53 included), as INTEGER; anything else NULL (never rounded);
 * - Text: a string as itself; an ObjectId (hex), a date (ISO 8601), a number or a boolean as its text; an object or array NULL.
 * A missing path is NULL for every type.
 */
export const COLUMN_TYPES = ['JSONB', 'Any', 'Bool', 'Number', 'Integer', 'Text'] as const;
export const ColumnType = z.enum(COLUMN_TYPES);
export type ColumnType = z.infer<typeof ColumnType>;

/**
 * An entity's name: its cache directory (`dbs/<name>/`) and the key of its oplog entries, so a
 * file-system-safe identifier: a lower-case letter, then lower-case letters, digits or `_`, at most 63.
 */
export const EntityName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, { error: 'must be a lower-case letter then up to 62 lower-case letters, digits or _' });
export type EntityName = z.infer<typeof EntityName>;

/** The cache table's own columns: the document's key and the id of the entry that wrote the row. */
export const RESERVED_COLUMNS = ['_document_id', '_oplog_id'] as const;

/** A column name in the cache's table: an SQL identifier that needs no quoting, and none of RESERVED_COLUMNS. */
export const ColumnName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'must be a letter or _ then up to 62 letters, digits or _' })
  .refine((name) => !(RESERVED_COLUMNS as readonly string[]).includes(name.toLowerCase()), { error: 'is reserved' });

/** A dotted path into the document: `_id`, `email`, `address.city`. No `$` (operators) and no empty segment. */
export const DocumentPath = z
  .string()
  .max(300, { error: 'must be at most 300 characters' })
  .regex(/^[^.$\0]+(\.[^.$\0]+)*$/, { error: 'must be dot-separated field names without $' });

export const EntityColumn = z.object({
  name: ColumnName,
  type: ColumnType,
  path: DocumentPath,
});
export type EntityColumn = z.infer<typeof EntityColumn>;

/** The columns of an entity: at least one, names unique (case-insensitively, as SQLite compares them). */
export const EntityShape = z
  .array(EntityColumn)
  .min(1, { error: 'must have at least one column' })
  .max(200, { error: 'must have at most 200 columns' })
  .superRefine((columns, ctx) => {
    const seen = new Set<string>();
    columns.forEach((column, index) => {
      const key = column.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicates column ${column.name}` });
      seen.add(key);
    });
  });
export type EntityShape = z.infer<typeof EntityShape>;

export const EntitySource = z.object({
  /** A database registered in the registry: the source server and database. */
  databaseId: RecordId,
  collection: CollectionName,
});
export type EntitySource = z.infer<typeof EntitySource>;

/** How often a scheduled refresh re-scans the source into the oplog as upserts: at least a minute, at most a week. */
export const RefreshIntervalSeconds = z
  .number()
  .int({ error: 'must be a whole number of seconds' })
  .min(60, { error: 'must be at least 60 seconds' })
  .max(7 * 86_400, { error: 'must be at most a week (604800 seconds)' });

export const EntityDefinition = z.object({
  name: EntityName,
  source: EntitySource,
  columns: EntityShape,
  /** Optional: without it the entity is refreshed only on request (its changes keep it current). */
  refresh_interval_seconds: RefreshIntervalSeconds.optional(),
});
export type EntityDefinition = z.infer<typeof EntityDefinition>;

/** Where an entity is: its first scan runs (its entries wait in staging), or it is scanned and its entries are in the oplog. */
export const EntityState = z.enum(['scanning', 'scanned']);
export type EntityState = z.infer<typeof EntityState>;

/** An upsert carries the document's values picked by the shape (column name to value, as JSON); a delete carries none. */
export const OplogOperation = z.enum(['upsert', 'delete']);
export type OplogOperation = z.infer<typeof OplogOperation>;

/** A change of one source document, as the capture hands it to the oplog manager. */
export const OplogChange = z.object({
  entity: EntityName,
  operation: OplogOperation,
  /** The document's `_id` as canonical extended JSON text: the cache's key. */
  documentId: z.string().min(1).max(2048),
  /** When the source recorded the change (ISO 8601). */
  at: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type OplogChange = z.infer<typeof OplogChange>;

/** An entry of the oplog: an id that only grows (PostgreSQL's bigserial, as a decimal string), then the change. */
export const OplogEntry = OplogChange.extend({
  id: z.string().regex(/^\d+$/),
});
export type OplogEntry = z.infer<typeof OplogEntry>;
