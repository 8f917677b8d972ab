import type { RuleVersion } from '../rule-version';
import type { IndexDefinition, ListIndexesEntry } from '../types';

/**
 * Index options, case by case, as MongoDB's own source has them. Pure data: `options.cases.spec.ts` runs
 * every case through the core's public functions and fails where the core disagrees.
 */

const DESCRIPTOR =
  'mongodb/mongo src/mongo/db/index/index_descriptor.cpp (5.0 line: compareIndexOptions, populateOptionsMapForEqualityCheck; 6.0-8.0 keep it)';
const SIGNATURE_JSTEST = 'mongodb/mongo jstests/core/index_signature.js (r4.7+: collation and partial filter in the signature)';
const KEY_VALIDATE = 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp (validateExpireAfterSeconds, r7.0)';
const ALLOWED_FIELDS =
  'mongodb/mongo src/mongo/db/catalog/index_key_validate.h (allowedFieldNames by index type: the line after 7.0, with SERVER-76108; 8.0)';
const FLAT_FIELDS =
  'mongodb/mongo src/mongo/db/catalog/index_key_validate.h (6.0/7.0 line: one allowedFieldNames set for every index type)';
const PREPARE_UNIQUE = 'mongodb/mongo jstests/core/index_prepareUnique.js (at e2d178fb, the 6.0 development line)';
const FTS_SPEC = 'mongodb/mongo src/mongo/db/fts/fts_spec.cpp (the server fills default_language, language_override, textIndexVersion)';

/** One side of a comparison: an index as listIndexes returns it, or as the design repository defines it. */
export type IndexSide = { readonly listIndexes: ListIndexesEntry } | { readonly definition: IndexDefinition };

/**
 * Two indexes on the same key compared.
 * - `server`: what `compareIndexOptions` makes of them: `different` (two indexes; they can coexist under
 *   two names), `conflict` (the same signature with other options: IndexOptionsConflict, code 85) or
 *   `identical` (creating the second is a no-op).
 * - `drift`: whether the core reports them as two different indexes (`sameIndex` false). It is true for
 *   every `different` case; a `conflict` is drift unless it is only a default spelled out (the server compares
 *   the fields as given, the index is the same); an `identical` one is drift only where the server does not
 *   compare an option the design repository still manages (hidden, the text and 2dsphere index versions).
 */
export interface OptionIdentityCase {
  readonly title: string;
  readonly input: { readonly a: IndexSide; readonly b: IndexSide };
  readonly expect: { readonly server: 'different' | 'conflict' | 'identical'; readonly drift: boolean };
  readonly source: string;
  readonly versions?: string;
}

const live = (options: Record<string, unknown>, key: Record<string, unknown> = { a: 1 }): IndexSide => ({
  listIndexes: { v: 2, key, name: 'idx', ...options },
});
const text = (options: Record<string, unknown>): IndexSide =>
  live(
    { weights: { body: 1 }, default_language: 'english', language_override: 'language', textIndexVersion: 3, ...options },
    { _fts: 'text', _ftsx: 1 },
  );

export const OPTION_IDENTITY_CASES: readonly OptionIdentityCase[] = [
  // ── the signature: indexes that differ here are two indexes ──
  {
    title: 'unique and not unique are two indexes',
    input: { a: live({ unique: true }), b: live({}) },
    expect: { server: 'different', drift: true },
    source: `${DESCRIPTOR}: unique() compared before the other options`,
    versions: '5.0+',
  },
  {
    title: 'unique: false is no option at all',
    input: { a: live({ unique: false }), b: live({}) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: unique read as trueValue(), and left out of the options compared`,
  },
  {
    title: 'unique: 1 is unique: true',
    input: { a: live({ unique: 1 }), b: live({ unique: true }) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: unique read as trueValue()`,
  },
  {
    title: 'sparse and not sparse are two indexes',
    input: { a: live({ sparse: true }), b: live({}) },
    expect: { server: 'different', drift: true },
    source: `${DESCRIPTOR}: isSparse() compared before the other options`,
    versions: '5.0+',
  },
  {
    title: 'sparse: false is no option at all',
    input: { a: live({ sparse: false }), b: live({}) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: sparse read as trueValue(), and left out of the options compared`,
  },
  {
    title: 'a collation makes another index',
    input: { a: live({ collation: { locale: 'fr' } }), b: live({}) },
    expect: { server: 'different', drift: true },
    source: `${DESCRIPTOR}: collatorsMatch(); ${SIGNATURE_JSTEST}`,
  },
  {
    title: 'a collation with its locale defaults spelled out is the same collation',
    input: { a: live({ collation: { locale: 'fr' } }), b: live({ collation: { locale: 'fr', strength: 3, caseLevel: false } }) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: collators compared, not the documents that made them`,
  },
  {
    title: 'the simple collation is no collation',
    input: { a: live({ collation: { locale: 'simple' } }), b: live({}) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: an empty or simple collation makes no collator`,
  },
  {
    title: 'a partial filter makes another index',
    input: { a: live({ partialFilterExpression: { a: { $gt: 5 } } }), b: live({}) },
    expect: { server: 'different', drift: true },
    source: `${DESCRIPTOR}: isPartial() compared; ${SIGNATURE_JSTEST}`,
    versions: '4.7+',
  },
  {
    title: 'the same partial filter with its predicates in another order is the same index',
    input: { a: live({ partialFilterExpression: { a: { $gt: 5 }, b: 1 } }), b: live({ partialFilterExpression: { b: 1, a: { $gt: 5 } } }) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: the parsed and normalized filters compared with equivalent()`,
  },
  {
    title: 'two wildcard projections make two wildcard indexes',
    input: { a: live({ wildcardProjection: { a: 1 } }, { '$**': 1 }), b: live({ wildcardProjection: { b: 1 } }, { '$**': 1 }) },
    expect: { server: 'different', drift: true },
    source: `${DESCRIPTOR}: the normalized projections compared since FCV 5.0`,
    versions: '5.0+',
  },
  {
    title: 'a wildcard projection in another field order is the same projection',
    input: {
      a: live({ wildcardProjection: { a: 1, b: 1 } }, { '$**': 1 }),
      b: live({ wildcardProjection: { b: 1, a: 1 } }, { '$**': 1 }),
    },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: UnorderedFieldsBSONObjComparator on the projections`,
  },

  // ── the other options: the same signature, so a difference is a conflict ──
  {
    title: 'two TTLs on one key conflict',
    input: { a: live({ expireAfterSeconds: 60 }), b: live({ expireAfterSeconds: 120 }) },
    expect: { server: 'conflict', drift: true },
    source: `${DESCRIPTOR}: expireAfterSeconds compared with the other options`,
  },
  {
    title: 'a TTL as an int and as a long is the same TTL',
    input: { a: live({ expireAfterSeconds: 60 }), b: live({ expireAfterSeconds: { $numberLong: '60' } }) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: options compared as BSON values, where numbers of any type compare by value`,
  },
  {
    title: 'a TTL index and the same key without TTL conflict',
    input: { a: live({ expireAfterSeconds: 60 }), b: live({}) },
    expect: { server: 'conflict', drift: true },
    source: `${DESCRIPTOR}: expireAfterSeconds compared with the other options`,
  },
  {
    title: 'two default languages conflict',
    input: { a: text({ default_language: 'french' }), b: text({}) },
    expect: { server: 'conflict', drift: true },
    source: `${DESCRIPTOR}: default_language compared with the other options`,
  },
  {
    title: 'text weights differing conflict',
    input: { a: text({ weights: { body: 5 } }), b: text({}) },
    expect: { server: 'conflict', drift: true },
    source: `${DESCRIPTOR}: weights compared with the other options`,
  },
  {
    title: 'a text index from a definition that leaves out the filled defaults is the listed one',
    input: { a: { definition: { name: 'idx', keys: [{ field: 'body', value: 'text' }] } }, b: text({}) },
    expect: { server: 'identical', drift: false },
    source: `${FTS_SPEC}: the defaults are filled in before the comparison`,
  },
  {
    title: 'bits at its default of 26 is the same 2d index',
    input: { a: { definition: { name: 'idx', keys: [{ field: 'pos', value: '2d' }], options: { bits: 26 } } }, b: live({}, { pos: '2d' }) },
    // The server compares the spec fields as given: a spelled-out default is another option set (code 85).
    expect: { server: 'conflict', drift: false },
    source: `${DESCRIPTOR}: bits compared with the other options as given (26 is the 2d default)`,
  },

  // ── prepareUnique (6.0+): the step before unique, an option compared with the others ──
  {
    title: 'prepareUnique and none on the same key conflict',
    input: { a: live({ prepareUnique: true }), b: live({}) },
    expect: { server: 'conflict', drift: true },
    source: `${PREPARE_UNIQUE}: createIndex with prepareUnique: false beside prepareUnique: true is IndexOptionsConflict`,
    versions: '6.0+',
  },
  {
    title: 'prepareUnique: false is no option at all',
    input: { a: live({ prepareUnique: false }), b: live({}) },
    expect: { server: 'identical', drift: false },
    source: `${PREPARE_UNIQUE}: an index created with prepareUnique: false lists no prepareUnique`,
    versions: '6.0+',
  },

  // ── options the server does not compare, which the design repository still manages ──
  {
    title: 'hidden is not compared by the server but is drift',
    input: { a: live({ hidden: true }), b: live({}) },
    expect: { server: 'identical', drift: true },
    source: `${DESCRIPTOR}: kHiddenFieldName "not considered for equivalence"`,
    versions: '5.0-7.0 (after 8.0, master compares it with the other options: a conflict)',
  },
  {
    title: 'hidden: false is no option at all',
    input: { a: live({ hidden: false }), b: live({}) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: hidden read as trueValue()`,
  },
  {
    title: 'the text index version is not compared by the server but is drift',
    input: { a: text({ textIndexVersion: 2 }), b: text({}) },
    expect: { server: 'identical', drift: true },
    source: `${DESCRIPTOR}: kTextVersionFieldName "same as index version", skipped`,
  },
  {
    title: 'the 2dsphere index version is not compared by the server but is drift',
    input: { a: live({ '2dsphereIndexVersion': 2 }, { loc: '2dsphere' }), b: live({ '2dsphereIndexVersion': 3 }, { loc: '2dsphere' }) },
    expect: { server: 'identical', drift: true },
    source: `${DESCRIPTOR}: k2dsphereVersionFieldName "same as index version", skipped`,
  },

  // ── listIndexes noise ──
  {
    title: 'the index version v is noise',
    input: { a: live({ v: 1 }), b: live({ v: 2 }) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: kIndexVersionFieldName "not considered for equivalence"`,
  },
  {
    title: 'ns, background and dropDups are noise',
    input: { a: live({ ns: 'app.c', background: true, dropDups: true }), b: live({}) },
    expect: { server: 'identical', drift: false },
    source: `${DESCRIPTOR}: ns "removed in 4.4", background "a creation time option only", dropDups "now ignored"`,
  },
];

/**
 * One option's value checked by the rules of a server version.
 * - `server`: whether that version's createIndexes accepts it (and with which error code where the source names it);
 * - `rule`: the core's issue (absent: the core accepts it). `stricter` marks a deliberate difference (README,
 *   "Where the core is stricter than MongoDB"): the core refuses what the server accepts.
 */
export interface OptionValueCase {
  readonly title: string;
  readonly input: { readonly definition: IndexDefinition; readonly version?: RuleVersion };
  readonly expect: { readonly server: 'accepts' | 'refuses'; readonly code?: number; readonly rule?: string; readonly stricter?: true };
  readonly source: string;
  readonly versions?: string;
}

const on = (field: string, value: IndexDefinition['keys'][number]['value'], options: IndexDefinition['options']): IndexDefinition => ({
  keys: [{ field, value }],
  options,
});

export const OPTION_VALUE_CASES: readonly OptionValueCase[] = [
  {
    title: 'the largest TTL a secondary index takes: 2^31 - 1',
    input: { definition: on('at', 1, { expire_after_seconds: 2147483647 }) },
    expect: { server: 'accepts' },
    source: `${KEY_VALIDATE}: a 32-bit integer on a secondary index`,
  },
  {
    title: 'a TTL beyond 32 bits',
    input: { definition: on('at', 1, { expire_after_seconds: 2147483648 }) },
    expect: { server: 'refuses', code: 67, rule: 'ttl_range' },
    source: `${KEY_VALIDATE}: CannotCreateIndex, "must be within the range of a 32-bit integer"`,
  },
  {
    title: 'a negative TTL',
    input: { definition: on('at', 1, { expire_after_seconds: -1 }) },
    expect: { server: 'refuses', code: 67, rule: 'ttl_range' },
    source: `${KEY_VALIDATE}: CannotCreateIndex, "cannot be less than 0"`,
  },
  {
    title: 'a TTL with a fraction of a second',
    input: { definition: on('at', 1, { expire_after_seconds: 1.5 }) },
    expect: { server: 'accepts', rule: 'ttl_integer', stricter: true },
    source: `${KEY_VALIDATE}: any number that fits 32 bits once truncated (safeNumberInt) is taken`,
  },
  {
    title: 'hidden before 4.4',
    input: { definition: on('a', 1, { hidden: true }), version: [4, 2] },
    expect: { server: 'refuses', rule: 'requires_version' },
    source: `${FLAT_FIELDS}: hidden is in the list since 4.4`,
    versions: '4.4+',
  },
  {
    title: 'hidden on 6.0',
    input: { definition: on('a', 1, { hidden: true }), version: [6, 0] },
    expect: { server: 'accepts' },
    source: `${ALLOWED_FIELDS}: hidden allowed on every index type`,
  },
  {
    title: 'prepareUnique before 6.0',
    input: { definition: on('email', 1, { prepare_unique: true }), version: [5, 0] },
    expect: { server: 'refuses', rule: 'requires_version' },
    source: `${PREPARE_UNIQUE}: the option came with collMod's conversion to unique in 6.0`,
    versions: '6.0+',
  },
  {
    title: 'prepareUnique on 6.0',
    input: { definition: on('email', 1, { prepare_unique: true }), version: [6, 0] },
    expect: { server: 'accepts' },
    source: `${PREPARE_UNIQUE}: createIndex({a: 1}, {prepareUnique: true}) works and then refuses new duplicates`,
  },
  {
    title: 'unique and prepareUnique together',
    input: { definition: on('email', 1, { is_unique: true, prepare_unique: true }) },
    expect: { server: 'refuses', code: 67, rule: 'unique_with_prepare_unique' },
    source: `${PREPARE_UNIQUE}: CannotCreateIndex`,
  },
  {
    title: 'unique with prepareUnique: false',
    input: { definition: on('email', 1, { is_unique: true, prepare_unique: false }) },
    expect: { server: 'accepts' },
    source: `${PREPARE_UNIQUE}: accepted, and prepareUnique is not listed`,
  },
  {
    title: 'weights on an index without a text key',
    input: { definition: on('a', 1, { weights: { a: 2 } }) },
    expect: { server: 'refuses', rule: 'weights_require_text' },
    source: `${ALLOWED_FIELDS}: weights for INDEX_TEXT only`,
    versions: '8.0 (6.0 and 7.0 take it and ignore it: there the core is stricter, see STRICTER_RULES)',
  },
  {
    title: 'a text index version on an index without a text key',
    input: { definition: on('a', 1, { text_index_version: 3 }) },
    expect: { server: 'refuses', rule: 'text_options_require_text' },
    source: `${ALLOWED_FIELDS}: textIndexVersion for INDEX_TEXT only`,
    versions: '8.0 (6.0 and 7.0 take it and ignore it: there the core is stricter, see STRICTER_RULES)',
  },
  {
    title: 'a default language on an index without a text key',
    input: { definition: on('a', 1, { default_language: 'french' }) },
    expect: { server: 'accepts', rule: 'text_options_require_text', stricter: true },
    source: `${ALLOWED_FIELDS}: default_language allowed on every index type; ${FLAT_FIELDS}`,
  },
  {
    title: 'bits on an index without a 2d key',
    input: { definition: on('a', 1, { bits: 20 }) },
    expect: { server: 'refuses', rule: '2d_options_require_2d' },
    source: `${ALLOWED_FIELDS}: bits for INDEX_2D only`,
    versions: '8.0 (6.0 and 7.0 take it and ignore it: there the core is stricter, see STRICTER_RULES)',
  },
  {
    title: 'a 2dsphere index version on a 2d index',
    input: { definition: on('pos', '2d', { sphere_index_version: 3 }) },
    expect: { server: 'refuses', rule: '2dsphere_options_require_2dsphere' },
    source: `${ALLOWED_FIELDS}: 2dsphereIndexVersion for INDEX_2DSPHERE only`,
    versions: '8.0 (6.0 and 7.0 take it and ignore it: there the core is stricter, see STRICTER_RULES)',
  },
  {
    title: 'a wildcard projection on an index without a wildcard key',
    input: { definition: on('a', 1, { wildcard_projection: { b: 1 } }) },
    expect: { server: 'refuses', rule: 'wildcard_projection_requires_root_wildcard' },
    source: `${ALLOWED_FIELDS}: wildcardProjection for INDEX_WILDCARD only (6.0 and 7.0 refuse it in validateIndexSpec)`,
  },
];
