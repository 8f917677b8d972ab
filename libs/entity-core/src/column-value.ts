import type { ColumnType, EntityShape } from '@ir/contracts';
import { plainJson, type PlainJson } from './plain-json';

/** What a cache cell holds: SQLite's NULL, INTEGER/REAL or TEXT (booleans are 0/1: SQLite has no boolean). */
export type CellValue = null | number | string;

/**
 * The value at a dotted path, or undefined when a segment is missing or not an object. Arrays are not
 * traversed (`tags.0` is not an index): a path names fields, as the entity's shape documents.
 */
export function valueAtPath(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function asNumber(value: PlainJson): number | null {
  if (typeof value === 'number') return value;
  // A Long or Decimal128 beyond a double's exact range comes as decimal text (plain-json.ts): as REAL it is the nearest double.
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) return Number(value);
  return null;
}

/**
 * The cell one column holds for one value of the document (the rules are the ones ColumnType documents
 * in libs/contracts/src/entity.ts): a value of the wrong type is NULL, never a guess, except for the
 * types that say they take anything (JSONB, Any) and Text, which takes any scalar's text.
 */
export function cellOf(type: ColumnType, raw: unknown): CellValue {
  if (raw === undefined) return null;
  const value = plainJson(raw);
  switch (type) {
    case 'JSONB':
      return JSON.stringify(value);
    case 'Any':
      if (typeof value === 'boolean') return value ? 1 : 0;
      return value === null || typeof value === 'number' || typeof value === 'string' ? value : JSON.stringify(value);
    case 'Bool':
      return typeof value === 'boolean' ? (value ? 1 : 0) : null;
    case 'Number': {
      const bsonNumber = typeof raw === 'number' || typeof raw === 'bigint' || isNumericWrapper(raw);
      return bsonNumber ? asNumber(value) : null;
    }
    case 'Integer': {
      if (!(typeof raw === 'number' || typeof raw === 'bigint' || isNumericWrapper(raw))) return null;
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
    }
    case 'Text':
      if (value === null || typeof value === 'object') return null;
      return typeof value === 'string' ? value : String(value);
  }
}

function isNumericWrapper(raw: unknown): boolean {
  const tag = raw !== null && typeof raw === 'object' ? (raw as { _bsontype?: unknown })._bsontype : undefined;
  return tag === 'Int32' || tag === 'Double' || tag === 'Long' || tag === 'Decimal128';
}

/** The row an entity's cache keeps for a document: every column of the shape, by name. */
export function rowOf(shape: EntityShape, document: unknown): Record<string, CellValue> {
  return Object.fromEntries(shape.map((column) => [column.name, cellOf(column.type, valueAtPath(document, column.path))]));
}

/**
 * A document id as the cache's key: the JSON text of its plain value (`"6b0f…"` for an ObjectId, `"a"`
 * for the string a, `1` for the number 1), so ids of different types stay apart, but an ObjectId and
 * the string of its hex digits, which plain JSON cannot tell apart.
 */
export function documentKey(id: unknown): string {
  return JSON.stringify(plainJson(id));
}
