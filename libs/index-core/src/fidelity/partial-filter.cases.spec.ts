import { diffCollection } from '../diff';
import { definitionFromListIndexes } from '../mongo-spec';
import { canonicalFromDefinition, canonicalFromListIndexes } from '../normalize';
import { sameIndex } from '../signature';
import type { Collation, IndexDefinition, JsonObject, ListIndexesEntry } from '../types';
import { validateDefinition } from '../validation';
import { PARTIAL_FILTER_CASES } from './partial-filter.cases';

const withFilter = (filter: unknown, collation?: Collation): IndexDefinition => ({
  keys: [{ field: 'x', value: 1 }],
  options: { partial_filter_expression: filter as JsonObject, ...(collation ? { collation } : {}) },
});
const live = (filter: unknown, name = 'x_1', collation?: Collation): ListIndexesEntry => ({
  v: 2,
  key: { x: 1 },
  name,
  partialFilterExpression: filter,
  ...(collation ? { collation } : {}),
});

describe('partial filter expressions, as the server decides them', () => {
  it.each(PARTIAL_FILTER_CASES.map((c) => [`${c.title} (${c.source})`, c] as const))('%s', (_title, c) => {
    if ('filter' in c.input) {
      const context = c.input.version ? { version: c.input.version } : undefined;
      const rules = validateDefinition(withFilter(c.input.filter), context).map((issue) => issue.rule);
      expect([...new Set(rules)].sort()).toEqual([...(c.expect as readonly string[])].sort());
    } else {
      const a = canonicalFromDefinition(withFilter(c.input.a, c.input.collation));
      const b = canonicalFromListIndexes(live(c.input.b, 'x_1', c.input.collation));
      // A known difference asserts what the core does, so that fixing it shows here.
      const known = 'deliberate' in c ? c.deliberate?.core : undefined;
      expect(sameIndex(a, b)).toBe((known ?? c.expect) === 'same');
    }
  });
});

describe('no false drift from partial filter rules', () => {
  it('a live filter deeper than the core accepts still matches its definition (comparison never validates)', () => {
    const deep = { $and: [{ $and: [{ $and: [{ $and: [{ x: 3 }] }] }] }] };
    expect(validateDefinition(withFilter(deep)).map((issue) => issue.rule)).toEqual(['partial_filter_depth']);
    const diff = diffCollection('c', [{ ...withFilter(deep), name: 'x_1' }], [live(deep)]);
    expect(diff.matched.map((m) => m.real.entry.name)).toEqual(['x_1']);
    expect(diff.different).toEqual([]);
  });

  it('a definition written differently from the server-stored filter is no difference', () => {
    const diff = diffCollection(
      'c',
      [withFilter({ $and: [{ b: 'blah' }, { a: { $lt: 10 } }, { a: { $gt: 0 } }] })],
      [live({ a: { $gt: 0, $lt: 10 }, b: 'blah' })],
    );
    expect(diff.matched).toHaveLength(1);
    expect(diff.different).toEqual([]);
  });

  it('an imported live filter is the same index again', () => {
    const entry = live({ a: { $gt: 0, $lt: 10 }, b: 'blah', c: { $in: [2, 1] }, d: { $type: 2 } });
    const imported = definitionFromListIndexes(entry);
    // One spelling, still readable: keys sorted, $in values sorted, $type by its alias.
    expect(imported.options?.partial_filter_expression).toEqual({
      a: { $gt: 0, $lt: 10 },
      b: 'blah',
      c: { $in: [1, 2] },
      d: { $type: 'string' },
    });
    expect(sameIndex(canonicalFromDefinition(imported), canonicalFromListIndexes(entry))).toBe(true);
    expect(validateDefinition(imported)).toEqual([]);
  });

  it('two filters the server keeps apart stay two indexes in a diff', () => {
    const a = { $and: [{ a: { $type: 1 } }, { a: { $type: 2 } }] };
    const b = { $and: [{ a: { $type: 2 } }, { a: { $type: 1 } }] };
    const diff = diffCollection(
      'c',
      [
        { ...withFilter(a), name: 'one' },
        { ...withFilter(b), name: 'two' },
      ],
      [live(a, 'one'), live(b, 'two')],
    );
    expect(diff.matched.map((m) => `${m.desired.definition.name}=${m.real.entry.name}`)).toEqual(['one=one', 'two=two']);
  });
});
