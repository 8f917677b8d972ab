import type { Collation, JsonObject } from './option-values';
import type { RuleVersion } from './rule-version';

/**
 * Every index option, declared once. Validation (`validation-options.ts`), normalization (`normalize.ts`),
 * spec building and import (`mongo-spec.ts`), identity (`signature.ts`), the `DefinitionOptions` type and
 * the contracts' options schema all read this table: adding an option is one row (plus, for a new value
 * shape, one `OptionKind`).
 */

/** The TS type of each value shape; the contracts map the same kinds to zod schemas. */
export interface OptionValues {
  readonly flag: boolean;
  readonly integer: number;
  readonly number: number;
  readonly string: string;
  /** A match expression (the partial filter). */
  readonly filter: JsonObject;
  readonly collation: Collation;
  /** Text field → weight. */
  readonly weights: Readonly<Record<string, number>>;
  /** Path → 1 (include) or 0 (exclude). */
  readonly projection: Readonly<Record<string, 0 | 1>>;
}
export type OptionKind = keyof OptionValues;

/**
 * What an option is to MongoDB's `IndexDescriptor::compareIndexOptions`, which decides whether a new index
 * is the same as one on the same key pattern:
 * - `signature`: part of the index signature: two indexes that differ in it are different indexes and can
 *   coexist (under different names);
 * - `options`: compared once the signature matches: a difference makes the new index conflict with the
 *   existing one (IndexOptionsConflict, code 85) instead of being a second index;
 * - `ignored`: not compared at all (the server treats a request that differs only here as the existing index).
 * The core's own drift comparison (`sameIndex`) still compares every option but noise: an index the design
 * repository wants hidden, or of another text index version, is not the index it wants.
 */
export type OptionIdentity = 'signature' | 'options' | 'ignored';

/** Index kinds an option may be restricted to (the names `KeyKind` uses). */
export type RestrictedKind = 'text' | '2d' | '2dsphere' | 'wildcard';

/** A range or a list of allowed values, each failure under its rule id. */
export type OptionCheck =
  | { readonly check: 'choices'; readonly rule: string; readonly values: readonly number[] }
  /** `wholeRule`: the rule a fraction fails (absent: fractions are allowed). */
  | { readonly check: 'range'; readonly rule: string; readonly min: number; readonly max: number; readonly wholeRule?: string };

export interface IndexOptionRow {
  /** The design repository's (API's, manifest's) snake_case name. */
  readonly dr: string;
  /** The createIndexes / listIndexes field. */
  readonly mongo: string;
  readonly kind: OptionKind;
  /** What the server assumes when the option is absent: an option equal to it is the same as absent. */
  readonly default?: unknown;
  readonly identity: OptionIdentity;
  /** The first MongoDB version whose createIndexes accepts it. */
  readonly since: RuleVersion;
  /** Only on indexes with a key of one of these kinds; else the issue `rule`. */
  readonly onlyFor?: { readonly kinds: readonly RestrictedKind[]; readonly rule: string; readonly what: string };
  readonly range?: OptionCheck;
  /** The rules between this option and others or inside its value, by id: functions of `validation-options.ts` and the files it calls. */
  readonly rules?: readonly string[];
  /** Strings: the longest value the API accepts. */
  readonly maxLength?: number;
  /** Integers: what one unit is, for messages ("a whole number of seconds"). */
  readonly unit?: string;
  /**
   * The feature of the capabilities table (`capabilities.ts`) a createIndexes spec with this option
   * needs: what `featuresOfSpec` reads (a flag needs it only when true). Absent: every server that has
   * the index's kind has the option.
   */
  readonly capability?: string;
  /**
   * collMod changes this option of an existing index in place (`plan-rebuild.ts` makes a `modify` step
   * instead of a rebuild), through the capabilities table's feature named here (which versions have it).
   * Absent: a difference is a rebuild.
   */
  readonly collMod?: { readonly capability: string; readonly source: string };
  /**
   * The temporary index that serves an index's queries while it is rebuilt (`plan-rebuild.ts`) leaves
   * this option out: it constrains, removes or hides, which on the stand-in's longer key would mean
   * nothing or harm. The options it keeps decide which queries may use it.
   */
  readonly notOnStandIn?: true;
  /** Where the identity and defaults come from. */
  readonly source: string;
}

const DESCRIPTOR_50 =
  'mongodb/mongo src/mongo/db/index/index_descriptor.cpp (5.0 line, compareIndexOptions with its FCV 4.7/4.9/5.0 checks; 6.0-8.0 keep the rule)';
const DESCRIPTOR_MASTER = 'mongodb/mongo src/mongo/db/index/index_descriptor.cpp (master after 8.0, populateOptionsMapForEqualityCheck)';
const ALLOWED_FIELDS =
  'mongodb/mongo src/mongo/db/catalog/index_key_validate.h (8.0: allowedFieldNames by index type; 6.0 and 7.0 check the field names only, so there the core is stricter)';
const COLLMOD =
  'mongodb/mongo src/mongo/db/coll_mod.idl (CollModIndex at 0c95addd, a 6.0+ line: expireAfterSeconds, hidden, prepareUnique; its unique and forceNonUnique conversions the product does not use)';
const PREPARE_UNIQUE =
  'mongodb/mongo jstests/core/index_prepareUnique.js (at e2d178fb, the 6.0 development line; the option is in 6.0 and later)';
const TTL_RULES = 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp (validateExpireAfterSeconds: numeric, not NaN, 0..2^31-1)';

/** The TTL bound: `expireAfterSeconds` is a 32-bit integer on a secondary index (`TTL_RULES`). */
export const TTL_MAX_SECONDS = 2147483647;

/** In the order a createIndexes spec is printed. */
export const INDEX_OPTIONS = [
  {
    dr: 'is_unique',
    mongo: 'unique',
    kind: 'flag',
    default: false,
    identity: 'signature',
    since: [1, 0],
    rules: ['hashed_not_unique', 'wildcard_not_unique', 'id_index_options'],
    capability: 'unique',
    notOnStandIn: true,
    source: `${DESCRIPTOR_50}: unique() compared since FCV 4.9, and the _id index is unique by nature`,
  },
  {
    dr: 'sparse',
    mongo: 'sparse',
    kind: 'flag',
    default: false,
    identity: 'signature',
    since: [1, 8],
    rules: ['sparse_with_partial', 'id_index_options'],
    capability: 'sparse',
    notOnStandIn: true,
    source: `${DESCRIPTOR_50}: isSparse() compared since FCV 4.9`,
  },
  {
    dr: 'expire_after_seconds',
    mongo: 'expireAfterSeconds',
    kind: 'integer',
    identity: 'options',
    since: [2, 2],
    unit: 'seconds',
    range: { check: 'range', rule: 'ttl_range', min: 0, max: TTL_MAX_SECONDS, wholeRule: 'ttl_integer' },
    rules: ['ttl_single_field', 'ttl_not_id', 'wildcard_not_ttl'],
    capability: 'expireAfterSeconds',
    collMod: { capability: 'collmod_ttl', source: COLLMOD },
    notOnStandIn: true,
    source: `${DESCRIPTOR_50}: compared with the other options; ${TTL_RULES}`,
  },
  {
    dr: 'partial_filter_expression',
    mongo: 'partialFilterExpression',
    kind: 'filter',
    identity: 'signature',
    since: [3, 2],
    rules: ['partial_filter_operators', 'sparse_with_partial', 'id_index_options'],
    capability: 'partialFilterExpression',
    source: `${DESCRIPTOR_50}: isPartial() and the parsed filters' equivalence, since FCV 4.7`,
  },
  {
    dr: 'collation',
    mongo: 'collation',
    kind: 'collation',
    identity: 'signature',
    since: [3, 4],
    rules: ['collation_locale', 'collation_strength', 'collation_option', 'collation_unsupported'],
    capability: 'collation',
    source: `${DESCRIPTOR_50}: collatorsMatch()`,
  },
  {
    dr: 'hidden',
    mongo: 'hidden',
    kind: 'flag',
    default: false,
    identity: 'ignored',
    since: [4, 4],
    rules: ['hidden_id'],
    capability: 'hidden',
    collMod: { capability: 'collmod_hidden', source: COLLMOD },
    notOnStandIn: true,
    source: `${DESCRIPTOR_50}: kHiddenFieldName "not considered for equivalence" (${DESCRIPTOR_MASTER} compares it with the other options)`,
  },
  {
    dr: 'prepare_unique',
    mongo: 'prepareUnique',
    kind: 'flag',
    default: false,
    identity: 'options',
    since: [6, 0],
    capability: 'prepareUnique',
    collMod: { capability: 'collmod_prepare_unique', source: COLLMOD },
    notOnStandIn: true,
    rules: ['unique_with_prepare_unique', 'id_index_options'],
    source: `${PREPARE_UNIQUE}: an index on the same key with another prepareUnique is IndexOptionsConflict, prepareUnique: false is not listed, and unique with prepareUnique is CannotCreateIndex`,
  },
  {
    dr: 'weights',
    mongo: 'weights',
    kind: 'weights',
    identity: 'options',
    since: [2, 4],
    onlyFor: { kinds: ['text'], rule: 'weights_require_text', what: 'text indexes' },
    rules: ['text_weight_range'],
    source: `${DESCRIPTOR_50}: compared with the other options; ${ALLOWED_FIELDS}: text only`,
  },
  {
    dr: 'default_language',
    mongo: 'default_language',
    kind: 'string',
    default: 'english',
    identity: 'options',
    since: [2, 4],
    maxLength: 64,
    onlyFor: { kinds: ['text'], rule: 'text_options_require_text', what: 'text indexes' },
    rules: ['text_language'],
    source: `${DESCRIPTOR_50}: compared with the other options; mongodb/mongo src/mongo/db/fts/fts_spec.cpp: "english" when absent`,
  },
  {
    dr: 'language_override',
    mongo: 'language_override',
    kind: 'string',
    default: 'language',
    identity: 'options',
    since: [2, 4],
    maxLength: 256,
    onlyFor: { kinds: ['text'], rule: 'text_options_require_text', what: 'text indexes' },
    source: `${DESCRIPTOR_50}: compared with the other options; mongodb/mongo src/mongo/db/fts/fts_spec.cpp: "language" when absent`,
  },
  {
    dr: 'text_index_version',
    mongo: 'textIndexVersion',
    kind: 'integer',
    default: 3,
    identity: 'ignored',
    since: [2, 6],
    onlyFor: { kinds: ['text'], rule: 'text_options_require_text', what: 'text indexes' },
    range: { check: 'choices', rule: 'text_index_version', values: [1, 2, 3] },
    source: `${DESCRIPTOR_50}: kTextVersionFieldName "same as index version", not compared; ${ALLOWED_FIELDS}: text only`,
  },
  {
    dr: 'wildcard_projection',
    mongo: 'wildcardProjection',
    kind: 'projection',
    identity: 'signature',
    since: [4, 2],
    rules: ['wildcard_projection_requires_root_wildcard', 'wildcard_projection_values', 'wildcard_projection_mixed'],
    capability: 'wildcardProjection',
    source: `${DESCRIPTOR_50}: the normalized projection compared (field order ignored) since FCV 5.0; ${ALLOWED_FIELDS}: wildcard only`,
  },
  {
    dr: 'sphere_index_version',
    mongo: '2dsphereIndexVersion',
    kind: 'integer',
    default: 3,
    identity: 'ignored',
    since: [2, 4],
    onlyFor: { kinds: ['2dsphere'], rule: '2dsphere_options_require_2dsphere', what: '2dsphere indexes' },
    range: { check: 'choices', rule: 'sphere_index_version', values: [1, 2, 3] },
    source: `${DESCRIPTOR_50}: k2dsphereVersionFieldName "same as index version", not compared; ${ALLOWED_FIELDS}: 2dsphere only`,
  },
  {
    dr: 'bits',
    mongo: 'bits',
    kind: 'integer',
    default: 26,
    identity: 'options',
    since: [1, 0],
    onlyFor: { kinds: ['2d'], rule: '2d_options_require_2d', what: '2d indexes' },
    range: { check: 'range', rule: 'bits_range', min: 1, max: 32, wholeRule: 'bits_range' },
    source: `${DESCRIPTOR_50}: compared with the other options; ${ALLOWED_FIELDS}: 2d only`,
  },
  {
    dr: 'min',
    mongo: 'min',
    kind: 'number',
    default: -180,
    identity: 'options',
    since: [1, 0],
    onlyFor: { kinds: ['2d'], rule: '2d_options_require_2d', what: '2d indexes' },
    rules: ['min_less_than_max'],
    source: `${DESCRIPTOR_50}: compared with the other options; ${ALLOWED_FIELDS}: 2d only`,
  },
  {
    dr: 'max',
    mongo: 'max',
    kind: 'number',
    default: 180,
    identity: 'options',
    since: [1, 0],
    onlyFor: { kinds: ['2d'], rule: '2d_options_require_2d', what: '2d indexes' },
    rules: ['min_less_than_max'],
    source: `${DESCRIPTOR_50}: compared with the other options; ${ALLOWED_FIELDS}: 2d only`,
  },
] as const satisfies readonly IndexOptionRow[];

export type IndexOption = (typeof INDEX_OPTIONS)[number];
export type IndexOptionName = IndexOption['dr'];

/** Index options in the design repository's snake_case, as the table declares them. */
export type DefinitionOptions = { readonly [R in IndexOption as R['dr']]?: OptionValues[R['kind']] };

/**
 * Fields of a listIndexes entry that are no option of the index (noise): compared by nobody.
 * Each is in the server's own list of fields `compareIndexOptions` skips (`DESCRIPTOR_50`).
 */
export const LIST_INDEXES_NOISE: Readonly<Record<string, string>> = {
  v: 'the index version, "not considered for equivalence"',
  ns: 'the namespace, removed from index specs in 4.4',
  background: 'a creation-time option only (ignored since 4.2)',
  dropDups: 'ignored since 3.0',
};

const BY_MONGO: ReadonlyMap<string, IndexOptionRow> = new Map(INDEX_OPTIONS.map((row): [string, IndexOptionRow] => [row.mongo, row]));

/** The row of a createIndexes / listIndexes field, if it is an option the table declares. */
export function optionOfMongoName(name: string): IndexOptionRow | undefined {
  return BY_MONGO.get(name);
}

/** The feature of the capabilities table each option needs, by the table's `capability` column. */
export type OptionFeature = Extract<IndexOption, { capability: string }>['capability'];
/** The collMod features of the capabilities table, by the `collMod` column. */
export type CollModFeature = Extract<IndexOption, { collMod: object }>['collMod']['capability'];

/** The options a temporary stand-in index leaves out, by design-repository name (the `notOnStandIn` column). */
export const NOT_ON_STAND_IN: ReadonlySet<string> = new Set(INDEX_OPTIONS.filter((row) => 'notOnStandIn' in row).map((row) => row.dr));

/** Options that are part of MongoDB's index signature (indexes differing in one can coexist), by MongoDB name. */
export const SIGNATURE_OPTIONS: readonly string[] = INDEX_OPTIONS.filter((row) => row.identity === 'signature')
  .map((row) => row.mongo)
  .sort();
