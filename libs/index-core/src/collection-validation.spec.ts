import { validateCollectionDefinitions } from './collection-validation';
import type { IndexDefinition, KeyEntry } from './types';

const k = (field: string, value: KeyEntry['value']): KeyEntry => ({ field, value });
const many = (n: number, withId = false): IndexDefinition[] => [
  ...(withId ? [{ keys: [k('_id', 1)] }] : []),
  ...Array.from({ length: n - (withId ? 1 : 0) }, (_, i): IndexDefinition => ({ keys: [k(`f${i}`, 1)] })),
];

describe('validateCollectionDefinitions', () => {
  it.each<[string, IndexDefinition[], [string, string][]]>([
    ['empty collection', [], []],
    ['distinct indexes', [{ keys: [k('a', 1)] }, { keys: [k('b', 1)] }, { keys: [k('a', 1), k('b', 1)] }], []],
    ['two text indexes', [{ keys: [k('a', 'text')] }, { keys: [k('b', 1)] }, { keys: [k('c', 'text')] }], [['[2].keys', 'one_text_index']]],
    [
      'same explicit name',
      [
        { name: 'x', keys: [k('a', 1)] },
        { name: 'x', keys: [k('b', 1)] },
      ],
      [['[1].name', 'duplicate_name']],
    ],
    [
      'explicit name equal to a default name',
      [{ keys: [k('a', 1)] }, { name: 'a_1', keys: [k('b', 1)] }],
      [['[1].name', 'duplicate_name']],
    ],
    [
      'same key under two names',
      [
        { name: 'x', keys: [k('a', 1)] },
        { name: 'y', keys: [k('a', 1)], options: { hidden: true } },
      ],
      [['[1].keys', 'duplicate_index']],
    ],
    [
      'same key, different collation is allowed',
      [
        { name: 'x', keys: [k('a', 1)], options: { collation: { locale: 'fr' } } },
        { name: 'y', keys: [k('a', 1)] },
      ],
      [],
    ],
    [
      'same key, unique and not is allowed (5.0+)',
      [
        { name: 'x', keys: [k('a', 1)], options: { is_unique: true } },
        { name: 'y', keys: [k('a', 1)] },
      ],
      [],
    ],
    [
      'same key, different partial filters is allowed (5.0+)',
      [
        { name: 'x', keys: [k('a', 1)], options: { partial_filter_expression: { s: 1 } } },
        { name: 'y', keys: [k('a', 1)], options: { partial_filter_expression: { s: 2 } } },
      ],
      [],
    ],
    [
      'same collation written two ways',
      [
        { name: 'x', keys: [k('a', 1)], options: { collation: { locale: 'fr' } } },
        { name: 'y', keys: [k('a', 1)], options: { collation: { locale: 'fr', strength: 3 } } },
      ],
      [['[1].keys', 'duplicate_index']],
    ],
    ['63 indexes + implicit _id_', many(63), []],
    ['64 indexes + implicit _id_', many(64), [['[63].keys', 'max_indexes']]],
    ['64 indexes including _id', many(64, true), []],
    ['65 indexes including _id', many(65, true), [['[64].keys', 'max_indexes']]],
  ])('%s', (_name, defs, expected) => {
    const issues = validateCollectionDefinitions(defs);
    expect(issues.map((issue) => [issue.field, issue.rule])).toEqual(expected);
  });
});
