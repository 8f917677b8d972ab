import type { IndexDefinition, KeyEntry } from './types';

/** MongoDB's (and mongosh's) generated name: `<field>_<value>` pairs joined by `_`, in key order. */
export function defaultIndexName(keys: readonly KeyEntry[]): string {
  return keys.map((entry) => `${entry.field}_${String(entry.value)}`).join('_');
}

/**
 * The key `{ _id: 1 }` alone (by value: `1.0`, `NumberLong(1)` too) is the collection's own `_id` index,
 * not an ordinary index on `_id` (index_key_validate.cpp `validateIdIndexSpec` compares the key with `{_id: 1}`).
 */
export function isIdIndexKey(keys: readonly KeyEntry[]): boolean {
  return keys.length === 1 && keys[0].field === '_id' && keys[0].value === 1;
}

/**
 * Keys the server reads as an `_id` index pattern (index_descriptor.h `isIdIndexPattern`): `_id` alone with
 * a number whose integer part is 1 or -1 (`{_id: -1}`, `{_id: 1.5}`). createIndexes then holds them to
 * the `_id` index's rules, which only `{ _id: 1 }` passes; `{_id: 2}` or `{_id: "hashed"}` are ordinary.
 */
export function isIdIndexPattern(keys: readonly KeyEntry[]): boolean {
  if (keys.length !== 1 || keys[0].field !== '_id' || typeof keys[0].value !== 'number') return false;
  return Math.abs(Math.trunc(keys[0].value)) === 1;
}

export const ID_INDEX_NAME = '_id_';

/**
 * The name the index has (or will have) on the server. The `_id` index is
 * always called `_id_` by the server, whatever the generic rule would give
 * (`_id_1`), so a definition of it matches the real one.
 */
export function indexNameOf(def: IndexDefinition): string {
  if (def.name !== undefined) return def.name;
  return isIdIndexKey(def.keys) ? ID_INDEX_NAME : defaultIndexName(def.keys);
}
