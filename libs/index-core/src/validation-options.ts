import type { RuleContext } from './rule-version';
import { isOneOf } from './collation';
import { collationIssues } from './collation-rules';
import { hasKind, keyKind } from './key-kinds';
import { validateIdIndex } from './id-index';
import { validatePartialFilter } from './partial-filter';
import { validateTextOptions } from './text-rules';
import type { DefinitionOptions, KeyEntry } from './types';
import { validateWildcardOptions } from './wildcard-rules';

/** TTL bounds from the TTL docs: 0 to 2^31 − 1 seconds. */
export const TTL_MAX_SECONDS = 2147483647;

type Sink = (field: string, rule: string, message: string) => void;

// `context`: the target's version, for the rules that differ between versions (see rule-version.ts).
export function validateOptions(keys: readonly KeyEntry[], options: DefinitionOptions, add: Sink, context?: RuleContext): void {
  const text = hasKind(keys, 'text');
  const wildcard = keys.find((entry) => keyKind(entry) === 'wildcard');

  for (const flag of ['is_unique', 'sparse', 'hidden'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean')
      add(`options.${flag}`, 'option_type', `${flag} must be true or false`);
  }
  if (options.is_unique === true && hasKind(keys, 'hashed'))
    add('options.is_unique', 'hashed_not_unique', 'a hashed index cannot be unique');
  if (options.is_unique === true && wildcard) add('options.is_unique', 'wildcard_not_unique', 'a wildcard index cannot be unique');

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
  validateTextOptions(text, options, add);
  validateWildcardOptions(keys, options, add, context);
  validateGeoOptions(keys, options, add);
}

function validateTtl(keys: readonly KeyEntry[], options: DefinitionOptions, wildcard: boolean, add: Sink): void {
  const ttl: unknown = options.expire_after_seconds;
  if (ttl === undefined) return;
  const field = 'options.expire_after_seconds';
  if (typeof ttl !== 'number' || !Number.isFinite(ttl)) {
    add(field, 'ttl_range', 'expire_after_seconds must be a number of seconds');
  } else if (ttl < 0 || ttl > TTL_MAX_SECONDS) {
    add(field, 'ttl_range', `expire_after_seconds must be between 0 and ${TTL_MAX_SECONDS}`);
  } else if (!Number.isInteger(ttl)) {
    // The server would truncate a fraction; a whole number of seconds says exactly what will happen.
    add(field, 'ttl_integer', 'expire_after_seconds must be a whole number of seconds');
  }
  // TTL with a partial filter is allowed (only matching documents expire). Clustered collections take their TTL
  // at creation (clusteredIndex.expireAfterSeconds); secondary TTL indexes on them follow these same rules.
  if (keys.length !== 1) add(field, 'ttl_single_field', 'a TTL index has exactly one field; compound keys cannot expire documents');
  else if (keys[0].field === '_id') add(field, 'ttl_not_id', 'a TTL index cannot be on _id');
  if (wildcard) add(field, 'wildcard_not_ttl', 'a wildcard index cannot be a TTL index');
}

function validateCollation(keys: readonly KeyEntry[], collation: unknown, add: Sink): void {
  // Which index kinds take a collation (text and 2d: only `simple`) is part of the collation rules.
  for (const issue of collationIssues(collation, 'options.collation', keys)) add(issue.field, issue.rule, issue.message);
}

function validateGeoOptions(keys: readonly KeyEntry[], options: DefinitionOptions, add: Sink): void {
  const twoD = hasKind(keys, '2d');
  for (const name of ['bits', 'min', 'max'] as const) {
    if (options[name] !== undefined && !twoD) add(`options.${name}`, '2d_options_require_2d', `${name} applies to 2d indexes only`);
  }
  if (options.bits !== undefined && !(Number.isInteger(options.bits) && options.bits >= 1 && options.bits <= 32)) {
    add('options.bits', 'bits_range', 'bits is a whole number from 1 to 32');
  }
  // The bounds default to [-180, 180); a given bound is checked against the other side's default too.
  const min = options.min ?? -180;
  const max = options.max ?? 180;
  if ((options.min !== undefined || options.max !== undefined) && !(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
    add(options.min !== undefined ? 'options.min' : 'options.max', 'min_less_than_max', `min (${min}) must be less than max (${max})`);
  }
  if (options.sphere_index_version !== undefined) {
    if (!hasKind(keys, '2dsphere'))
      add('options.sphere_index_version', '2dsphere_options_require_2dsphere', 'sphere_index_version applies to 2dsphere indexes only');
    if (!isOneOf(options.sphere_index_version, [1, 2, 3]))
      add('options.sphere_index_version', 'sphere_index_version', 'sphere_index_version is 1, 2 or 3');
  }
}
