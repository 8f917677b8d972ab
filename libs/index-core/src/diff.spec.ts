import { diffCollection, type CollectionDiff } from './diff';
import type { IndexDefinition, KeyEntry, ListIndexesEntry } from './types';
import { FR_FILLED } from './testing/fixtures';

const k = (field: string, value: KeyEntry['value']): KeyEntry => ({ field, value });
const entry = (value: Record<string, unknown> & { key: Record<string, unknown>; name: string }): ListIndexesEntry => ({ v: 2, ...value });
const ID = entry({ key: { _id: 1 }, name: '_id_' });

/** A diff in names only: what landed in which category. */
function summary(diff: CollectionDiff) {
  return {
    missing: diff.missing.map((m) => m.definition.name),
    matched: diff.matched.map((m) => `${m.desired.definition.name}=${m.real.entry.name}${m.nameDiffers ? ' (name differs)' : ''}`),
    different: diff.different.map((d) => `${d.desired.definition.name}~${d.real.entry.name} by ${d.matchedBy}: ${d.differences.join(',')}`),
    redundant: diff.redundant.map((r) => r.entry.name),
  };
}

const none = { missing: [], matched: [], different: [], redundant: [] };

const cases: readonly (readonly [string, IndexDefinition[], ListIndexesEntry[], Partial<ReturnType<typeof summary>>])[] = [
  ['empty collection, nothing desired', [], [ID], {}],
  [
    'all four categories',
    [
      { keys: [k('email', 1)], options: { is_unique: true } },
      { keys: [k('status', 1), k('severity', -1)] },
      { keys: [k('created_at', 1)], options: { expire_after_seconds: 3600 } },
    ],
    [
      ID,
      entry({ key: { email: 1 }, name: 'email_1', unique: true }),
      entry({ key: { created_at: 1 }, name: 'created_at_1', expireAfterSeconds: 7776000 }),
      entry({ key: { legacy: 1 }, name: 'legacy_1' }),
    ],
    {
      missing: ['status_1_severity_-1'],
      matched: ['email_1=email_1'],
      different: ['created_at_1~created_at_1 by name: expireAfterSeconds'],
      redundant: ['legacy_1'],
    },
  ],
  [
    'same index under another name is matched, name differs',
    [{ keys: [k('email', 1)], options: { is_unique: true } }],
    [ID, entry({ key: { email: 1 }, name: 'by_email', unique: true })],
    { matched: ['email_1=by_email (name differs)'] },
  ],
  [
    'compound key order change is a difference, paired by name',
    [{ name: 'status_severity', keys: [k('severity', -1), k('status', 1)] }],
    [ID, entry({ key: { status: 1, severity: -1 }, name: 'status_severity' })],
    { different: ['status_severity~status_severity by name: key'] },
  ],
  [
    'compound key order change under default names: missing + redundant',
    [{ keys: [k('severity', -1), k('status', 1)] }],
    [ID, entry({ key: { status: 1, severity: -1 }, name: 'status_1_severity_-1' })],
    { missing: ['severity_-1_status_1'], redundant: ['status_1_severity_-1'] },
  ],
  [
    'collation defaults filled in by the server are no difference',
    [{ keys: [k('name', 1)], options: { collation: { locale: 'fr' } } }],
    [ID, entry({ key: { name: 1 }, name: 'name_1', collation: FR_FILLED })],
    { matched: ['name_1=name_1'] },
  ],
  [
    'a collation setting that differs is a difference',
    [{ keys: [k('name', 1)], options: { collation: { locale: 'fr', strength: 2 } } }],
    [ID, entry({ key: { name: 1 }, name: 'name_1', collation: FR_FILLED })],
    { different: ['name_1~name_1 by name: collation'] },
  ],
  [
    'text weights of 1, default_language and language_override are no difference',
    [{ keys: [k('title', 'text'), k('description', 'text'), k('tags', 'text')] }],
    [
      ID,
      entry({
        key: { _fts: 'text', _ftsx: 1 },
        name: 'title_text_description_text_tags_text',
        weights: { description: 1, tags: 1, title: 1 },
        default_language: 'english',
        language_override: 'language',
        textIndexVersion: 3,
      }),
    ],
    { matched: ['title_text_description_text_tags_text=title_text_description_text_tags_text'] },
  ],
  [
    'a text weight that differs is a difference',
    [{ keys: [k('title', 'text'), k('body', 'text')], options: { weights: { title: 10 } } }],
    [
      ID,
      entry({
        key: { _fts: 'text', _ftsx: 1 },
        name: 'title_text_body_text',
        weights: { body: 1, title: 5 },
        default_language: 'english',
        language_override: 'language',
        textIndexVersion: 3,
      }),
    ],
    { different: ['title_text_body_text~title_text_body_text by name: textWeights'] },
  ],
  [
    '2dsphere index version 3 (server default) is noise',
    [{ keys: [k('loc', '2dsphere')] }],
    [ID, entry({ key: { loc: '2dsphere' }, name: 'loc_2dsphere', '2dsphereIndexVersion': 3 })],
    { matched: ['loc_2dsphere=loc_2dsphere'] },
  ],
  [
    'different TTL',
    [{ keys: [k('created_at', 1)], options: { expire_after_seconds: 7200 } }],
    [ID, entry({ key: { created_at: 1 }, name: 'created_at_1', expireAfterSeconds: 3600 })],
    { different: ['created_at_1~created_at_1 by name: expireAfterSeconds'] },
  ],
  [
    'different unique',
    [{ keys: [k('email', 1)], options: { is_unique: true } }],
    [ID, entry({ key: { email: 1 }, name: 'email_1' })],
    {
      different: ['email_1~email_1 by name: unique'],
    },
  ],
  [
    'paired by key under another name: differences include name',
    [{ name: 'by_email', keys: [k('email', 1)], options: { is_unique: true } }],
    [ID, entry({ key: { email: 1 }, name: 'email_1' })],
    { different: ['by_email~email_1 by key: unique,name'] },
  ],
  [
    'by key, the closest of several real indexes with that key',
    [{ name: 'n_fr', keys: [k('name', 1)], options: { collation: { locale: 'fr' }, hidden: true } }],
    [ID, entry({ key: { name: 1 }, name: 'name_1' }), entry({ key: { name: 1 }, name: 'name_fr', collation: FR_FILLED })],
    { different: ['n_fr~name_fr by key: hidden,name'], redundant: ['name_1'] },
  ],
  ['_id_ is never redundant', [], [ID, entry({ key: { a: 1 }, name: 'a_1' })], { redundant: ['a_1'] }],
  ['an _id index in the DR matches _id_', [{ keys: [k('_id', 1)] }], [ID], { matched: ['_id_=_id_'] }],
  [
    'clustered _id_ matches a DR _id index and is never redundant',
    [{ keys: [k('_id', 1)] }],
    [entry({ key: { _id: 1 }, name: '_id_', unique: true, clustered: true })],
    { matched: ['_id_=_id_'] },
  ],
  ['clustered _id_ alone is not redundant', [], [entry({ key: { _id: 1 }, name: '_id_', unique: true, clustered: true })], {}],
  [
    'directions as 1.0 / NumberLong / EJSON are the same',
    [{ keys: [k('a', 1), k('b', -1)] }],
    [ID, entry({ key: { a: 1.0, b: { $numberLong: '-1' } }, name: 'a_1_b_-1', background: true, ns: 'db.c' })],
    { matched: ['a_1_b_-1=a_1_b_-1'] },
  ],
  [
    'hidden differs',
    [{ keys: [k('flag', 1)] }],
    [ID, entry({ key: { flag: 1 }, name: 'flag_1', hidden: true })],
    {
      different: ['flag_1~flag_1 by name: hidden'],
    },
  ],
  [
    'wildcard projection differs',
    [{ keys: [k('$**', 1)], options: { wildcard_projection: { details: 1, extra: 1 } } }],
    [ID, entry({ key: { '$**': 1 }, name: '$**_1', wildcardProjection: { details: 1 } })],
    { different: ['$**_1~$**_1 by name: wildcardProjection'] },
  ],
  [
    'same name, other key',
    [{ name: 'idx', keys: [k('b', 1)] }],
    [ID, entry({ key: { a: 1 }, name: 'idx' })],
    {
      different: ['idx~idx by name: key'],
    },
  ],
];

describe('diffCollection', () => {
  it.each(cases)('%s', (_name, desired, real, expected) => {
    expect(summary(diffCollection('c', desired, real))).toEqual({ ...none, ...expected });
  });

  it('sorts every list by name whatever the input order', () => {
    const desired: IndexDefinition[] = [{ keys: [k('z', 1)] }, { keys: [k('a', 1)] }, { keys: [k('m', 1)] }, { keys: [k('b', 1)] }];
    const real = [
      entry({ key: { y: 1 }, name: 'y_1' }),
      entry({ key: { b: 1 }, name: 'b_1' }),
      ID,
      entry({ key: { c: 1 }, name: 'c_1' }),
      entry({ key: { m: 1 }, name: 'm_1' }),
    ];
    const forward = summary(diffCollection('c', desired, real));
    const backward = summary(diffCollection('c', [...desired].reverse(), [...real].reverse()));
    expect(forward).toEqual(backward);
    expect(forward).toEqual({ missing: ['a_1', 'z_1'], matched: ['b_1=b_1', 'm_1=m_1'], different: [], redundant: ['c_1', 'y_1'] });
  });

  it('keeps the collection, the definitions with resolved names and the real entries', () => {
    const real = entry({ key: { a: 1 }, name: 'a_1' });
    const diff = diffCollection('orders', [{ keys: [k('a', 1)] }], [ID, real]);
    expect(diff.collection).toBe('orders');
    expect(diff.matched[0].desired.definition).toEqual({ name: 'a_1', keys: [k('a', 1)] });
    expect(diff.matched[0].real.entry).toBe(real);
  });
});
