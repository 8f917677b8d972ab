import { diffCollection } from '../diff';
import { definitionFromListIndexes } from '../mongo-spec';
import { canonicalFromDefinition, canonicalFromListIndexes } from '../normalize';
import { sameIndex } from '../signature';
import type { Collation, IndexDefinition, KeyEntry, ListIndexesEntry } from '../types';
import { validateDefinition } from '../validation';
import { COLLATION_CASES } from './collation.cases';

const X: readonly KeyEntry[] = [{ field: 'x', value: 1 }];
const withCollation = (collation: unknown, keys: readonly KeyEntry[] = X): IndexDefinition => ({
  keys,
  options: { collation: collation as Collation },
});
const live = (collation: unknown): ListIndexesEntry => ({
  v: 2,
  key: { x: 1 },
  name: 'x_1',
  ...(collation === undefined ? {} : { collation }),
});

describe('index collations, as the server decides them', () => {
  it.each(COLLATION_CASES.map((c) => [`${c.title} (${c.source})`, c] as const))('%s', (_title, c) => {
    if ('collation' in c.input) {
      const rules = validateDefinition(withCollation(c.input.collation, c.input.keys)).map((issue) => issue.rule);
      expect([...new Set(rules)].sort()).toEqual([...(c.expect as readonly string[])].sort());
    } else {
      const a = canonicalFromDefinition(withCollation(c.input.a));
      const b = canonicalFromListIndexes(live(c.input.b));
      expect(sameIndex(a, b)).toBe(c.expect === 'same');
    }
  });

  it('a refused locale names the one the server would suggest', () => {
    const messages = (locale: string): string[] => validateDefinition(withCollation({ locale })).map((issue) => issue.message);
    expect(messages('en_GB')).toEqual([expect.stringContaining('did you mean "en"?')]);
    expect(messages('zh@collation=pinyin')).toEqual([expect.stringContaining('did you mean "zh"?')]);
    expect(messages('de-u-co-phonebk')).toEqual([expect.stringContaining('did you mean "de@collation=phonebook"?')]);
    expect(messages('klingon')).toEqual([expect.not.stringContaining('did you mean')]);
    expect(messages('iw')).toEqual([expect.stringContaining('did you mean "he"?')]);
    expect(messages('fr_CA')).toEqual([]);
  });
});

describe('no false drift from collation rules', () => {
  it('a live collation the core would refuse in a definition is still compared, not judged', () => {
    // A locale missing from the core's table (or a combination a later server relaxed) must not turn into drift.
    const unknown = { locale: 'yue', caseLevel: false, caseFirst: 'off', strength: 3, numericOrdering: false };
    expect(validateDefinition(withCollation({ locale: 'yue' })).map((issue) => issue.rule)).toEqual(['collation_locale']);
    const diff = diffCollection('c', [{ ...withCollation({ locale: 'yue' }), name: 'x_1' }], [live({ ...unknown, version: '57.1' })]);
    expect(diff.matched.map((m) => m.real.entry.name)).toEqual(['x_1']);
    expect(diff.different).toEqual([]);
  });

  it('an imported live collation is the same index again, and valid', () => {
    const entry = live({
      locale: 'fr_CA',
      caseLevel: false,
      caseFirst: 'off',
      strength: 2,
      numericOrdering: false,
      alternate: 'non-ignorable',
      maxVariable: 'punct',
      normalization: false,
      backwards: true,
      version: '57.1',
    });
    const imported = definitionFromListIndexes(entry);
    expect(imported.options).toEqual({ collation: { locale: 'fr_CA', strength: 2 } });
    expect(sameIndex(canonicalFromDefinition(imported), canonicalFromListIndexes(entry))).toBe(true);
    expect(validateDefinition(imported)).toEqual([]);
  });
});
