import { canonicalCollation } from './collation';
import { indexNameOf, isIdIndexKey } from './naming';
import { INDEX_OPTIONS, LIST_INDEXES_NOISE, optionOfMongoName } from './index-options';
import { canonicalKeyValue } from './key-pattern';
import { asNumber, normalizeNumbers } from './numbers';
import { canonicalPartialFilter } from './partial-filter';
import { isPlainObject, sortedRecord, type MutableRecord } from './records';
import { canonicalTextLanguage, canonicalTextWeight } from './text-rules';
import type { CanonicalIndex, IndexDefinition, KeyEntry, ListIndexesEntry } from './types';
import { canonicalWildcardProjection } from './wildcard-projection';

/** Where a text index's fields stand in its key: MongoDB stores them as one `_fts`/`_ftsx` pair. */
export const TEXT_PLACEHOLDER: KeyEntry = { field: '$text', value: 'text' };

export function isTextPlaceholder(entry: KeyEntry): boolean {
  return entry.field === TEXT_PLACEHOLDER.field && entry.value === 'text';
}

/** Fields of a listIndexes entry handled apart from the options: the key, the name, text weights (`textWeights`). */
const NOT_OPTIONS: ReadonlySet<string> = new Set(['key', 'name', 'weights', ...Object.keys(LIST_INDEXES_NOISE)]);

function isSet(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const number = asNumber(value);
  return number !== undefined ? number !== 0 : value !== undefined && value !== null;
}

function canonicalOption(name: string, value: unknown, collation: unknown): unknown {
  switch (optionOfMongoName(name)?.kind) {
    case 'filter':
      // The server reads the filter with the index's collation (partial-filter-collation.ts).
      return canonicalPartialFilter(value, collation);
    case 'collation':
      return canonicalCollation(value);
    case 'projection':
      return isPlainObject(value) ? canonicalWildcardProjection(value) : normalizeNumbers(value);
    case 'string':
      // `default_language: "EN"` and `"english"` are one language to the server's text search.
      return name === 'default_language' ? canonicalTextLanguage(value) : normalizeNumbers(value);
    default:
      return asNumber(value) ?? normalizeNumbers(value);
  }
}

/** The one options form, shared by both inputs so that they cannot drift apart. */
function canonicalOptions(raw: readonly (readonly [string, unknown])[], idIndex: boolean): MutableRecord {
  const out = new Map<string, unknown>();
  const collation = canonicalCollation(raw.find(([name]) => name === 'collation')?.[1]);
  for (const [name, value] of raw) {
    if (value === undefined || NOT_OPTIONS.has(name)) continue;
    const row = optionOfMongoName(name);
    if (row?.kind === 'flag') {
      // Stored as given, read by the server as `trueValue()`: `false` (or 0) means the same as absent.
      // The `_id` index is unique by nature; `unique: true` on it says nothing.
      if (isSet(value) && !(idIndex && name === 'unique')) out.set(name, true);
      continue;
    }
    // Clustered collections list their `_id` index with `clustered: true`; it is still the `_id` index.
    if (idIndex && name === 'clustered') continue;
    const canonical = canonicalOption(name, value, collation);
    if (canonical === undefined) continue;
    // What the server assumes when the option is absent means the same as absent.
    if (row !== undefined && 'default' in row && row.default === canonical) continue;
    out.set(name, canonical);
  }
  return sortedRecord(out);
}

function canonicalWeights(fields: readonly string[], weights: unknown): Record<string, number> {
  const merged = new Map<string, number>(fields.map((field): [string, number] => [field, 1]));
  if (isPlainObject(weights)) {
    // Stored truncated to a whole number; a weight that is no number (NaN) stays visibly different from any real one.
    for (const [field, weight] of Object.entries(weights)) merged.set(field, canonicalTextWeight(weight));
  }
  return sortedRecord(merged) as Record<string, number>;
}

export function canonicalFromDefinition(def: IndexDefinition): CanonicalIndex {
  const keys = Array.isArray(def.keys) ? def.keys : [];
  const options = def.options ?? {};
  const key: KeyEntry[] = [];
  const textFields: string[] = [];
  for (const entry of keys) {
    if (entry.value === 'text') {
      if (textFields.length === 0) key.push(TEXT_PLACEHOLDER);
      textFields.push(entry.field);
    } else {
      key.push({ field: entry.field, value: canonicalKeyValue(entry.value) ?? entry.value });
    }
  }
  // Weights are not an option of the canonical form: they are the text fields' `textWeights`.
  const raw = INDEX_OPTIONS.filter((row) => row.kind !== 'weights').map((row): [string, unknown] => [row.mongo, options[row.dr]]);
  // Weights without a text key are invalid; keep them visible as an option rather than lose them.
  if (textFields.length === 0 && options.weights !== undefined) raw.push(['weights_without_text', options.weights]);
  const base = { name: indexNameOf(def), key, options: canonicalOptions(raw, isIdIndexKey(key)) };
  return textFields.length > 0 ? { ...base, textWeights: canonicalWeights(textFields, options.weights) } : base;
}

export function canonicalFromListIndexes(entry: ListIndexesEntry): CanonicalIndex {
  const key: KeyEntry[] = [];
  const unsupported = new Map<string, unknown>();
  let text = false;
  for (const [field, value] of Object.entries(isPlainObject(entry.key) ? entry.key : {})) {
    if (field === '_fts' && value === 'text') {
      if (!text) key.push(TEXT_PLACEHOLDER);
      text = true;
    } else if (field === '_ftsx') {
      continue;
    } else {
      const canonical = canonicalKeyValue(value);
      // A key type this model cannot express (e.g. a legacy `geoHaystack`) stays visible as an option.
      if (canonical === undefined) unsupported.set(field, normalizeNumbers(value));
      key.push({ field, value: canonical ?? 1 });
    }
  }
  const raw: [string, unknown][] = Object.entries(entry);
  if (unsupported.size > 0) raw.push(['unsupportedKeyValues', sortedRecord(unsupported)]);
  const base = { name: entry.name, key, options: canonicalOptions(raw, isIdIndexKey(key)) };
  return text ? { ...base, textWeights: canonicalWeights([], entry.weights) } : base;
}
