import type { RuleContext } from './rule-version';
import { isOneOf } from './collation';
import { validateDeclared } from './validation-declared';
import { INDEX_OPTIONS } from './index-options';
import { hasKind, isWildcardField, keyKind } from './key-kinds';
import { isIdIndexKey } from './naming';
import { validatePartialFilter } from './partial-filter';
import { isPlainObject, isRecord } from './records';
import type { DefinitionOptions, KeyEntry } from './types';

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
export function validateOptions(keys: readonly KeyEntry[], options: DefinitionOptions, add: Sink, context?: RuleContext): void {
  const idIndex = isIdIndexKey(keys);
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

  validateTtl(keys, options, wildcard !== undefined, add);

  if (options.sparse === true && options.partial_filter_expression !== undefined) {
    add('options.partial_filter_expression', 'sparse_with_partial', 'sparse and partial_filter_expression cannot be combined');
  }
  if (options.partial_filter_expression !== undefined) {
    for (const issue of validatePartialFilter(options.partial_filter_expression, 'options.partial_filter_expression')) {
      add(issue.field, issue.rule, issue.message);
    }
  }

  if (idIndex) {
    // The `_id` index is always unique, never sparse or partial; only its collation may be chosen, at collection creation.
    if (options.sparse === true) add('options.sparse', 'id_index_options', 'the _id index cannot be sparse');
    if (options.partial_filter_expression !== undefined)
      add('options.partial_filter_expression', 'id_index_options', 'the _id index cannot be partial');
    if (options.is_unique === false) add('options.is_unique', 'id_index_options', 'the _id index is always unique');
    if (options.hidden === true) add('options.hidden', 'hidden_id', 'the _id index cannot be hidden');
  }

  if (options.collation !== undefined) validateCollation(keys, options.collation, add);
  validateTextOptions(options, add);
  validateWildcardProjection(wildcard, options, add);
  validateGeoOptions(options, add);
}

function validateTtl(keys: readonly KeyEntry[], options: DefinitionOptions, wildcard: boolean, add: Sink): void {
  // Its type and range are the table's (`ttl_range`, `ttl_integer`); these rules are the key's.
  if (options.expire_after_seconds === undefined) return;
  const field = 'options.expire_after_seconds';
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

function validateTextOptions(options: DefinitionOptions, add: Sink): void {
  if (options.weights !== undefined) {
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
  if (options.default_language !== undefined && !TEXT_LANGUAGES.has(options.default_language)) {
    add('options.default_language', 'text_language', `"${options.default_language}" is not a text search language MongoDB supports`);
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

function validateGeoOptions(options: DefinitionOptions, add: Sink): void {
  // The bounds default to [-180, 180); a given bound is checked against the other side's default too.
  const min = options.min ?? -180;
  const max = options.max ?? 180;
  if ((options.min !== undefined || options.max !== undefined) && !(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
    add(options.min !== undefined ? 'options.min' : 'options.max', 'min_less_than_max', `min (${min}) must be less than max (${max})`);
  }
}
