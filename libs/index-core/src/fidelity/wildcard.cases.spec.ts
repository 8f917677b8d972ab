import { diffCollection } from '../diff';
import { definitionFromListIndexes } from '../mongo-spec';
import { validateDefinition } from '../validation';
import { describeCases } from './case-runner';
import { WILDCARD_CASES } from './wildcard.cases';

const identity = describeCases('wildcard indexes', WILDCARD_CASES);

describe('no false drift from the stricter definition rules', () => {
  const live = identity.flatMap((c) => [c.input.a, c.input.b]).flatMap((s) => ('listed' in s ? [s.listed] : []));

  it('has live indexes to check', () => expect(live.length).toBeGreaterThanOrEqual(3));

  it.each(live.map((entry) => [JSON.stringify(entry.wildcardProjection), entry] as const))(
    'a live index listed with %s imports to a definition the core accepts',
    (_label, entry) => {
      // The server holds `{a: 2}` or `{a: {b: true}}`; the definition rules (1 or 0, flat paths) must not flag it.
      const definition = definitionFromListIndexes(entry);
      expect(validateDefinition(definition)).toEqual([]);
    },
  );

  it('a live compound wildcard index that only later servers build imports to a definition a 7.0 target accepts', () => {
    // Nested paths and `_id: 0` beside included paths need 8.0 in a definition; the import writes the normal form (dotted, no `_id: 0`).
    const live = {
      v: 2,
      key: { '$**': 1, other: 1 },
      name: 'cwi',
      wildcardProjection: { _id: 0, a: { b: 1, c: true } },
    };
    const definition = definitionFromListIndexes(live);
    expect(definition.options?.wildcard_projection).toEqual({ 'a.b': 1, 'a.c': 1 });
    expect(validateDefinition(definition, { version: [7, 0] })).toEqual([]);
    const diff = diffCollection('c', [definition], [live]);
    expect(diff.matched.map((m) => m.real.entry.name)).toEqual(['cwi']);
    expect(diff.different).toEqual([]);
  });
});
