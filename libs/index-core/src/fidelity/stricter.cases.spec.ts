import { diffCollection } from '../diff';
import { planImport } from '../import-plan';
import { definitionFromListIndexes } from '../mongo-spec';
import { planCollection } from '../plan';
import { validateDefinition } from '../validation';
import { OPTION_VALUE_CASES } from './options.cases';
import { STRICTER_RULES } from './stricter.cases';

describe('rules stricter than MongoDB never cause drift against an index that exists', () => {
  it.each(STRICTER_RULES.map((r) => [r.rule, r] as const))('%s', (_rule, { rule, live }) => {
    const definition = definitionFromListIndexes(live);
    // The rule is real: the same index, written as a definition, is refused by it.
    expect(validateDefinition(definition).map((issue) => issue.rule)).toContain(rule);

    // Comparing applies no validation: the live index is the one the design repository holds.
    const diff = diffCollection('c', [definition], [live]);
    expect(diff.matched.map((m) => [m.real.entry.name, m.nameDiffers])).toEqual([[live.name, false]]);
    expect([diff.missing, diff.different, diff.redundant]).toEqual([[], [], []]);
    expect(planCollection(diff).operations).toEqual([]);

    // An import finds it already defined.
    expect(planImport('c', [definition], [live])).toEqual([{ kind: 'defined', name: live.name }]);
  });
});

it('lists every deliberate difference the option cases find', () => {
  const listed = new Set(STRICTER_RULES.map((r) => r.rule));
  for (const c of OPTION_VALUE_CASES) if (c.expect.stricter) expect([c.title, listed.has(c.expect.rule ?? '')]).toEqual([c.title, true]);
});
