import { minimalCollation } from './collation';
import { indexNameOf } from './naming';
import { canonicalFromListIndexes, isTextPlaceholder } from './normalize';
import { canonicalPartialFilter } from './partial-filter';
import { defineOwn, isPlainObject, type MutableRecord } from './records';
import { INDEX_OPTIONS, type OptionKind } from './index-options';
import type { DefinitionOptions, IndexDefinition, KeyEntry, KeyValue, ListIndexesEntry, MongoIndexSpec } from './types';

/** What `createIndexes` takes for one definition: the ordered key, the name (default when absent), the given options. */
export function toMongoIndexSpec(def: IndexDefinition): MongoIndexSpec {
  const key: Record<string, KeyValue> = {};
  for (const entry of def.keys) defineOwn(key, entry.field, entry.value);
  const spec: MutableRecord = { key, name: indexNameOf(def) };
  const options = def.options ?? {};
  for (const row of INDEX_OPTIONS) {
    if (options[row.dr] !== undefined) spec[row.mongo] = options[row.dr];
  }
  return spec as MongoIndexSpec;
}

/** Canonical option names a definition can express; anything else is lost on import (see `unrepresentableOptions`). */
const REPRESENTABLE: ReadonlySet<string> = new Set(INDEX_OPTIONS.map((row) => row.mongo));

/** Options of a live index that `definitionFromListIndexes` cannot carry into the design repository. */
export function unrepresentableOptions(entry: ListIndexesEntry): string[] {
  return Object.keys(canonicalFromListIndexes(entry).options).filter((name) => !REPRESENTABLE.has(name));
}

/**
 * A live index as a design-repository definition: text fields become text
 * key entries in name order where the text index stands, defaults are
 * dropped, weights are kept only where they differ from 1, a collation keeps
 * only what differs from its locale's defaults. The real name is kept: a
 * text index's default name depends on the order its fields were first
 * given, which listIndexes does not return.
 */
export function definitionFromListIndexes(entry: ListIndexesEntry): IndexDefinition {
  const canonical = canonicalFromListIndexes(entry);
  const textFields = Object.keys(canonical.textWeights ?? {}).sort();
  const keys: KeyEntry[] = canonical.key.flatMap((item) =>
    isTextPlaceholder(item) ? textFields.map((field): KeyEntry => ({ field, value: 'text' })) : [item],
  );
  const options: MutableRecord = {};
  for (const row of INDEX_OPTIONS) {
    // A filter is imported in its own strings, not as the index collation folds them for identity.
    const stored = row.kind === 'filter' ? canonicalPartialFilter(entry[row.mongo]) : canonical.options[row.mongo];
    const value = row.kind === 'weights' ? importedWeights(canonical.textWeights) : importedOption(row.kind, stored);
    if (value !== undefined) options[row.dr] = value;
  }
  return Object.keys(options).length > 0 ? { name: entry.name, keys, options: options as DefinitionOptions } : { name: entry.name, keys };
}

/** A canonical option's value as a definition writes it, or undefined when it has none (defaults are already gone). */
function importedOption(kind: OptionKind, value: unknown): unknown {
  switch (kind) {
    case 'flag':
      return value === true ? true : undefined;
    case 'integer':
    case 'number':
      return typeof value === 'number' ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'filter':
    case 'projection':
      return isPlainObject(value) ? value : undefined;
    case 'collation':
      return isPlainObject(value) ? minimalCollation(value) : undefined;
    case 'weights':
      return undefined;
  }
}

/** Only the weights that differ from 1, the weight of a text field not listed. */
function importedWeights(textWeights: Readonly<Record<string, number>> | undefined): Record<string, number> | undefined {
  const weights = Object.entries(textWeights ?? {}).filter(([, weight]) => weight !== 1);
  return weights.length > 0 ? Object.fromEntries(weights) : undefined;
}
