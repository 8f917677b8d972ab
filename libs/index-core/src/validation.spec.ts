import { validateDefinition } from './validation';
import type { IndexDefinition, KeyEntry } from './types';

const k = (field: string, value: KeyEntry['value']): KeyEntry => ({ field, value });
const manyKeys = (n: number): KeyEntry[] => Array.from({ length: n }, (_, i) => k(`f${i}`, 1));
/** Runtime input the type system would refuse: the API receives JSON, so the validator must catch it too. */
const loose = (def: unknown): IndexDefinition => def as IndexDefinition;

type Case = readonly [name: string, def: IndexDefinition, expected: readonly (readonly [field: string, rule: string])[]];

const cases: readonly Case[] = [
  // ── valid definitions of every kind ──
  ['single ascending', { keys: [k('email', 1)] }, []],
  ['single descending', { keys: [k('created_at', -1)] }, []],
  ['compound', { keys: [k('status', 1), k('severity', -1)] }, []],
  ['unique', { keys: [k('email', 1)], options: { is_unique: true } }, []],
  ['sparse', { keys: [k('nickname', 1)], options: { sparse: true } }, []],
  ['unique sparse', { keys: [k('nickname', 1)], options: { is_unique: true, sparse: true } }, []],
  ['TTL valid', { keys: [k('created_at', 1)], options: { expire_after_seconds: 7776000 } }, []],
  ['TTL zero', { keys: [k('expires_at', 1)], options: { expire_after_seconds: 0 } }, []],
  ['TTL max', { keys: [k('expires_at', 1)], options: { expire_after_seconds: 2147483647 } }, []],
  [
    'TTL on a partial index',
    { keys: [k('created_at', 1)], options: { expire_after_seconds: 60, partial_filter_expression: { kind: 'temp' } } },
    [],
  ],
  ['partial equality', { keys: [k('case_id', 1)], options: { partial_filter_expression: { resolved: false } } }, []],
  [
    'partial with every allowed operator',
    {
      keys: [k('a', 1)],
      options: {
        partial_filter_expression: {
          a: { $exists: true },
          b: { $gt: 1, $lte: 9 },
          c: { $type: 'string' },
          d: { $eq: 4 },
          e: { $in: [1, 2] },
          $and: [{ f: 1 }, { g: { $gte: 2 } }],
          $or: [{ h: 1 }, { i: { $lt: 0 } }],
        },
      },
    },
    [],
  ],
  [
    'partial equality with an embedded document and EJSON date',
    { keys: [k('a', 1)], options: { partial_filter_expression: { meta: { x: 1 }, at: { $date: '2024-01-01T00:00:00Z' } } } },
    [],
  ],
  ['collation locale only', { keys: [k('name', 1)], options: { collation: { locale: 'fr' } } }, []],
  [
    'collation every setting',
    {
      keys: [k('name', 1)],
      options: {
        collation: {
          locale: 'fr_CA',
          caseLevel: true,
          caseFirst: 'upper',
          strength: 2,
          numericOrdering: true,
          alternate: 'shifted',
          maxVariable: 'space',
          backwards: false,
          normalization: true,
        },
      },
    },
    [],
  ],
  ['collation variant locale', { keys: [k('name', 1)], options: { collation: { locale: 'de@collation=phonebook' } } }, []],
  ['collation simple', { keys: [k('name', 1)], options: { collation: { locale: 'simple' } } }, []],
  ['hidden', { keys: [k('flag', 1)], options: { hidden: true } }, []],
  ['text single', { keys: [k('title', 'text')] }, []],
  [
    'text multi-field with weights and languages',
    {
      keys: [k('title', 'text'), k('body', 'text')],
      options: { weights: { title: 10, body: 1 }, default_language: 'french', language_override: 'lang', text_index_version: 3 },
    },
    [],
  ],
  ['compound text with prefix and suffix', { keys: [k('tenant', 1), k('title', 'text'), k('body', 'text'), k('created', -1)] }, []],
  ['wildcard text', { keys: [k('$**', 'text')] }, []],
  ['text weights adding a field not in the key', { keys: [k('title', 'text')], options: { weights: { keywords: 5 } } }, []],
  ['text language by ISO code', { keys: [k('title', 'text')], options: { default_language: 'pt' } }, []],
  ['2dsphere', { keys: [k('loc', '2dsphere')], options: { sphere_index_version: 3 } }, []],
  ['compound 2dsphere', { keys: [k('loc', '2dsphere'), k('start', '2dsphere'), k('category', 1)] }, []],
  ['2d with bits/min/max', { keys: [k('pos', '2d'), k('type', 1)], options: { bits: 32, min: -1000, max: 1000 } }, []],
  ['2d with only max', { keys: [k('pos', '2d')], options: { max: 500 } }, []],
  ['hashed', { keys: [k('a', 'hashed')] }, []],
  ['compound hashed (4.4+)', { keys: [k('tenant', 1), k('a', 'hashed')] }, []],
  ['wildcard root', { keys: [k('$**', 1)] }, []],
  ['wildcard path', { keys: [k('attrs.$**', 1)] }, []],
  ['wildcard with inclusion projection', { keys: [k('$**', 1)], options: { wildcard_projection: { details: 1, 'meta.tags': 1 } } }, []],
  ['wildcard with exclusion projection and _id', { keys: [k('$**', 1)], options: { wildcard_projection: { secret: 0, _id: 1 } } }, []],
  ['compound wildcard (7.0+)', { keys: [k('tenant', 1), k('attrs.$**', 1)] }, []],
  ['the _id index with a collation', { keys: [k('_id', 1)], options: { collation: { locale: 'simple' } } }, []],
  ['hashed _id is an ordinary index', { keys: [k('_id', 'hashed')] }, []],
  ['the _id index named _id_', { name: '_id_', keys: [k('_id', 1)] }, []],
  ['_id with a direction other than ±1 is an ordinary index', { keys: [k('_id', 2)], options: { hidden: true } }, []],
  ['key value 2 (the server accepts any non-zero number)', { keys: [k('a', 2)] }, []],
  ['dotted field', { keys: [k('address.city', 1)] }, []],
  ['field containing $ after the start', { keys: [k('price$usd', 1)] }, []],
  ['explicit name', { name: 'by_status', keys: [k('status', 1)] }, []],
  ['32 fields', { keys: manyKeys(32) }, []],
  ['name of exactly 127 bytes', { name: 'n'.repeat(127), keys: [k('a', 1)] }, []],

  // ── keys ──
  ['empty keys', { keys: [] }, [['keys', 'empty_keys']]],
  ['keys not an array', loose({ keys: { a: 1 } }), [['keys', 'empty_keys']]],
  ['33 fields', { keys: manyKeys(33) }, [['keys', 'max_compound_fields']]],
  ['empty field name', { keys: [k('', 1)] }, [['keys.0.field', 'field_name']]],
  ['field starting with $', { keys: [k('a', 1), k('$where', 1)] }, [['keys.1.field', 'field_name']]],
  ['path segment starting with $', { keys: [k('a.$b', 1)] }, [['keys.0.field', 'field_name']]],
  ['empty path segment', { keys: [k('a..b', 1)] }, [['keys.0.field', 'field_name']]],
  ['trailing dot', { keys: [k('a.', 1)] }, [['keys.0.field', 'field_name']]],
  ['$** in the middle of a path', { keys: [k('a.$**.b', 1)] }, [['keys.0.field', 'field_name']]],
  ['field name not a string', loose({ keys: [{ field: 3, value: 1 }] }), [['keys.0.field', 'field_name']]],
  ['duplicate field', { keys: [k('a', 1), k('b', 1), k('a', -1)] }, [['keys.2.field', 'duplicate_field']]],
  ['key value 0', loose({ keys: [{ field: 'a', value: 0 }] }), [['keys.0.value', 'key_value']]],
  ['key value NaN', loose({ keys: [{ field: 'a', value: Number.NaN }] }), [['keys.0.value', 'key_value']]],
  ['key value geoHaystack (removed in 5.0)', loose({ keys: [{ field: 'a', value: 'geoHaystack' }] }), [['keys.0.value', 'key_value']]],
  ['wildcard hashed', { keys: [k('$**', 'hashed')] }, [['keys.0.value', 'key_value']]],
  ['path wildcard text (only $** may be text)', { keys: [k('a.$**', 'text')] }, [['keys.0.value', 'key_value']]],
  ['two hashed fields', { keys: [k('a', 'hashed'), k('b', 'hashed')] }, [['keys.1.value', 'one_hashed_field']]],
  ['two wildcard fields', { keys: [k('a.$**', 1), k('b.$**', 1)] }, [['keys.1.field', 'one_wildcard_field']]],
  ['text with 2dsphere', { keys: [k('title', 'text'), k('loc', '2dsphere')] }, [['keys', 'mixed_index_types']]],
  ['hashed with wildcard', { keys: [k('a', 'hashed'), k('$**', 1)] }, [['keys', 'mixed_index_types']]],
  ['2d not first', { keys: [k('type', 1), k('pos', '2d')] }, [['keys.1.value', '2d_single']]],
  ['two 2d fields', { keys: [k('p', '2d'), k('q', '2d')] }, [['keys.1.value', '2d_single']]],
  ['text fields not contiguous', { keys: [k('title', 'text'), k('x', 1), k('body', 'text')] }, [['keys', 'text_contiguous']]],

  // ── unique / sparse / partial ──
  ['unique hashed', { keys: [k('a', 'hashed')], options: { is_unique: true } }, [['options.is_unique', 'hashed_not_unique']]],
  ['unique wildcard', { keys: [k('$**', 1)], options: { is_unique: true } }, [['options.is_unique', 'wildcard_not_unique']]],
  // MongoDB refuses a sparse wildcard index (jstests/core/index/wildcard/wildcard_index_validindex.js).
  ['sparse wildcard', { keys: [k('$**', 1)], options: { sparse: true } }, [['options.sparse', 'wildcard_not_sparse']]],
  [
    'unique not boolean',
    loose({ keys: [{ field: 'a', value: 1 }], options: { is_unique: 'yes' } }),
    [['options.is_unique', 'option_type']],
  ],
  [
    'sparse with partial',
    { keys: [k('a', 1)], options: { sparse: true, partial_filter_expression: { a: { $exists: true } } } },
    [['options.partial_filter_expression', 'sparse_with_partial']],
  ],
  [
    'partial $ne',
    { keys: [k('a', 1)], options: { partial_filter_expression: { status: { $ne: 'done' } } } },
    [['options.partial_filter_expression.status.$ne', 'partial_filter_operators']],
  ],
  [
    'partial $exists false',
    { keys: [k('a', 1)], options: { partial_filter_expression: { a: { $exists: false } } } },
    [['options.partial_filter_expression.a.$exists', 'partial_filter_operators']],
  ],
  [
    'partial $nor',
    { keys: [k('a', 1)], options: { partial_filter_expression: { $nor: [{ a: 1 }] } } },
    [['options.partial_filter_expression.$nor', 'partial_filter_operators']],
  ],
  [
    'partial $expr',
    { keys: [k('a', 1)], options: { partial_filter_expression: { $expr: { $gt: ['$a', 1] } } } },
    [['options.partial_filter_expression.$expr', 'partial_filter_operators']],
  ],
  [
    'partial $regex',
    { keys: [k('a', 1)], options: { partial_filter_expression: { name: { $regex: '^a' } } } },
    [['options.partial_filter_expression.name.$regex', 'partial_filter_operators']],
  ],
  [
    'partial regular expression value',
    { keys: [k('a', 1)], options: { partial_filter_expression: { name: /^a/ } } },
    [['options.partial_filter_expression.name', 'partial_filter_operators']],
  ],
  [
    'partial $not inside $and',
    { keys: [k('a', 1)], options: { partial_filter_expression: { $and: [{ a: 1 }, { b: { $not: { $gt: 1 } } }] } } },
    [['options.partial_filter_expression.$and.1.b.$not', 'partial_filter_operators']],
  ],
  [
    'partial $or not an array',
    { keys: [k('a', 1)], options: { partial_filter_expression: { $or: { a: 1 } } } },
    [['options.partial_filter_expression.$or', 'partial_filter_operators']],
  ],
  [
    'partial $in not an array',
    { keys: [k('a', 1)], options: { partial_filter_expression: { a: { $in: 3 } } } },
    [['options.partial_filter_expression.a.$in', 'partial_filter_operators']],
  ],
  [
    'partial mixing operators and fields',
    { keys: [k('a', 1)], options: { partial_filter_expression: { a: { $gt: 1, b: 2 } } } },
    [['options.partial_filter_expression.a', 'partial_filter_operators']],
  ],
  [
    'partial not a document',
    loose({ keys: [{ field: 'a', value: 1 }], options: { partial_filter_expression: [1] } }),
    [['options.partial_filter_expression', 'partial_filter_operators']],
  ],

  // ── TTL ──
  ['TTL on _id', { keys: [k('_id', 1)], options: { expire_after_seconds: 60 } }, [['options.expire_after_seconds', 'ttl_not_id']]],
  [
    'TTL compound',
    { keys: [k('a', 1), k('created_at', 1)], options: { expire_after_seconds: 60 } },
    [['options.expire_after_seconds', 'ttl_single_field']],
  ],
  ['TTL negative', { keys: [k('created_at', 1)], options: { expire_after_seconds: -1 } }, [['options.expire_after_seconds', 'ttl_range']]],
  [
    'TTL above int32',
    { keys: [k('created_at', 1)], options: { expire_after_seconds: 2147483648 } },
    [['options.expire_after_seconds', 'ttl_range']],
  ],
  [
    'TTL non-integer',
    { keys: [k('created_at', 1)], options: { expire_after_seconds: 1.5 } },
    [['options.expire_after_seconds', 'ttl_integer']],
  ],
  [
    'TTL NaN',
    { keys: [k('created_at', 1)], options: { expire_after_seconds: Number.NaN } },
    [['options.expire_after_seconds', 'ttl_range']],
  ],
  [
    'TTL not a number',
    loose({ keys: [{ field: 'created_at', value: 1 }], options: { expire_after_seconds: '60' } }),
    [['options.expire_after_seconds', 'ttl_range']],
  ],
  ['TTL wildcard', { keys: [k('$**', 1)], options: { expire_after_seconds: 60 } }, [['options.expire_after_seconds', 'wildcard_not_ttl']]],

  // ── _id index ──
  ['_id sparse', { keys: [k('_id', 1)], options: { sparse: true } }, [['options.sparse', 'id_index_options']]],
  [
    '_id partial',
    { keys: [k('_id', 1)], options: { partial_filter_expression: { a: 1 } } },
    [['options.partial_filter_expression', 'id_index_options']],
  ],
  // jstests/core/index/index_id_options.js: unique: true is refused on the _id index, and {_id: -1} is no ordinary index.
  ['the _id index, unique: true', { keys: [k('_id', 1)], options: { is_unique: true } }, [['options.is_unique', 'id_index_options']]],
  ['descending _id', { keys: [k('_id', -1)] }, [['keys.0.value', 'id_index_key']]],
  ['_id not unique', { keys: [k('_id', 1)], options: { is_unique: false } }, [['options.is_unique', 'id_index_options']]],
  ['_id hidden', { keys: [k('_id', 1)], options: { hidden: true } }, [['options.hidden', 'hidden_id']]],
  ['_id index under another name', { name: 'primary', keys: [k('_id', 1)] }, [['name', 'id_index_name']]],
  ['_id_ name on another key', { name: '_id_', keys: [k('a', 1)] }, [['name', 'id_index_name']]],

  // ── collation ──
  [
    'collation bad locale',
    { keys: [k('a', 1)], options: { collation: { locale: 'French' } } },
    [['options.collation.locale', 'collation_locale']],
  ],
  [
    'collation missing locale',
    loose({ keys: [{ field: 'a', value: 1 }], options: { collation: { strength: 2 } } }),
    [['options.collation.locale', 'collation_locale']],
  ],
  [
    'collation simple with settings',
    { keys: [k('a', 1)], options: { collation: { locale: 'simple', strength: 2 } } },
    [['options.collation', 'collation_locale']],
  ],
  [
    'collation strength 0',
    loose({ keys: [{ field: 'a', value: 1 }], options: { collation: { locale: 'en', strength: 0 } } }),
    [['options.collation.strength', 'collation_strength']],
  ],
  [
    'collation strength 6',
    loose({ keys: [{ field: 'a', value: 1 }], options: { collation: { locale: 'en', strength: 6 } } }),
    [['options.collation.strength', 'collation_strength']],
  ],
  [
    'collation bad caseFirst',
    loose({ keys: [{ field: 'a', value: 1 }], options: { collation: { locale: 'en', caseFirst: 'UPPER' } } }),
    [['options.collation.caseFirst', 'collation_option']],
  ],
  [
    'collation on text',
    { keys: [k('title', 'text')], options: { collation: { locale: 'en' } } },
    [['options.collation', 'collation_unsupported']],
  ],
  [
    'collation on 2d',
    { keys: [k('pos', '2d')], options: { collation: { locale: 'en' } } },
    [['options.collation', 'collation_unsupported']],
  ],

  // ── text options ──
  ['text weight 0', { keys: [k('title', 'text')], options: { weights: { title: 0 } } }, [['options.weights.title', 'text_weight_range']]],
  [
    'text weight 100000',
    { keys: [k('title', 'text')], options: { weights: { title: 100000 } } },
    [['options.weights.title', 'text_weight_range']],
  ],
  ['weights without text', { keys: [k('title', 1)], options: { weights: { title: 2 } } }, [['options.weights', 'weights_require_text']]],
  [
    'default_language without text',
    { keys: [k('title', 1)], options: { default_language: 'english' } },
    [['options.default_language', 'text_options_require_text']],
  ],
  [
    'unsupported text language',
    { keys: [k('title', 'text')], options: { default_language: 'klingon' } },
    [['options.default_language', 'text_language']],
  ],
  [
    'text index version 4',
    { keys: [k('title', 'text')], options: { text_index_version: 4 } },
    [['options.text_index_version', 'text_index_version']],
  ],

  // ── wildcard projection ──
  [
    'projection on a path wildcard',
    { keys: [k('a.$**', 1)], options: { wildcard_projection: { b: 1 } } },
    [['options.wildcard_projection', 'wildcard_projection_requires_root_wildcard']],
  ],
  [
    'projection without wildcard',
    { keys: [k('a', 1)], options: { wildcard_projection: { b: 1 } } },
    [['options.wildcard_projection', 'wildcard_projection_requires_root_wildcard']],
  ],
  [
    'projection mixing include and exclude',
    { keys: [k('$**', 1)], options: { wildcard_projection: { a: 1, b: 0 } } },
    [['options.wildcard_projection', 'wildcard_projection_mixed']],
  ],
  [
    'projection empty',
    { keys: [k('$**', 1)], options: { wildcard_projection: {} } },
    [['options.wildcard_projection', 'wildcard_projection_values']],
  ],
  [
    'projection value 2',
    loose({ keys: [{ field: '$**', value: 1 }], options: { wildcard_projection: { a: 2 } } }),
    [['options.wildcard_projection.a', 'wildcard_projection_values']],
  ],

  // ── geo options ──
  ['bits without 2d', { keys: [k('a', 1)], options: { bits: 20 } }, [['options.bits', '2d_options_require_2d']]],
  ['bits 0', { keys: [k('pos', '2d')], options: { bits: 0 } }, [['options.bits', 'bits_range']]],
  ['bits 33', { keys: [k('pos', '2d')], options: { bits: 33 } }, [['options.bits', 'bits_range']]],
  ['min not less than max', { keys: [k('pos', '2d')], options: { min: 10, max: 10 } }, [['options.min', 'min_less_than_max']]],
  ['min above the default max', { keys: [k('pos', '2d')], options: { min: 200 } }, [['options.min', 'min_less_than_max']]],
  [
    'sphere version without 2dsphere',
    { keys: [k('loc', 1)], options: { sphere_index_version: 3 } },
    [['options.sphere_index_version', '2dsphere_options_require_2dsphere']],
  ],
  [
    'sphere version 4',
    { keys: [k('loc', '2dsphere')], options: { sphere_index_version: 4 } },
    [['options.sphere_index_version', 'sphere_index_version']],
  ],

  // ── names ──
  ['empty name', { name: '', keys: [k('a', 1)] }, [['name', 'name_format']]],
  ['name *', { name: '*', keys: [k('a', 1)] }, [['name', 'name_format']]],
  ['name with NUL', { name: 'a\0b', keys: [k('a', 1)] }, [['name', 'name_format']]],
  ['name of 128 bytes', { name: 'n'.repeat(128), keys: [k('a', 1)] }, [['name', 'name_length']]],
  ['name of 64 two-byte characters', { name: 'é'.repeat(64), keys: [k('a', 1)] }, [['name', 'name_length']]],

  // ── several failures at once ──
  [
    'unique hashed TTL on a compound key',
    { keys: [k('a', 'hashed'), k('b', 1)], options: { is_unique: true, expire_after_seconds: -5 } },
    [
      ['options.is_unique', 'hashed_not_unique'],
      ['options.expire_after_seconds', 'ttl_range'],
      ['options.expire_after_seconds', 'ttl_single_field'],
    ],
  ],
];

const sortPairs = (pairs: readonly (readonly [string, string])[]): string[] => pairs.map(([field, rule]) => `${rule} @ ${field}`).sort();

describe('validateDefinition', () => {
  it('has a large table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map(([name]) => name)).size).toBe(cases.length);
  });

  it.each(cases)('%s', (_name, def, expected) => {
    const issues = validateDefinition(def);
    expect(sortPairs(issues.map((issue) => [issue.field, issue.rule] as const))).toEqual(sortPairs(expected));
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(10);
  });
});
