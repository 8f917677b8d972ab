import { asNumber } from './numbers';
import type { KeyValue } from './types';

/**
 * Key patterns as MongoDB reads them (src/mongo/db/catalog/index_key_validate.cpp `validateKeyPattern`,
 * r7.0/r8.0): what a key value may be, which field names a key may use, and how large a key may be.
 */

/** The special index types a key value may name (`geoHaystack` was removed in 5.0, `columnstore` never shipped). */
export const SPECIAL_KEY_VALUES: readonly KeyValue[] = ['text', '2dsphere', '2d', 'hashed'];

/** `validateKeyPattern`: a key pattern larger than 2048 BSON bytes is refused ("Index key pattern too large"). */
export const MAX_KEY_PATTERN_BYTES = 2048;

/** The `$`-prefixed names a DBRef's fields have; a key may index them below the first segment. */
const DBREF_FIELDS: ReadonlySet<string> = new Set(['$ref', '$id', '$db']);

/** A direction the server accepts in a v2 index: any number but 0 and NaN (`{a: 2}`, `{a: -0.5}` build). */
export function isDirection(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value) && value !== 0;
}

export function isKeyValue(value: unknown): value is KeyValue {
  return isDirection(value) || SPECIAL_KEY_VALUES.includes(value as KeyValue);
}

/**
 * The value a key pattern holds, as the server compares it: numbers by value whatever their BSON type
 * (`1`, `1.0`, `NumberLong(1)`, `Decimal128("1")` are one value; `2` is another), special types as
 * given. Undefined for a value this model cannot express (a string the server does not know).
 */
export function canonicalKeyValue(value: unknown): KeyValue | undefined {
  if (typeof value === 'string') return SPECIAL_KEY_VALUES.includes(value as KeyValue) ? (value as KeyValue) : undefined;
  const number = asNumber(value);
  // A v1 index (before 3.4) could hold 0 or other oddities; they stay what they are, never NaN.
  return number === undefined || Number.isNaN(number) ? undefined : number;
}

/**
 * Why a field name cannot be indexed, or undefined when it can (`validateKeyPattern`): no empty path
 * segment; a segment starting with `$` only as a DBRef field (`$ref`, `$id`, `$db`) below the first
 * segment, or as the `$**` ending a wildcard path; `_fts` is the text index's own (stored) field; NUL cannot be
 * stored in a BSON name.
 */
export function fieldNameProblem(field: string, value: unknown): string | undefined {
  if (field.length === 0) return 'must not be empty';
  if (field.includes('\0')) return 'must not contain a NUL character';
  // The server refuses `_fts` on any other index, and `{ _fts: "text" }` without weights (fts_index.js,
  // SERVER-19519); with weights it is the stored form of a text index, which a definition writes as its text fields.
  if (field === '_fts')
    return value === 'text'
      ? '"_fts" is the stored form of a text index: name the text fields instead'
      : '"_fts" is reserved for text indexes';
  const segments = field.split('.');
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i];
    if (segment.length === 0) return `"${field}" has an empty path segment`;
    if (!segment.startsWith('$')) continue;
    if (segment === '$**') {
      if (i !== segments.length - 1) return `"${field}": $** may only end a path`;
      continue;
    }
    if (i > 0 && DBREF_FIELDS.has(segment)) continue;
    return `"${field}" has a segment starting with "$" (only "$**", or $ref/$id/$db below the first segment, may)`;
  }
  return undefined;
}

/**
 * The BSON size of a key pattern as the driver sends it: a document of one element per field (type
 * byte, name, NUL, value), integers in int32 range as int32, other numbers as doubles, strings with
 * their length and NUL.
 */
export function keyPatternBytes(entries: readonly { readonly field: string; readonly value: unknown }[]): number {
  const utf8 = (text: string): number => new TextEncoder().encode(text).length;
  let size = 4 + 1;
  for (const { field, value } of entries) {
    size += 1 + utf8(field) + 1;
    if (typeof value === 'string') size += 4 + utf8(value) + 1;
    else if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) size += 4;
    else size += 8;
  }
  return size;
}
