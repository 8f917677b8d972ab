import { canonicalFromDefinition, canonicalFromListIndexes } from '../normalize';
import { keySignature, sameIndex } from '../signature';
import type { CanonicalIndex } from '../types';
import { validateDefinition } from '../validation';
import { OPTION_IDENTITY_CASES, OPTION_VALUE_CASES, type IndexSide } from './options.cases';

const canonicalOf = (side: IndexSide): CanonicalIndex =>
  'listIndexes' in side ? canonicalFromListIndexes(side.listIndexes) : canonicalFromDefinition(side.definition);

describe('index options: identity, as compareIndexOptions has it', () => {
  it.each(OPTION_IDENTITY_CASES.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const a = canonicalOf(c.input.a);
    const b = canonicalOf(c.input.b);
    // `different` indexes can coexist: their signatures differ; a conflict or an identical request has the same signature.
    expect(keySignature(a) !== keySignature(b)).toBe(c.expect.server === 'different');
    expect(!sameIndex(a, b)).toBe(c.expect.drift);
    expect(!sameIndex(b, a)).toBe(c.expect.drift);
  });

  it('calls two indexes that the server calls different drift', () => {
    for (const c of OPTION_IDENTITY_CASES) if (c.expect.server === 'different') expect([c.title, c.expect.drift]).toEqual([c.title, true]);
  });
});

describe('index options: values, by the rules of a server version', () => {
  it.each(OPTION_VALUE_CASES.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const rules = validateDefinition(c.input.definition, { version: c.input.version }).map((issue) => issue.rule);
    if (c.expect.rule === undefined) expect(rules).toEqual([]);
    else expect(rules).toEqual([c.expect.rule]);
  });

  it('refuses whatever the server refuses, and refuses more only where a case says it is deliberate', () => {
    for (const c of OPTION_VALUE_CASES) {
      if (c.expect.server === 'refuses') expect([c.title, c.expect.rule]).toEqual([c.title, expect.any(String)]);
      else expect([c.title, c.expect.rule !== undefined]).toEqual([c.title, c.expect.stricter === true]);
    }
  });
});
