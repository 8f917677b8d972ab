import { collationDefaults } from './collation';
import { asNumber, normalizeNumbers } from './numbers';
import { fnv1a64, orderedStringify, stableStringify } from './stable-json';

describe('stableStringify', () => {
  it.each<[string, unknown, string]>([
    ['sorts keys at every level', { b: 1, a: { d: 2, c: 3 } }, '{"a":{"c":3,"d":2},"b":1}'],
    ['keeps array order', [3, 1, 2], '[3,1,2]'],
    ['skips undefined fields', { a: undefined, b: 1 }, '{"b":1}'],
    ['writes dates as $date', { at: new Date('2024-01-02T03:04:05.000Z') }, '{"at":{"$date":"2024-01-02T03:04:05.000Z"}}'],
    ['writes NaN bare', { n: Number.NaN }, '{"n":NaN}'],
    ['writes -0 as 0', -0, '0'],
    ['null', null, 'null'],
  ])('%s', (_name, value, expected) => expect(stableStringify(value)).toBe(expected));

  it('orderedStringify keeps key order', () => expect(orderedStringify({ b: 1, a: 2 })).toBe('{"b":1,"a":2}'));
});

describe('fnv1a64', () => {
  it.each<[string, string]>([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('%j → %s (published FNV-1a test vectors)', (input, expected) => expect(fnv1a64(input)).toBe(expected));
});

describe('asNumber / normalizeNumbers', () => {
  it.each<[string, unknown, number | undefined]>([
    ['plain', 1, 1],
    ['$numberInt', { $numberInt: '-1' }, -1],
    ['$numberLong', { $numberLong: '7776000' }, 7776000],
    ['$numberDouble', { $numberDouble: '1.0' }, 1],
    ['$numberDecimal', { $numberDecimal: '2.5' }, 2.5],
    ['toNumber()', { toNumber: () => 42 }, 42],
    ['valueOf()', { valueOf: () => -3 }, -3],
    ['a date is not a number', new Date(0), undefined],
    ['a string is not a number', '1', undefined],
    ['a plain object is not a number', { a: 1 }, undefined],
  ])('%s', (_name, value, expected) => expect(asNumber(value)).toBe(expected));

  it('normalizes deeply and keeps key order', () => {
    const out = normalizeNumbers({ z: { $numberInt: '1' }, a: [{ $numberLong: '2' }] });
    expect(out).toEqual({ z: 1, a: [2] });
    expect(Object.keys(out as object)).toEqual(['z', 'a']);
  });
});

describe('collationDefaults', () => {
  it.each<[string, Record<string, unknown>]>([
    ['en', {}],
    ['fr', {}],
    ['fr_CA', { backwards: true }],
    ['da', { caseFirst: 'upper' }],
    // Every `search` variant imports ICU's root search rules, which turn normalization on.
    ['da@collation=search', { caseFirst: 'off', normalization: true }],
    ['de@collation=search', { normalization: true }],
    ['hi', { normalization: true }],
    ['mt', { caseFirst: 'upper' }],
    ['th', { normalization: true, alternate: 'shifted' }],
    ['vi@collation=traditional', { normalization: true }],
  ])('%s', (locale, overrides) => {
    expect(collationDefaults(locale)).toEqual({
      caseLevel: false,
      caseFirst: 'off',
      strength: 3,
      numericOrdering: false,
      alternate: 'non-ignorable',
      maxVariable: 'punct',
      normalization: false,
      backwards: false,
      ...overrides,
    });
  });
});
