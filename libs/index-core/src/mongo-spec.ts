import { minimalCollation } from './collation';
import { indexNameOf } from './naming';
import { canonicalFromListIndexes, isTextPlaceholder } from './normalize';
import { defineOwn, isPlainObject, type MutableRecord } from './records';
import type {
  Collation,
  DefinitionOptions,
  IndexDefinition,
  JsonObject,
  KeyEntry,
  KeyValue,
  ListIndexesEntry,
  MongoIndexSpec,
} from './types';

/** Definition option → createIndexes option, in the order a spec is printed. */
const OPTION_NAMES: readonly (readonly [keyof DefinitionOptions, string])[] = [
  ['is_unique', 'unique'],
  ['sparse', 'sparse'],
  ['expire_after_seconds', 'expireAfterSeconds'],
  ['partial_filter_expression', 'partialFilterExpression'],
  ['collation', 'collation'],
  ['hidden', 'hidden'],
  ['weights', 'weights'],
  ['default_language', 'default_language'],
  ['language_override', 'language_override'],
  ['text_index_version', 'textIndexVersion'],
  ['wildcard_projection', 'wildcardProjection'],
  ['sphere_index_version', '2dsphereIndexVersion'],
  ['bits', 'bits'],
  ['min', 'min'],
  ['max', 'max'],
];

/** What `createIndexes` takes for one definition: the ordered key, the name (default when absent), the given options. */
export function toMongoIndexSpec(def: IndexDefinition): MongoIndexSpec {
  const key: Record<string, KeyValue> = {};
  for (const entry of def.keys) defineOwn(key, entry.field, entry.value);
  const spec: MutableRecord = { key, name: indexNameOf(def) };
  const options = def.options ?? {};
  for (const [from, to] of OPTION_NAMES) {
    if (options[from] !== undefined) spec[to] = options[from];
  }
  return spec as MongoIndexSpec;
}

/** Canonical option names a definition can express; anything else is lost on import (see `unrepresentableOptions`). */
const REPRESENTABLE: ReadonlySet<string> = new Set(OPTION_NAMES.map(([, to]) => to));

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
  const o = canonical.options;
  const options: { -readonly [K in keyof DefinitionOptions]: DefinitionOptions[K] } = {};
  if (o.unique === true) options.is_unique = true;
  if (typeof o.expireAfterSeconds === 'number') options.expire_after_seconds = o.expireAfterSeconds;
  if (o.sparse === true) options.sparse = true;
  if (isPlainObject(o.partialFilterExpression)) options.partial_filter_expression = o.partialFilterExpression as JsonObject;
  const collation: Collation | undefined = isPlainObject(o.collation) ? minimalCollation(o.collation) : undefined;
  if (collation) options.collation = collation;
  if (o.hidden === true) options.hidden = true;
  const weights = Object.entries(canonical.textWeights ?? {}).filter(([, weight]) => weight !== 1);
  if (weights.length > 0) options.weights = Object.fromEntries(weights) as Record<string, number>;
  if (typeof o.default_language === 'string') options.default_language = o.default_language;
  if (typeof o.language_override === 'string') options.language_override = o.language_override;
  if (typeof o.textIndexVersion === 'number') options.text_index_version = o.textIndexVersion;
  if (isPlainObject(o.wildcardProjection)) options.wildcard_projection = o.wildcardProjection as Record<string, 0 | 1>;
  if (typeof o['2dsphereIndexVersion'] === 'number') options.sphere_index_version = o['2dsphereIndexVersion'];
  if (typeof o.bits === 'number') options.bits = o.bits;
  if (typeof o.min === 'number') options.min = o.min;
  if (typeof o.max === 'number') options.max = o.max;
  return Object.keys(options).length > 0 ? { name: entry.name, keys, options } : { name: entry.name, keys };
}
