import { diffCollection } from '../diff';
import { definitionFromListIndexes } from '../mongo-spec';
import { validateDefinition } from '../validation';
import { describeCases } from './case-runner';
import { TEXT_CASES } from './text.cases';

const identity = describeCases('text indexes', TEXT_CASES);

describe('no false drift from the stricter definition rules', () => {
  const live = identity.flatMap((c) => [c.input.a, c.input.b]).flatMap((s) => ('listed' in s ? [s.listed] : []));

  it('has live indexes to check', () => expect(live.length).toBeGreaterThanOrEqual(3));

  it.each(live.map((entry) => [entry.name, JSON.stringify(entry.weights), entry] as const))(
    'a live text index %s weighted %s imports to a definition the core accepts',
    (_name, _weights, entry) => {
      expect(validateDefinition(definitionFromListIndexes(entry))).toEqual([]);
    },
  );

  it('a live index in a language spelled in capitals is the definition in lower case', () => {
    const live = { v: 2, key: { _fts: 'text', _ftsx: 1 }, name: 'title_text', weights: { title: 1 }, default_language: 'French' };
    const diff = diffCollection('c', [{ keys: [{ field: 'title', value: 'text' }], options: { default_language: 'french' } }], [live]);
    expect(diff.matched.map((m) => m.real.entry.name)).toEqual(['title_text']);
  });
});
