import { indexNameOf } from '../naming';
import { canonicalFromDefinition, canonicalFromListIndexes } from '../normalize';
import { sameIndex } from '../signature';
import type { CanonicalIndex, IndexDefinition, ListIndexesEntry } from '../types';
import { validateDefinition } from '../validation';
import { ID_INDEX_CASES } from './id-index.cases';

const canonical = (index: IndexDefinition | ListIndexesEntry): CanonicalIndex =>
  Array.isArray(index.keys) ? canonicalFromDefinition(index as IndexDefinition) : canonicalFromListIndexes(index as ListIndexesEntry);

describe('the _id index, as the server decides it', () => {
  it.each(ID_INDEX_CASES.map((c) => [`${c.title} (${c.source})`, c] as const))('%s', (_title, c) => {
    if ('validate' in c.input) {
      const rules = validateDefinition(c.input.validate).map((issue) => issue.rule);
      expect([...new Set(rules)].sort()).toEqual([...(c.expect as readonly string[])].sort());
    } else if ('name' in c.input) {
      expect(indexNameOf(c.input.name)).toBe((c.expect as { name: string }).name);
    } else {
      expect(sameIndex(canonical(c.input.a), canonical(c.input.b))).toBe(c.expect === 'same');
    }
  });
});
