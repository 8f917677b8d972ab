import { ruleContextOf, rulesAtLeast } from './rule-version';

describe('ruleContextOf: the rules of a server by the MongoDB version it runs or imitates', () => {
  it.each([
    ['7.0.12', [7, 0]],
    ['8.0.4', [8, 0]],
    ['6.0.20-ent', [6, 0]],
    ['8.1.0-alpha-123-gabc', [8, 1]],
    ['7.0.42', [7, 0]],
  ])('%s is checked by the rules of %j', (version, expected) => {
    expect(ruleContextOf(version)).toEqual({ version: expected });
  });

  it.each([[null], [undefined], ['unknown'], ['7'], ['']])('%j is unknown: the newest rules apply', (version) => {
    const context = ruleContextOf(version);
    expect(context).toEqual({});
    expect(rulesAtLeast(context, 8, 0)).toBe(true);
  });

  it('6.0 rules are not 7.0 rules', () => {
    expect(rulesAtLeast(ruleContextOf('6.0.14'), 7, 0)).toBe(false);
    expect(rulesAtLeast(ruleContextOf('7.0.0'), 7, 0)).toBe(true);
  });
});
