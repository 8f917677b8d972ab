import type { RuleContext } from './rule-version';
import { collationIssues } from './collation-rules';
import { validateIdIndex } from './id-index';
import { INDEX_OPTIONS } from './index-options';
import { isIdIndexPattern } from './naming';
import { hasKind, keyKind } from './key-kinds';
import { validatePartialFilter } from './partial-filter';
import { validateTextOptionValues } from './text-rules';
import type { DefinitionOptions, KeyEntry } from './types';
import { validateDeclared } from './validation-declared';
import { validateWildcardOptions } from './wildcard-rules';

type Sink = (field: string, rule: string, message: string) => void;

// `context`: the target's version, for the rules that differ between versions (see rule-version.ts).
export function validateOptions(keys: readonly KeyEntry[], options: DefinitionOptions, add: Sink, context?: RuleContext): void {
  const wildcard = keys.find((entry) => keyKind(entry) === 'wildcard');

  // What the options table declares of each option: its type, range, index kinds and version.
  for (const row of INDEX_OPTIONS) {
    const value: unknown = options[row.dr];
    if (value !== undefined) validateDeclared(row, value, keys, add, context);
  }

  // The rules between options (each row lists its own under `rules`).
  if (options.is_unique === true && hasKind(keys, 'hashed'))
    add('options.is_unique', 'hashed_not_unique', 'a hashed index cannot be unique');
  if (options.is_unique === true && wildcard) add('options.is_unique', 'wildcard_not_unique', 'a wildcard index cannot be unique');
  // jstests/core/index_prepareUnique.js (6.0+): CannotCreateIndex; prepareUnique is the step before unique, never beside it.
  if (options.is_unique === true && options.prepare_unique === true)
    add('options.prepare_unique', 'unique_with_prepare_unique', 'an index cannot be both unique and prepare_unique');

  validateTtl(keys, options, wildcard !== undefined, add);

  if (options.sparse === true && options.partial_filter_expression !== undefined) {
    add('options.partial_filter_expression', 'sparse_with_partial', 'sparse and partial_filter_expression cannot be combined');
  }
  if (options.partial_filter_expression !== undefined) {
    for (const issue of validatePartialFilter(options.partial_filter_expression, 'options.partial_filter_expression', context)) {
      add(issue.field, issue.rule, issue.message);
    }
  }

  validateIdIndex(keys, options, add);

  if (options.collation !== undefined) validateCollation(keys, options.collation, add);
  // Where text options may stand is the table's; what their values may be, the text rules'.
  validateTextOptionValues(options, add);
  validateWildcardOptions(keys, options, add, context);
  validateGeoOptions(options, add);
}

function validateTtl(keys: readonly KeyEntry[], options: DefinitionOptions, wildcard: boolean, add: Sink): void {
  // Its type and range are the table's (`ttl_range`, `ttl_integer`); these rules are the key's.
  if (options.expire_after_seconds === undefined) return;
  const field = 'options.expire_after_seconds';
  // TTL with a partial filter is allowed (only matching documents expire). Clustered collections take their TTL
  // at creation (clusteredIndex.expireAfterSeconds); secondary TTL indexes on them follow these same rules.
  if (keys.length !== 1) add(field, 'ttl_single_field', 'a TTL index has exactly one field; compound keys cannot expire documents');
  // Only an `_id` index pattern is held to the `_id` index's fields (index_key_validate.cpp
  // `validateIdIndexSpec`: "The field 'expireAfterSeconds' is not valid for an _id index specification");
  // `{ _id: "hashed" }` or `{ _id: 2 }` is an ordinary single-field key, and the server builds its TTL.
  else if (isIdIndexPattern(keys)) add(field, 'ttl_not_id', 'a TTL index cannot be on the _id index pattern ({ _id: 1 } or { _id: -1 })');
  if (wildcard) add(field, 'wildcard_not_ttl', 'a wildcard index cannot be a TTL index');
}

function validateCollation(keys: readonly KeyEntry[], collation: unknown, add: Sink): void {
  // Which index kinds take a collation (text and 2d: only `simple`) is part of the collation rules.
  for (const issue of collationIssues(collation, 'options.collation', keys)) add(issue.field, issue.rule, issue.message);
}

function validateGeoOptions(options: DefinitionOptions, add: Sink): void {
  // The bounds default to [-180, 180); a given bound is checked against the other side's default too.
  const min = options.min ?? -180;
  const max = options.max ?? 180;
  if ((options.min !== undefined || options.max !== undefined) && !(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
    add(options.min !== undefined ? 'options.min' : 'options.max', 'min_less_than_max', `min (${min}) must be less than max (${max})`);
  }
}
