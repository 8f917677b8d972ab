import type { RuleContext } from './rule-version';
import { isOneOf } from './collation';
import { hasKind, isWildcardField, keyKind } from './key-kinds';
import { validateIdIndex } from './id-index';
import { validatePartialFilter } from './partial-filter';
import { isPlainObject, isRecord } from './records';
import type { DefinitionOptions, KeyEntry } from './types';

/** TTL bounds from the TTL docs: 0 to 2^31 − 1 seconds. */
export const TTL_MAX_SECONDS = 2147483647;

/** Languages of MongoDB's text search ("Text Search Languages"), by name and ISO code; `none` disables stemming. */
const TEXT_LANGUAGES: ReadonlySet<string> = new Set([
  'none',
  ...['danish', 'dutch', 'english', 'finnish', 'french', 'german', 'hungarian', 'italian', 'norwegian', 'portuguese'],
  ...['romanian', 'russian', 'spanish', 'swedish', 'turkish'],
  ...['da', 'nl', 'en', 'fi', 'fr', 'de', 'hu', 'it', 'nb', 'pt', 'ro', 'ru', 'es', 'sv', 'tr'],
]);

/** ICU locale ids as MongoDB accepts them: `fr`, `fr_CA`, `zh_Hant`, `de@collation=phonebook`, or `simple`. */
const LOCALE_PATTERN = /^(simple|[a-z]{2,3}(_[A-Za-z0-9]{2,8})*(@collation=[a-z0-9]+)?)$/;

type Sink = (field: string, rule: string, message: string) => void;

// `context`: the target's version, for the rules that differ between versions (see rule-version.ts).
export function validateOptions(keys: readonly KeyEntry[], options: DefinitionOptions, add: Sink, _context?: RuleContext): void {
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
    for (const issue of validatePartialFilter(options.partial_filter_expression, 'options.partial_filter_expression')) {
      add(issue.field, issue.rule, issue.message);
    }
  }

  validateIdIndex(keys, options, add);

  if (options.collation !== undefined) validateCollation(keys, options.collation, add);
  validateTextOptions(text, options, add);
  validateWildcardProjection(wildcard, options, add);
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
  const base = 'options.collation';
  if (!isRecord(collation)) {
    add(base, 'collation_locale', 'collation must be a document with a locale');
    return;
  }
  const locale = collation.locale;
  if (typeof locale !== 'string' || !LOCALE_PATTERN.test(locale)) {
    add(`${base}.locale`, 'collation_locale', `collation locale ${JSON.stringify(locale)} is not an ICU locale id such as "en" or "fr_CA"`);
  } else if (locale === 'simple' && Object.keys(collation).some((name) => name !== 'locale')) {
    // The server refuses settings on the binary `simple` collation: they would have no meaning.
    add(base, 'collation_locale', 'the "simple" locale takes no other collation settings');
  }
  if (collation.strength !== undefined && !isOneOf(collation.strength, [1, 2, 3, 4, 5])) {
    add(`${base}.strength`, 'collation_strength', 'collation strength is 1, 2, 3, 4 or 5');
  }
  const choices: readonly (readonly [string, readonly unknown[]])[] = [
    ['caseFirst', ['upper', 'lower', 'off']],
    ['alternate', ['non-ignorable', 'shifted']],
    ['maxVariable', ['punct', 'space']],
    ['caseLevel', [true, false]],
    ['numericOrdering', [true, false]],
    ['backwards', [true, false]],
    ['normalization', [true, false]],
  ];
  for (const [name, allowed] of choices) {
    if (collation[name] !== undefined && !allowed.includes(collation[name])) {
      add(`${base}.${name}`, 'collation_option', `collation ${name} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
    }
  }
  // Text and 2d indexes compare strings binarily; the server refuses a collation on them.
  if (hasKind(keys, 'text') || hasKind(keys, '2d')) add(base, 'collation_unsupported', 'text and 2d indexes do not support collation');
}

function validateTextOptions(text: boolean, options: DefinitionOptions, add: Sink): void {
  if (options.weights !== undefined) {
    if (!text) add('options.weights', 'weights_require_text', 'weights apply to text indexes only');
    if (!isPlainObject(options.weights)) {
      add('options.weights', 'text_weight_range', 'weights must map field names to numbers');
    } else {
      for (const [field, weight] of Object.entries(options.weights)) {
        if (typeof weight !== 'number' || !(weight >= 1 && weight <= 99999)) {
          add(`options.weights.${field}`, 'text_weight_range', `the weight of "${field}" must be a number from 1 to 99999`);
        }
      }
    }
  }
  for (const name of ['default_language', 'language_override', 'text_index_version'] as const) {
    if (options[name] !== undefined && !text) add(`options.${name}`, 'text_options_require_text', `${name} applies to text indexes only`);
  }
  if (options.default_language !== undefined && !TEXT_LANGUAGES.has(options.default_language)) {
    add('options.default_language', 'text_language', `"${options.default_language}" is not a text search language MongoDB supports`);
  }
  if (options.language_override !== undefined && (typeof options.language_override !== 'string' || options.language_override === '')) {
    add('options.language_override', 'option_type', 'language_override must be a field name');
  }
  if (options.text_index_version !== undefined && !isOneOf(options.text_index_version, [1, 2, 3])) {
    add('options.text_index_version', 'text_index_version', 'text_index_version is 1, 2 or 3');
  }
}

function validateWildcardProjection(wildcard: KeyEntry | undefined, options: DefinitionOptions, add: Sink): void {
  const projection: unknown = options.wildcard_projection;
  if (projection === undefined) return;
  const field = 'options.wildcard_projection';
  if (!wildcard || wildcard.field !== '$**') {
    add(field, 'wildcard_projection_requires_root_wildcard', 'wildcard_projection needs a wildcard key on "$**" (not on a path.$**)');
  }
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) {
    add(field, 'wildcard_projection_values', 'wildcard_projection must list at least one path');
    return;
  }
  const modes = new Set<unknown>();
  for (const [path, flag] of Object.entries(projection)) {
    if (flag !== 0 && flag !== 1 && flag !== true && flag !== false) {
      add(`${field}.${path}`, 'wildcard_projection_values', `the projection of "${path}" must be 1 (include) or 0 (exclude)`);
    } else if (path !== '_id') {
      modes.add(flag === 1 || flag === true);
    }
    if (isWildcardField(path)) add(`${field}.${path}`, 'wildcard_projection_values', 'projection paths are plain field paths');
  }
  // As in a find projection, only `_id` may be included or excluded against the others' mode.
  if (modes.size > 1) add(field, 'wildcard_projection_mixed', 'wildcard_projection either includes or excludes paths, not both');
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
