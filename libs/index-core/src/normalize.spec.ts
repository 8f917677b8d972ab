import { canonicalFromDefinition, canonicalFromListIndexes } from './normalize';
import { definitionFromListIndexes, toMongoIndexSpec, unrepresentableOptions } from './mongo-spec';
import { defaultIndexName, indexNameOf } from './naming';
import { differingOptions, keyPatternOf, keySignature, sameIndex } from './signature';
import type { CanonicalIndex, IndexDefinition, KeyEntry, ListIndexesEntry } from './types';
import { FR_FILLED } from './testing/fixtures';

const k = (field: string, value: KeyEntry['value']): KeyEntry => ({ field, value });

/** Driver-like number wrappers, built by shape only (no driver import), as the library sees them. */
class FakeLong {
  readonly _bsontype = 'Long';
  constructor(private readonly n: number) {}
  toNumber(): number {
    return this.n;
  }
}
class FakeInt32 {
  readonly _bsontype = 'Int32';
  constructor(private readonly n: number) {}
  valueOf(): number {
    return this.n;
  }
}
class FakeDouble {
  readonly _bsontype = 'Double';
  constructor(private readonly n: number) {}
  valueOf(): number {
    return this.n;
  }
}
const entry = (value: Record<string, unknown> & { key: Record<string, unknown>; name: string }): ListIndexesEntry => value;

describe('defaultIndexName / indexNameOf', () => {
  it.each<[string, KeyEntry[], string]>([
    ['single', [k('email', 1)], 'email_1'],
    ['compound with descending', [k('status', 1), k('severity', -1)], 'status_1_severity_-1'],
    ['2dsphere', [k('loc', '2dsphere')], 'loc_2dsphere'],
    ['2d', [k('pos', '2d')], 'pos_2d'],
    ['hashed', [k('a', 'hashed')], 'a_hashed'],
    ['text fields in key order', [k('title', 'text'), k('description', 'text')], 'title_text_description_text'],
    ['root wildcard', [k('$**', 1)], '$**_1'],
    ['path wildcard', [k('a.$**', 1)], 'a.$**_1'],
    ['wildcard text', [k('$**', 'text')], '$**_text'],
    ['dotted field', [k('address.city', -1)], 'address.city_-1'],
    ['compound text with prefix', [k('tenant', 1), k('title', 'text')], 'tenant_1_title_text'],
  ])('%s → %s', (_name, keys, expected) => {
    expect(defaultIndexName(keys)).toBe(expected);
  });

  it('uses the explicit name when given', () => expect(indexNameOf({ name: 'by_email', keys: [k('email', 1)] })).toBe('by_email'));
  it('names the _id index _id_ as the server does', () => expect(indexNameOf({ keys: [k('_id', 1)] })).toBe('_id_'));
  it('names a descending _id index by the rule', () => expect(indexNameOf({ keys: [k('_id', -1)] })).toBe('_id_-1'));
});

/** listIndexes output exactly as the reference shows it (plus driver/EJSON number shapes), with the canonical form expected. */
const listIndexesCases: readonly (readonly [
  string,
  ListIndexesEntry,
  Omit<CanonicalIndex, 'options'> & { options: Record<string, unknown> },
])[] = [
  ['_id_', entry({ v: 2, key: { _id: 1 }, name: '_id_' }), { name: '_id_', key: [k('_id', 1)], options: {} }],
  [
    'clustered _id_',
    entry({ v: 2, key: { _id: 1 }, name: '_id_', unique: true, clustered: true }),
    { name: '_id_', key: [k('_id', 1)], options: {} },
  ],
  [
    'unique',
    entry({ v: 2, key: { email: 1 }, name: 'email_1', unique: true }),
    { name: 'email_1', key: [k('email', 1)], options: { unique: true } },
  ],
  [
    'compound',
    entry({ v: 2, key: { status: 1, severity: -1 }, name: 'status_1_severity_-1' }),
    { name: 'status_1_severity_-1', key: [k('status', 1), k('severity', -1)], options: {} },
  ],
  [
    'TTL',
    entry({ v: 2, key: { created_at: 1 }, name: 'created_at_1', expireAfterSeconds: 7776000 }),
    { name: 'created_at_1', key: [k('created_at', 1)], options: { expireAfterSeconds: 7776000 } },
  ],
  [
    'partial',
    entry({ v: 2, key: { case_id: 1 }, name: 'case_id_1', partialFilterExpression: { resolved: false } }),
    { name: 'case_id_1', key: [k('case_id', 1)], options: { partialFilterExpression: { resolved: false } } },
  ],
  [
    'text',
    entry({
      v: 2,
      key: { _fts: 'text', _ftsx: 1 },
      name: 'title_text_description_text_tags_text',
      weights: { description: 1, tags: 1, title: 1 },
      default_language: 'english',
      language_override: 'language',
      textIndexVersion: 3,
    }),
    {
      name: 'title_text_description_text_tags_text',
      key: [k('$text', 'text')],
      textWeights: { description: 1, tags: 1, title: 1 },
      options: {},
    },
  ],
  [
    'compound text with prefix and suffix',
    entry({
      v: 2,
      key: { tenant: 1, _fts: 'text', _ftsx: 1, created: -1 },
      name: 'tenant_1_title_text_created_-1',
      weights: { title: 5 },
      default_language: 'french',
      language_override: 'lang',
      textIndexVersion: 2,
    }),
    {
      name: 'tenant_1_title_text_created_-1',
      key: [k('tenant', 1), k('$text', 'text'), k('created', -1)],
      textWeights: { title: 5 },
      options: { default_language: 'french', language_override: 'lang', textIndexVersion: 2 },
    },
  ],
  [
    'wildcard text',
    entry({
      v: 2,
      key: { _fts: 'text', _ftsx: 1 },
      name: '$**_text',
      weights: { '$**': 1 },
      default_language: 'english',
      language_override: 'language',
      textIndexVersion: 3,
    }),
    { name: '$**_text', key: [k('$text', 'text')], textWeights: { '$**': 1 }, options: {} },
  ],
  [
    'wildcard with projection',
    entry({ v: 2, key: { '$**': 1 }, name: '$**_1', wildcardProjection: { details: 1 } }),
    { name: '$**_1', key: [k('$**', 1)], options: { wildcardProjection: { details: 1 } } },
  ],
  [
    'path wildcard',
    entry({ v: 2, key: { 'attrs.$**': 1 }, name: 'attrs.$**_1' }),
    { name: 'attrs.$**_1', key: [k('attrs.$**', 1)], options: {} },
  ],
  [
    '2dsphere with default version',
    entry({ v: 2, key: { loc: '2dsphere' }, name: 'loc_2dsphere', '2dsphereIndexVersion': 3 }),
    { name: 'loc_2dsphere', key: [k('loc', '2dsphere')], options: {} },
  ],
  [
    '2dsphere version 2',
    entry({ v: 2, key: { loc: '2dsphere' }, name: 'loc_2dsphere', '2dsphereIndexVersion': 2 }),
    { name: 'loc_2dsphere', key: [k('loc', '2dsphere')], options: { '2dsphereIndexVersion': 2 } },
  ],
  [
    '2d with bounds',
    entry({ v: 2, key: { pos: '2d' }, name: 'pos_2d', bits: 30, min: -500, max: 500 }),
    { name: 'pos_2d', key: [k('pos', '2d')], options: { bits: 30, max: 500, min: -500 } },
  ],
  ['hashed', entry({ v: 2, key: { a: 'hashed' }, name: 'a_hashed' }), { name: 'a_hashed', key: [k('a', 'hashed')], options: {} }],
  [
    'collation filled by the server',
    entry({ v: 2, key: { name: 1 }, name: 'name_1', collation: FR_FILLED }),
    { name: 'name_1', key: [k('name', 1)], options: { collation: { ...FR_FILLED, version: undefined } } },
  ],
  [
    'hidden',
    entry({ v: 2, key: { flag: 1 }, name: 'flag_1', hidden: true }),
    { name: 'flag_1', key: [k('flag', 1)], options: { hidden: true } },
  ],
  [
    'noise: ns, background, v: 1, sparse false',
    entry({ v: 1, key: { a: 1 }, name: 'a_1', ns: 'app.users', background: true, sparse: false, unique: false, hidden: false }),
    { name: 'a_1', key: [k('a', 1)], options: {} },
  ],
  [
    'directions as 1.0 and -1.0',
    entry({ v: 2, key: { a: 1.0, b: -1.0 }, name: 'a_1_b_-1' }),
    { name: 'a_1_b_-1', key: [k('a', 1), k('b', -1)], options: {} },
  ],
  [
    'NumberLong / Int32 / Double directions',
    entry({ v: 2, key: { a: new FakeLong(1), b: new FakeInt32(-1), c: new FakeDouble(1) }, name: 'a_1_b_-1_c_1' }),
    { name: 'a_1_b_-1_c_1', key: [k('a', 1), k('b', -1), k('c', 1)], options: {} },
  ],
  [
    'EJSON directions',
    entry({ v: 2, key: { a: { $numberLong: '1' }, b: { $numberInt: '-1' }, c: { $numberDouble: '1.0' } }, name: 'a_1_b_-1_c_1' }),
    { name: 'a_1_b_-1_c_1', key: [k('a', 1), k('b', -1), k('c', 1)], options: {} },
  ],
  [
    // The server compares key patterns by value (index_descriptor.cpp compareIndexOptions): 5 is not 1.
    'any positive / negative number, kept by value',
    entry({ v: 2, key: { a: 5, b: -0.5 }, name: 'a_5_b_-0.5' }),
    { name: 'a_5_b_-0.5', key: [k('a', 5), k('b', -0.5)], options: {} },
  ],
  [
    'TTL as NumberLong',
    entry({ v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: new FakeLong(3600) }),
    { name: 'at_1', key: [k('at', 1)], options: { expireAfterSeconds: 3600 } },
  ],
  [
    'partial with EJSON numbers, sorted',
    entry({ v: 2, key: { a: 1 }, name: 'a_1', partialFilterExpression: { z: { $gt: { $numberInt: '5' } }, a: { $eq: 'x' } } }),
    { name: 'a_1', key: [k('a', 1)], options: { partialFilterExpression: { a: 'x', z: { $gt: 5 } } } },
  ],
  [
    'unique sparse',
    entry({ v: 2, key: { nick: 1 }, name: 'nick_1', unique: true, sparse: true }),
    { name: 'nick_1', key: [k('nick', 1)], options: { sparse: true, unique: true } },
  ],
];

describe('canonicalFromListIndexes', () => {
  it.each(listIndexesCases)('%s', (_name, input, expected) => {
    const canonical = canonicalFromListIndexes(input);
    const expectedOptions = Object.fromEntries(
      Object.entries(expected.options).map(([name, value]) =>
        name === 'collation'
          ? [name, Object.fromEntries(Object.entries(value as object).filter(([, v]) => v !== undefined))]
          : [name, value],
      ),
    );
    expect(canonical).toStrictEqual({ ...expected, options: expectedOptions });
  });

  it('keeps unknown fields visible as options', () => {
    const c = canonicalFromListIndexes(
      entry({ v: 2, key: { a: 1 }, name: 'a_1', prepareUnique: true, storageEngine: { wiredTiger: { configString: 'x' } } }),
    );
    expect(c.options).toEqual({ prepareUnique: true, storageEngine: { wiredTiger: { configString: 'x' } } });
  });

  it('keeps a key type it cannot model visible', () => {
    const c = canonicalFromListIndexes(entry({ v: 2, key: { pos: 'geoHaystack', type: 1 }, name: 'pos_geoHaystack_type_1' }));
    expect(c.options).toEqual({ unsupportedKeyValues: { pos: 'geoHaystack' } });
  });

  it('drops the server collation version and an explicit simple collation', () => {
    expect(canonicalFromListIndexes(entry({ v: 2, key: { a: 1 }, name: 'a_1', collation: { locale: 'simple' } })).options).toEqual({});
  });
});

describe('round trip: definitionFromListIndexes then canonicalFromDefinition', () => {
  it.each(listIndexesCases)('%s', (_name, input) => {
    expect(canonicalFromDefinition(definitionFromListIndexes(input))).toStrictEqual(canonicalFromListIndexes(input));
    expect(unrepresentableOptions(input)).toEqual([]);
  });

  it('lists options a definition cannot carry', () => {
    expect(unrepresentableOptions(entry({ v: 2, key: { a: 1 }, name: 'a_1', storageEngine: { wiredTiger: {} } }))).toEqual([
      'storageEngine',
    ]);
  });

  it('carries prepareUnique (6.0+), an option of the table since issue 13', () => {
    const listed = entry({ v: 2, key: { a: 1 }, name: 'a_1', prepareUnique: true });
    expect(unrepresentableOptions(listed)).toEqual([]);
    expect(definitionFromListIndexes(listed).options).toEqual({ prepare_unique: true });
  });
});

describe('definitionFromListIndexes', () => {
  it('text index: prefix, text fields by name, suffix; weights only where not 1; defaults dropped', () => {
    const def = definitionFromListIndexes(
      entry({
        v: 2,
        key: { tenant: 1, _fts: 'text', _ftsx: 1, at: -1 },
        name: 'docs_text',
        weights: { title: 10, body: 1, abstract: 1 },
        default_language: 'english',
        language_override: 'language',
        textIndexVersion: 3,
      }),
    );
    expect(def).toEqual({
      name: 'docs_text',
      keys: [k('tenant', 1), k('abstract', 'text'), k('body', 'text'), k('title', 'text'), k('at', -1)],
      options: { weights: { title: 10 } },
    });
  });

  it('collation keeps only what differs from the locale defaults', () => {
    const def = definitionFromListIndexes(entry({ v: 2, key: { n: 1 }, name: 'n_1', collation: { ...FR_FILLED, strength: 2 } }));
    expect(def.options).toEqual({ collation: { locale: 'fr', strength: 2 } });
  });

  it('the clustered _id index imports as a plain _id index', () => {
    expect(definitionFromListIndexes(entry({ v: 2, key: { _id: 1 }, name: '_id_', unique: true, clustered: true }))).toEqual({
      name: '_id_',
      keys: [k('_id', 1)],
    });
  });

  it('TTL, unique, hidden, partial, wildcard projection and 2d options map to snake_case', () => {
    expect(
      definitionFromListIndexes(
        entry({
          v: 2,
          key: { at: 1 },
          name: 'at_1',
          expireAfterSeconds: 60,
          unique: true,
          hidden: true,
          partialFilterExpression: { k: 1 },
        }),
      ).options,
    ).toEqual({ expire_after_seconds: 60, is_unique: true, hidden: true, partial_filter_expression: { k: 1 } });
    expect(definitionFromListIndexes(entry({ v: 2, key: { '$**': 1 }, name: 'w', wildcardProjection: { b: 0, a: 0 } })).options).toEqual({
      wildcard_projection: { a: 0, b: 0 },
    });
    expect(
      definitionFromListIndexes(entry({ v: 2, key: { p: '2d' }, name: 'p', bits: 20, min: 0, max: 10, '2dsphereIndexVersion': 3 })).options,
    ).toEqual({ bits: 20, min: 0, max: 10 });
  });
});

type Side = IndexDefinition | ListIndexesEntry;
const canon = (side: Side): CanonicalIndex =>
  'key' in side ? canonicalFromListIndexes(side as ListIndexesEntry) : canonicalFromDefinition(side as IndexDefinition);

/** Pairs that must compare equal (no differing options) or unequal with exactly these differences. */
const pairs: readonly (readonly [string, Side, Side, readonly string[]])[] = [
  [
    'definition vs its listIndexes form',
    { keys: [k('email', 1)], options: { is_unique: true } },
    entry({ v: 2, key: { email: 1 }, name: 'email_1', unique: true }),
    [],
  ],
  [
    'server-filled collation defaults',
    { keys: [k('name', 1)], options: { collation: { locale: 'fr' } } },
    entry({ v: 2, key: { name: 1 }, name: 'name_1', collation: FR_FILLED }),
    [],
  ],
  [
    'fr_CA fills backwards: true',
    { keys: [k('n', 1)], options: { collation: { locale: 'fr_CA' } } },
    entry({ v: 2, key: { n: 1 }, name: 'n_1', collation: { ...FR_FILLED, locale: 'fr_CA', backwards: true } }),
    [],
  ],
  [
    'da fills caseFirst: upper',
    { keys: [k('n', 1)], options: { collation: { locale: 'da' } } },
    entry({ v: 2, key: { n: 1 }, name: 'n_1', collation: { ...FR_FILLED, locale: 'da', caseFirst: 'upper' } }),
    [],
  ],
  [
    'da_DK falls back to da',
    { keys: [k('n', 1)], options: { collation: { locale: 'da_DK' } } },
    entry({ v: 2, key: { n: 1 }, name: 'n_1', collation: { ...FR_FILLED, locale: 'da_DK', caseFirst: 'upper' } }),
    [],
  ],
  [
    'vi fills normalization: true',
    { keys: [k('n', 1)], options: { collation: { locale: 'vi' } } },
    entry({ v: 2, key: { n: 1 }, name: 'n_1', collation: { ...FR_FILLED, locale: 'vi', normalization: true } }),
    [],
  ],
  [
    'explicit default collation settings = locale only',
    { keys: [k('n', 1)], options: { collation: { locale: 'en', strength: 3, caseLevel: false } } },
    { keys: [k('n', 1)], options: { collation: { locale: 'en' } } },
    [],
  ],
  ['simple collation = no collation', { keys: [k('n', 1)], options: { collation: { locale: 'simple' } } }, { keys: [k('n', 1)] }, []],
  [
    'text definition vs listIndexes',
    { keys: [k('title', 'text'), k('description', 'text'), k('tags', 'text')] },
    listIndexesCases[6][1],
    [],
  ],
  ['two text fields in either order', { keys: [k('a', 'text'), k('b', 'text')] }, { keys: [k('b', 'text'), k('a', 'text')] }, []],
  [
    'weights of 1 = absent weights',
    { keys: [k('a', 'text'), k('b', 'text')], options: { weights: { a: 1, b: 1 } } },
    { keys: [k('a', 'text'), k('b', 'text')] },
    [],
  ],
  [
    'default text options = absent',
    { keys: [k('a', 'text')], options: { default_language: 'english', language_override: 'language', text_index_version: 3 } },
    { keys: [k('a', 'text')] },
    [],
  ],
  ['$** text vs listIndexes weights', { keys: [k('$**', 'text')] }, listIndexesCases[8][1], []],
  [
    '2dsphere version 3 = absent',
    { keys: [k('loc', '2dsphere')], options: { sphere_index_version: 3 } },
    entry({ v: 2, key: { loc: '2dsphere' }, name: 'loc_2dsphere' }),
    [],
  ],
  ['2d default bounds = absent', { keys: [k('p', '2d')], options: { bits: 26, min: -180, max: 180 } }, { keys: [k('p', '2d')] }, []],
  [
    'sparse/unique/hidden false = absent',
    { keys: [k('a', 1)], options: { sparse: false, is_unique: false, hidden: false } },
    { keys: [k('a', 1)] },
    [],
  ],
  ['_id unique = _id', { keys: [k('_id', 1)], options: { is_unique: true } }, entry({ v: 2, key: { _id: 1 }, name: '_id_' }), []],
  [
    'partial filter key order',
    { keys: [k('a', 1)], options: { partial_filter_expression: { x: 1, y: { $gt: 2 } } } },
    { keys: [k('a', 1)], options: { partial_filter_expression: { y: { $gt: 2 }, x: 1 } } },
    [],
  ],
  [
    'partial $and of distinct fields = plain fields',
    { keys: [k('a', 1)], options: { partial_filter_expression: { $and: [{ x: 1 }, { y: 2 }] } } },
    { keys: [k('a', 1)], options: { partial_filter_expression: { y: 2, x: 1 } } },
    [],
  ],
  [
    'partial $in order',
    { keys: [k('a', 1)], options: { partial_filter_expression: { s: { $in: ['b', 'a'] } } } },
    { keys: [k('a', 1)], options: { partial_filter_expression: { s: { $in: ['a', 'b'] } } } },
    [],
  ],
  [
    'wildcard projection key order',
    { keys: [k('$**', 1)], options: { wildcard_projection: { b: 1, a: 1 } } },
    entry({ v: 2, key: { '$**': 1 }, name: '$**_1', wildcardProjection: { a: true, b: 1 } }),
    [],
  ],
  [
    'NumberLong TTL = number TTL',
    { keys: [k('at', 1)], options: { expire_after_seconds: 60 } },
    entry({ v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: { $numberLong: '60' } }),
    [],
  ],
  ['names do not matter', { name: 'x', keys: [k('a', 1)] }, { name: 'y', keys: [k('a', 1)] }, []],
  // ── unequal ──
  ['same key, different order', { keys: [k('a', 1), k('b', 1)] }, { keys: [k('b', 1), k('a', 1)] }, ['key']],
  ['ascending vs descending', { keys: [k('a', 1)] }, { keys: [k('a', -1)] }, ['key']],
  [
    'different expireAfterSeconds',
    { keys: [k('at', 1)], options: { expire_after_seconds: 60 } },
    entry({ v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: 120 }),
    ['expireAfterSeconds'],
  ],
  [
    'different collation',
    { keys: [k('n', 1)], options: { collation: { locale: 'fr' } } },
    { keys: [k('n', 1)], options: { collation: { locale: 'fr', strength: 2 } } },
    ['collation'],
  ],
  ['collation vs none', { keys: [k('n', 1)], options: { collation: { locale: 'en' } } }, { keys: [k('n', 1)] }, ['collation']],
  ['unique vs not', { keys: [k('a', 1)], options: { is_unique: true } }, { keys: [k('a', 1)] }, ['unique']],
  ['hidden vs not', { keys: [k('a', 1)], options: { hidden: true } }, entry({ v: 2, key: { a: 1 }, name: 'a_1' }), ['hidden']],
  ['weights differ', { keys: [k('a', 'text')], options: { weights: { a: 2 } } }, { keys: [k('a', 'text')] }, ['textWeights']],
  ['text fields differ', { keys: [k('a', 'text')] }, { keys: [k('b', 'text')] }, ['textWeights']],
  [
    'partial filter values differ',
    { keys: [k('a', 1)], options: { partial_filter_expression: { x: 1 } } },
    { keys: [k('a', 1)], options: { partial_filter_expression: { x: 2 } } },
    ['partialFilterExpression'],
  ],
  [
    'embedded document order is significant',
    { keys: [k('a', 1)], options: { partial_filter_expression: { m: { p: 1, q: 2 } } } },
    { keys: [k('a', 1)], options: { partial_filter_expression: { m: { q: 2, p: 1 } } } },
    ['partialFilterExpression'],
  ],
  [
    'unknown server field shows',
    { keys: [k('a', 1)] },
    entry({ v: 2, key: { a: 1 }, name: 'a_1', prepareUnique: true }),
    ['prepareUnique'],
  ],
  [
    'several differences',
    { keys: [k('a', 1)], options: { is_unique: true, sparse: true } },
    { keys: [k('a', -1)], options: { hidden: true } },
    ['key', 'hidden', 'sparse', 'unique'],
  ],
];

describe('sameIndex / differingOptions', () => {
  it.each(pairs)('%s', (_name, a, b, differences) => {
    const ca = canon(a);
    const cb = canon(b);
    expect(differingOptions(ca, cb)).toEqual(differences);
    expect(differingOptions(cb, ca)).toEqual(differences);
    expect(sameIndex(ca, cb)).toBe(differences.length === 0);
    if (differences.length === 0) expect({ ...ca, name: '' }).toStrictEqual({ ...cb, name: '' });
  });
});

describe('keySignature', () => {
  const sig = (def: IndexDefinition): string => keySignature(canonicalFromDefinition(def));

  it.each<[string, IndexDefinition, string]>([
    ['plain compound', { keys: [k('status', 1), k('severity', -1)] }, 'status_1_severity_-1'],
    ['TTL and hidden do not distinguish', { keys: [k('at', 1)], options: { expire_after_seconds: 5, hidden: true } }, 'at_1'],
    ['text fields expanded by name', { keys: [k('tenant', 1), k('title', 'text'), k('body', 'text')] }, 'tenant_1_body_text_title_text'],
    ['wildcard', { keys: [k('$**', 1)] }, '$**_1'],
  ])('%s → %s', (_name, def, expected) => expect(sig(def)).toBe(expected));

  it('adds a hash for identity options', () => {
    expect(sig({ keys: [k('email', 1)], options: { is_unique: true } })).toMatch(/^email_1#[0-9a-f]{16}$/);
  });

  it.each<[string, IndexDefinition, IndexDefinition]>([
    [
      'collation',
      { keys: [k('n', 1)], options: { collation: { locale: 'fr' } } },
      { keys: [k('n', 1)], options: { collation: { locale: 'de' } } },
    ],
    ['collation vs none', { keys: [k('n', 1)], options: { collation: { locale: 'fr' } } }, { keys: [k('n', 1)] }],
    [
      'partial filter',
      { keys: [k('n', 1)], options: { partial_filter_expression: { a: 1 } } },
      { keys: [k('n', 1)], options: { partial_filter_expression: { a: 2 } } },
    ],
    ['unique', { keys: [k('n', 1)], options: { is_unique: true } }, { keys: [k('n', 1)] }],
    ['sparse', { keys: [k('n', 1)], options: { sparse: true } }, { keys: [k('n', 1)] }],
    ['key order', { keys: [k('a', 1), k('b', 1)] }, { keys: [k('b', 1), k('a', 1)] }],
  ])('distinct by %s', (_name, a, b) => expect(sig(a)).not.toBe(sig(b)));

  it.each<[string, Side, Side]>([
    [
      'definition vs listIndexes with filled collation',
      { keys: [k('n', 1)], options: { collation: { locale: 'fr' } } },
      entry({ v: 2, key: { n: 1 }, name: 'other', collation: FR_FILLED }),
    ],
    [
      'names differ',
      { name: 'a', keys: [k('x', 1)], options: { is_unique: true } },
      entry({ v: 2, key: { x: 1 }, name: 'b', unique: true }),
    ],
    [
      'TTL differs',
      { keys: [k('at', 1)], options: { expire_after_seconds: 5 } },
      { keys: [k('at', 1)], options: { expire_after_seconds: 6 } },
    ],
  ])('same identity when %s', (_name, a, b) => expect(keySignature(canon(a))).toBe(keySignature(canon(b))));

  it('keyPatternOf ignores options', () => {
    expect(keyPatternOf(canonicalFromDefinition({ keys: [k('email', 1)], options: { is_unique: true } }))).toBe('email_1');
  });
});

describe('toMongoIndexSpec', () => {
  it.each<[string, IndexDefinition, Record<string, unknown>]>([
    ['default name', { keys: [k('status', 1), k('severity', -1)] }, { key: { status: 1, severity: -1 }, name: 'status_1_severity_-1' }],
    [
      'every option',
      {
        name: 'all',
        keys: [k('a', 1)],
        options: { is_unique: true, sparse: false, expire_after_seconds: 10, collation: { locale: 'fr' }, hidden: true },
      },
      { key: { a: 1 }, name: 'all', unique: true, sparse: false, expireAfterSeconds: 10, collation: { locale: 'fr' }, hidden: true },
    ],
    [
      'text',
      {
        keys: [k('title', 'text'), k('body', 'text')],
        options: { weights: { title: 3 }, default_language: 'french', language_override: 'l', text_index_version: 3 },
      },
      {
        key: { title: 'text', body: 'text' },
        name: 'title_text_body_text',
        weights: { title: 3 },
        default_language: 'french',
        language_override: 'l',
        textIndexVersion: 3,
      },
    ],
    [
      'wildcard',
      { keys: [k('$**', 1)], options: { wildcard_projection: { a: 1 } } },
      { key: { '$**': 1 }, name: '$**_1', wildcardProjection: { a: 1 } },
    ],
    [
      'geo',
      { keys: [k('p', '2d')], options: { bits: 20, min: -10, max: 10 } },
      { key: { p: '2d' }, name: 'p_2d', bits: 20, min: -10, max: 10 },
    ],
    [
      '2dsphere',
      { keys: [k('loc', '2dsphere')], options: { sphere_index_version: 2 } },
      { key: { loc: '2dsphere' }, name: 'loc_2dsphere', '2dsphereIndexVersion': 2 },
    ],
    [
      'partial',
      { keys: [k('a', 1)], options: { partial_filter_expression: { b: { $gt: 1 } } } },
      { key: { a: 1 }, name: 'a_1', partialFilterExpression: { b: { $gt: 1 } } },
    ],
  ])('%s', (_name, def, expected) => {
    const spec = toMongoIndexSpec(def);
    expect(spec).toStrictEqual(expected);
    expect(Object.keys(spec.key)).toEqual(def.keys.map((entry) => entry.field));
  });

  it('keeps a field named __proto__ as a field', () => {
    const spec = toMongoIndexSpec({ keys: [k('__proto__', 1)] });
    expect(Object.keys(spec.key)).toEqual(['__proto__']);
  });

  it('its output read back as listIndexes is the same index', () => {
    const def: IndexDefinition = { keys: [k('tenant', 1), k('title', 'text')], options: { weights: { title: 4 } } };
    const spec = toMongoIndexSpec(def);
    const live = entry({
      v: 2,
      key: { tenant: 1, _fts: 'text', _ftsx: 1 },
      name: spec.name,
      weights: spec.weights,
      default_language: 'english',
      language_override: 'language',
      textIndexVersion: 3,
    });
    expect(sameIndex(canonicalFromDefinition(def), canonicalFromListIndexes(live))).toBe(true);
  });
});
