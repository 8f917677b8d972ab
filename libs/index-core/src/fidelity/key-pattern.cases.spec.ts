import { canonicalFromDefinition, canonicalFromListIndexes } from '../normalize';
import { keySignature, sameIndex } from '../signature';
import type { CanonicalIndex, IndexDefinition, ListIndexesEntry } from '../types';
import { validateDefinition } from '../validation';
import { KEY_PATTERN_CASES } from './key-pattern.cases';

const canonical = (index: IndexDefinition | ListIndexesEntry): CanonicalIndex =>
  Array.isArray(index.keys) ? canonicalFromDefinition(index as IndexDefinition) : canonicalFromListIndexes(index as ListIndexesEntry);

describe('key patterns, as the server decides them', () => {
  it.each(KEY_PATTERN_CASES.map((c) => [`${c.title} (${c.source})`, c] as const))('%s', (_title, c) => {
    if ('validate' in c.input) {
      const { validate, version } = c.input;
      const rules = validateDefinition(validate, version ? { version } : undefined).map((issue) => issue.rule);
      expect([...new Set(rules)].sort()).toEqual([...(c.expect as readonly string[])].sort());
    } else {
      const [a, b] = [canonical(c.input.a), canonical(c.input.b)];
      const same = c.expect === 'same';
      expect(sameIndex(a, b)).toBe(same);
      // Two indexes the server tells apart by key may coexist: their signatures differ too.
      expect(keySignature(a) === keySignature(b)).toBe(same);
    }
  });
});
