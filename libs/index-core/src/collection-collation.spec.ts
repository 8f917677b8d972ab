import { withCollectionCollation } from './collection-collation';
import { desiredIndexOf, diffDesired } from './diff';
import { definitionFromListIndexes, toMongoIndexSpec } from './mongo-spec';
import type { IndexDefinition, ListIndexesEntry } from './types';
import { filledCollation } from './testing/fixtures';

// mongodb/mongo jstests/core/index/index_creation_on_different_collations.js (36635c8c, 8.x): on a
// collection created with { locale: "en_US", strength: 2, caseLevel: false }, an index given no collation
// is listed with the collection's collation filled in; one given { locale: "simple" } with none.
const COLLECTION_COLLATION = { locale: 'en_US', strength: 2, caseLevel: false };
const FILLED = filledCollation('en_US', { strength: 2 });
const live: ListIndexesEntry[] = [
  { v: 2, key: { _id: 1 }, name: '_id_', collation: FILLED },
  { v: 2, key: { x: 1 }, name: 'x_1', collation: FILLED },
  { v: 2, key: { y: 1 }, name: 'y_1' },
  {
    v: 2,
    key: { _fts: 'text', _ftsx: 1 },
    name: 'body_text',
    weights: { body: 1 },
    default_language: 'english',
    language_override: 'language',
    textIndexVersion: 3,
  },
] as ListIndexesEntry[];

const diff = (definitions: IndexDefinition[], collation: unknown) =>
  diffDesired('c', withCollectionCollation(definitions.map(desiredIndexOf), collation), live);

describe('indexes inherit their collection’s default collation', () => {
  const definitions: IndexDefinition[] = [
    { name: 'x_1', keys: [{ field: 'x', value: 1 }] },
    { name: 'y_1', keys: [{ field: 'y', value: 1 }], options: { collation: { locale: 'simple' } } },
    { name: 'body_text', keys: [{ field: 'body', value: 'text' }] },
  ];

  it('a definition without a collation matches the index built with the collection’s; simple matches none; text takes none', () => {
    const result = diff(definitions, COLLECTION_COLLATION);
    expect(result.matched.map((m) => m.desired.definition.name)).toEqual(['body_text', 'x_1', 'y_1']);
    expect(result.different).toEqual([]);
    expect(result.missing).toEqual([]);
  });

  it('without the collection’s collation the same design shows false drift (what this prevents)', () => {
    expect(diff(definitions, undefined).different.map((d) => d.desired.definition.name)).toEqual(['x_1']);
  });

  it('an explicit other collation stays different', () => {
    const explicit: IndexDefinition[] = [{ name: 'x_1', keys: [{ field: 'x', value: 1 }], options: { collation: { locale: 'fr' } } }];
    expect(diff(explicit, COLLECTION_COLLATION).different.map((d) => d.differences)).toEqual([['collation']]);
  });

  it('a text index is built with { locale: "simple" } there, which the server requires, and still matches the live one', () => {
    // mongodb/mongo jstests/core/collation.js (05a0f8e9): a text index build that inherits a non-simple default
    // collation fails; with { locale: "simple" } it succeeds and lists no collation.
    const desired = withCollectionCollation(definitions.map(desiredIndexOf), COLLECTION_COLLATION);
    const text = desired.find((index) => index.definition.name === 'body_text');
    expect(text?.definition.options?.collation).toEqual({ locale: 'simple' });
    expect(toMongoIndexSpec(text!.definition).collation).toEqual({ locale: 'simple' });
    expect(text?.canonical.options.collation).toBeUndefined();
    const twoD = withCollectionCollation([desiredIndexOf({ name: 'pos_2d', keys: [{ field: 'pos', value: '2d' }] })], COLLECTION_COLLATION);
    expect(twoD[0].definition.options?.collation).toEqual({ locale: 'simple' });
  });

  it('a filter is read with the inherited collation: a case-only spelling difference is no drift', () => {
    // The server parses the filter with the index's collation and compares with it (index_signature.js, requires_fcv_73).
    const filtered: IndexDefinition[] = [
      { name: 'p_1', keys: [{ field: 'p', value: 1 }], options: { partial_filter_expression: { status: 'Active' } } },
    ];
    const real = [
      { v: 2, key: { p: 1 }, name: 'p_1', collation: FILLED, partialFilterExpression: { status: 'active' } },
    ] as ListIndexesEntry[];
    const result = diffDesired('c', withCollectionCollation(filtered.map(desiredIndexOf), COLLECTION_COLLATION), real);
    expect(result.matched.map((m) => m.real.entry.name)).toEqual(['p_1']);
    // Without the collation (a simple one) the two strings stay two filters.
    expect(
      diffDesired('c', filtered.map(desiredIndexOf), [{ ...real[0], collation: undefined }] as ListIndexesEntry[]).different,
    ).toHaveLength(1);
    // Imported, the filter keeps its own strings.
    expect(definitionFromListIndexes(real[0]).options?.partial_filter_expression).toEqual({ status: 'active' });
  });

  it('a collection without a default collation (or simple) leaves the design as it is, the same array', () => {
    const desired = definitions.map(desiredIndexOf);
    expect(withCollectionCollation(desired, undefined)).toBe(desired);
    expect(withCollectionCollation(desired, { locale: 'simple' })).toBe(desired);
  });
});
