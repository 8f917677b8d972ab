import { withCollectionCollation } from './collection-collation';
import { desiredIndexOf, diffCollection, diffDesired } from './diff';
import { INDEX_OPTIONS } from './index-options';
import { buildPlan, planCollection } from './plan';
import type { Plan, PlanOptions } from './plan-types';
import type { IndexDefinition, KeyEntry, ListIndexesEntry } from './types';

const k = (field: string, value: KeyEntry['value']): KeyEntry => ({ field, value });
const entry = (value: Record<string, unknown> & { key: Record<string, unknown>; name: string }): ListIndexesEntry => ({ v: 2, ...value });
const ID = entry({ key: { _id: 1 }, name: '_id_' });

const plan = (desired: IndexDefinition[], real: ListIndexesEntry[], options?: PlanOptions): Plan =>
  planCollection(diffCollection('c', desired, [ID, ...real]), options);
/** `kind index` per operation, the shape most assertions need. */
const steps = (p: Plan): string[] => p.operations.map((op) => `${op.kind} ${op.index}`);

describe('planCollection: simple changes', () => {
  it('nothing to do when the collection matches (a name that differs needs no operation)', () => {
    const p = plan([{ keys: [k('a', 1)] }], [entry({ key: { a: 1 }, name: 'by_a' })]);
    expect(p).toEqual({ operations: [], warnings: [] });
  });

  it('missing → create with the exact spec; redundant → drop; creates before drops', () => {
    const p = plan(
      [{ keys: [k('status', 1)], options: { partial_filter_expression: { resolved: false }, collation: { locale: 'fr' } } }],
      [entry({ key: { legacy: 1 }, name: 'legacy_1' })],
    );
    expect(p.operations).toEqual([
      {
        kind: 'create',
        collection: 'c',
        index: 'status_1',
        spec: { key: { status: 1 }, name: 'status_1', partialFilterExpression: { resolved: false }, collation: { locale: 'fr' } },
        reason: 'missing from the database',
      },
      { kind: 'drop', collection: 'c', index: 'legacy_1', reason: 'not in the design repository' },
    ]);
  });

  it('TTL seconds on a TTL index → collMod', () => {
    const p = plan(
      [{ keys: [k('created_at', 1)], options: { expire_after_seconds: 7200 } }],
      [entry({ key: { created_at: 1 }, name: 'created_at_1', expireAfterSeconds: 3600 })],
    );
    expect(p.operations).toEqual([
      {
        kind: 'modify',
        collection: 'c',
        index: 'created_at_1',
        changes: { expireAfterSeconds: 7200 },
        reason: 'expireAfterSeconds 3600 → 7200',
      },
    ]);
  });

  it('TTL added to a plain single-field index → collMod (MongoDB 5.1+)', () => {
    const p = plan(
      [{ keys: [k('created_at', 1)], options: { expire_after_seconds: 60 } }],
      [entry({ key: { created_at: 1 }, name: 'created_at_1' })],
    );
    expect(p.operations).toHaveLength(1);
    expect(p.operations[0]).toMatchObject({ kind: 'modify', changes: { expireAfterSeconds: 60 } });
    expect(p.operations[0].reason).toContain('none → 60');
  });

  it('hidden both ways, and with TTL in one collMod', () => {
    expect(plan([{ keys: [k('f', 1)], options: { hidden: true } }], [entry({ key: { f: 1 }, name: 'f_1' })]).operations).toEqual([
      { kind: 'modify', collection: 'c', index: 'f_1', changes: { hidden: true }, reason: 'hidden false → true' },
    ]);
    expect(plan([{ keys: [k('f', 1)] }], [entry({ key: { f: 1 }, name: 'f_1', hidden: true })]).operations[0]).toMatchObject({
      changes: { hidden: false },
    });
    const both = plan(
      [{ keys: [k('t', 1)], options: { expire_after_seconds: 5, hidden: true } }],
      [entry({ key: { t: 1 }, name: 't_1', expireAfterSeconds: 9 })],
    );
    expect(both.operations).toEqual([expect.objectContaining({ kind: 'modify', changes: { expireAfterSeconds: 5, hidden: true } })]);
  });

  it('prepareUnique set or cleared in place by collMod (6.0+, coll_mod.idl), not a rebuild; the step before unique stays a rebuild', () => {
    expect(plan([{ keys: [k('e', 1)], options: { prepare_unique: true } }], [entry({ key: { e: 1 }, name: 'e_1' })]).operations).toEqual([
      { kind: 'modify', collection: 'c', index: 'e_1', changes: { prepareUnique: true }, reason: 'prepareUnique false → true' },
    ]);
    expect(plan([{ keys: [k('e', 1)] }], [entry({ key: { e: 1 }, name: 'e_1', prepareUnique: true })]).operations[0]).toMatchObject({
      kind: 'modify',
      changes: { prepareUnique: false },
    });
    const toUnique = plan(
      [{ keys: [k('e', 1)], options: { is_unique: true } }],
      [entry({ key: { e: 1 }, name: 'e_1', prepareUnique: true })],
    );
    expect(toUnique.operations.map((op) => op.kind)).not.toContain('modify');
  });

  it.each(INDEX_OPTIONS.filter((row) => 'collMod' in row).map((row) => [row.mongo, row] as const))(
    'every option the table says collMod changes becomes a modify step: %s',
    (mongo, row) => {
      const ttl = row.kind === 'integer';
      const desired: IndexDefinition = { keys: [k('at', 1)], options: { [row.dr]: ttl ? 20 : true } };
      const real = entry({ key: { at: 1 }, name: 'at_1', ...(ttl ? { [mongo]: 10 } : {}) });
      expect(plan([desired], [real]).operations).toEqual([
        expect.objectContaining({ kind: 'modify', index: 'at_1', changes: { [mongo]: ttl ? 20 : true } }),
      ]);
    },
  );

  it('hideBeforeDrop: redundant indexes are hidden, not dropped', () => {
    const p = plan([], [entry({ key: { old: 1 }, name: 'old_1' })], { hideBeforeDrop: true });
    expect(p.operations).toEqual([expect.objectContaining({ kind: 'hide', index: 'old_1', changes: { hidden: true } })]);
    expect(p.operations[0].reason).toContain('not in the design repository');
  });

  it('never drops, hides or rebuilds _id_', () => {
    const clustered = entry({ key: { _id: 1 }, name: '_id_', unique: true, clustered: true });
    expect(planCollection(diffCollection('c', [], [clustered]), { hideBeforeDrop: true }).operations).toEqual([]);
    expect(planCollection(diffCollection('c', [], [clustered])).operations).toEqual([]);
    const p = planCollection(diffCollection('c', [{ keys: [k('_id', 1)], options: { hidden: true } }], [ID]));
    expect(p.operations).toEqual([]);
    expect(p.warnings[0]).toContain('_id_ is never dropped');
  });
});

describe('planCollection: rebuilds', () => {
  it('coexisting identities under another name: create the new one first, drop the old one last', () => {
    const p = plan(
      [{ name: 'email_unique', keys: [k('email', 1)], options: { is_unique: true } }],
      [entry({ key: { email: 1 }, name: 'email_1' }), entry({ key: { z: 1 }, name: 'z_1' })],
    );
    expect(steps(p)).toEqual(['create email_unique', 'drop email_1', 'drop z_1']);
    expect(p.operations[0].step).toBe('replace email_1 by email_unique 1/2');
    expect(p.operations[0].reason).toContain('built before email_1 is dropped');
  });

  it('same name, identity can differ: temporary index first, then drop, create, drop the temporary', () => {
    const p = plan(
      [{ keys: [k('email', 1)], options: { is_unique: true } }],
      [entry({ key: { email: 1 }, name: 'email_1', collation: { locale: 'fr', strength: 3, version: '57.1' } })],
    );
    expect(steps(p)).toEqual(['create email_1__ir_tmp', 'drop email_1', 'create email_1', 'drop email_1__ir_tmp']);
    const [tmp, dropOld, create, dropTmp] = p.operations;
    // The temporary index keeps the old key (plus _id, so that it can coexist) and the old collation; it is not unique.
    expect(tmp.spec).toEqual({ key: { email: 1, _id: 1 }, name: 'email_1__ir_tmp', collation: { locale: 'fr' } });
    expect(tmp.step).toBe('rebuild email_1 1/4: temporary index');
    expect(tmp.reason).toContain('they have the same name');
    expect(dropOld.doneWhen).toEqual({ key: { email: 1 }, name: 'email_1', unique: true });
    expect(create.spec).toEqual({ key: { email: 1 }, name: 'email_1', unique: true });
    expect(dropTmp.step).toBe('rebuild email_1 4/4: drop the temporary index');
  });

  it('on a collection with a default collation, the temporary index of an old index built with simple says simple', () => {
    // mongodb/mongo jstests/core/index/index_creation_on_different_collations.js (36635c8c): listIndexes shows no
    // collation for an index built with { locale: "simple" } on a collection whose default is en_US; written
    // without one, the temporary index would get en_US and serve other queries than the old one.
    const collection = { locale: 'en_US', strength: 2 };
    const desired = withCollectionCollation([desiredIndexOf({ keys: [k('email', 1)], options: { is_unique: true } })], collection);
    const diff = { ...diffDesired('c', desired, [ID, entry({ key: { email: 1 }, name: 'email_1' })]), collectionCollation: collection };
    const [tmp] = planCollection(diff).operations;
    expect(tmp.spec).toEqual({ key: { email: 1, _id: 1 }, name: 'email_1__ir_tmp', collation: { locale: 'simple' } });
  });

  it('same identity (TTL removed, other name): a temporary index bridges the gap', () => {
    const p = plan([{ name: 'by_date', keys: [k('d', 1)] }], [entry({ key: { d: 1 }, name: 'd_1', expireAfterSeconds: 10 })]);
    expect(steps(p)).toEqual(['create by_date__ir_tmp', 'drop d_1', 'create by_date', 'drop by_date__ir_tmp']);
    expect(p.operations[0].reason).toContain('same key and identity options');
  });

  it.each<[string, IndexDefinition, ListIndexesEntry, string]>([
    [
      'text weights',
      { keys: [k('title', 'text')], options: { weights: { title: 3 } } },
      entry({
        key: { _fts: 'text', _ftsx: 1 },
        name: 'title_text',
        weights: { title: 1 },
        default_language: 'english',
        language_override: 'language',
        textIndexVersion: 3,
      }),
      'same name',
    ],
    [
      'wildcard projection',
      { keys: [k('$**', 1)], options: { wildcard_projection: { a: 1 } } },
      entry({ key: { '$**': 1 }, name: '$**_1', wildcardProjection: { b: 1 } }),
      'same name',
    ],
  ])('cannot coexist and no temporary index is possible (%s): drop, then create', (_name, desired, real, why) => {
    const p = plan([desired], [real]);
    expect(p.operations.map((op) => op.kind)).toEqual(['drop', 'create']);
    expect(p.operations[0].reason).toContain(why);
    expect(p.operations[0].reason).toContain('the collection has no such index between this drop and the create');
    expect(p.operations[0].doneWhen).toEqual(p.operations[1].spec);
  });

  it('a hidden old index is simply dropped and recreated: no query uses it', () => {
    const p = plan([{ keys: [k('a', 1)], options: { is_unique: true } }], [entry({ key: { a: 1 }, name: 'a_1', hidden: true })]);
    expect(steps(p)).toEqual(['drop a_1', 'create a_1']);
    expect(p.operations[0].reason).toContain('hidden, so no query uses it');
  });

  it('TTL removed under the same name → rebuild (collMod cannot remove TTL)', () => {
    const p = plan([{ keys: [k('d', 1)] }], [entry({ key: { d: 1 }, name: 'd_1', expireAfterSeconds: 10 })]);
    expect(steps(p)).toEqual(['create d_1__ir_tmp', 'drop d_1', 'create d_1', 'drop d_1__ir_tmp']);
  });

  it('TTL added to a compound-shaped or special index is not a collMod', () => {
    const p = plan(
      [{ keys: [k('loc', '2dsphere')], options: { expire_after_seconds: 5 } }],
      [entry({ key: { loc: '2dsphere' }, name: 'loc_2dsphere' })],
    );
    expect(p.operations.map((op) => op.kind)).not.toContain('modify');
  });

  it('a temporary name already taken falls back to drop then create', () => {
    const p = plan(
      [
        { keys: [k('a', 1)], options: { is_unique: true } },
        { name: 'a_1__ir_tmp', keys: [k('q', 1)] },
      ],
      [entry({ key: { a: 1 }, name: 'a_1' }), entry({ key: { q: 1 }, name: 'a_1__ir_tmp' })],
    );
    expect(steps(p)).toEqual(['drop a_1', 'create a_1']);
  });
});

describe('planCollection: include filters', () => {
  const desired: IndexDefinition[] = [
    { keys: [k('new', 1)] },
    { keys: [k('ttl', 1)], options: { expire_after_seconds: 2 } },
    { keys: [k('u', 1)], options: { is_unique: true } },
  ];
  const real = [
    entry({ key: { old: 1 }, name: 'old_1' }),
    entry({ key: { ttl: 1 }, name: 'ttl_1', expireAfterSeconds: 1 }),
    entry({ key: { u: 1 }, name: 'u_1' }),
  ];

  it.each<[PlanOptions['include'], string[], number]>([
    [undefined, ['modify ttl_1', 'create u_1__ir_tmp', 'drop u_1', 'create u_1', 'drop u_1__ir_tmp', 'create new_1', 'drop old_1'], 0],
    [['create'], ['create new_1'], 1],
    [['drop'], ['drop old_1'], 1],
    [['modify'], ['modify ttl_1'], 1],
    [['create', 'drop'], ['create u_1__ir_tmp', 'drop u_1', 'create u_1', 'drop u_1__ir_tmp', 'create new_1', 'drop old_1'], 0],
  ])('include %j', (include, expected, warnings) => {
    const p = plan(desired, real, { include });
    expect(steps(p)).toEqual(expected);
    expect(p.warnings).toHaveLength(warnings);
    if (warnings > 0) expect(p.warnings[0]).toMatch(/u_1 .*needs a rebuild.*skipped because "(create|drop)" is not included/);
  });
});

describe('planCollection: the 64-index limit', () => {
  const many = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) =>
      entry({ key: { [`${prefix}${String(i).padStart(2, '0')}`]: 1 }, name: `${prefix}${String(i).padStart(2, '0')}_1` }),
    );

  it('at 63 indexes, two creates pull the drop of a redundant index before the second one', () => {
    const kept = many(61, 'f'); // + _id_ + one redundant = 63
    const desired = kept.map((e) => ({ keys: [k(Object.keys(e.key)[0], 1)] }));
    const p = plan([...desired, { keys: [k('n1', 1)] }, { keys: [k('n2', 1)] }], [...kept, entry({ key: { gone: 1 }, name: 'gone_1' })]);
    expect(steps(p)).toEqual(['create n1_1', 'drop gone_1', 'create n2_1']);
    expect(p.operations[1].reason).toContain('dropped early so that c stays within 64 indexes');
    expect(p.warnings).toEqual([]);
  });

  it('warns when the limit cannot be kept', () => {
    const kept = many(62, 'f'); // + _id_ = 63
    const desired = kept.map((e) => ({ keys: [k(Object.keys(e.key)[0], 1)] }));
    const p = plan([...desired, { keys: [k('n1', 1)] }, { keys: [k('n2', 1)] }], kept);
    expect(steps(p)).toEqual(['create n1_1', 'create n2_1']);
    expect(p.warnings).toEqual(['c would have 65 indexes while creating n2_1; MongoDB allows 64: drop indexes first']);
  });

  it('a temporary index counts: at 64 a rebuild first drops a redundant index', () => {
    const kept = many(61, 'f'); // + _id_ + a_1 + redundant = 64
    const desired = kept.map((e) => ({ keys: [k(Object.keys(e.key)[0], 1)] }));
    const p = plan(
      [...desired, { keys: [k('a', 1)], options: { is_unique: true } }],
      [...kept, entry({ key: { a: 1 }, name: 'a_1' }), entry({ key: { gone: 1 }, name: 'gone_1' })],
    );
    expect(steps(p)).toEqual(['drop gone_1', 'create a_1__ir_tmp', 'drop a_1', 'create a_1', 'drop a_1__ir_tmp']);
  });

  it('honours a smaller configured limit', () => {
    const p = plan([{ keys: [k('b', 1)] }], [entry({ key: { a: 1 }, name: 'a_1' })], { maxIndexesPerCollection: 2 });
    expect(steps(p)).toEqual(['drop a_1', 'create b_1']);
  });
});

describe('planCollection: conflicts with indexes that go', () => {
  it('a second text index: the redundant text index is dropped right before the create (one text index per collection)', () => {
    const p = plan(
      [{ name: 'search', keys: [k('body', 'text')] }],
      [entry({ key: { _fts: 'text', _ftsx: 1 }, name: 'title_text', weights: { title: 1 } })],
    );
    expect(steps(p)).toEqual(['drop title_text', 'create search']);
    expect(p.operations[0].reason).toBe(
      'not in the design repository; dropped before search is created because they cannot coexist (one text index per collection)',
    );
  });

  it('an index paired by key whose identity is taken by nothing else: hidden old index, drop then create', () => {
    const p = plan(
      [{ name: 'a_1', keys: [k('a', 1)], options: { sparse: true } }],
      [entry({ key: { a: 1 }, name: 'old', sparse: true, hidden: true, expireAfterSeconds: 1 })],
    );
    expect(steps(p)).toEqual(['drop old', 'create a_1']);
  });

  it('blocks a create whose name an index that stays already has', () => {
    // { p: 1 } named "q_1" matches the DR's index p; the DR's q_1 on another key cannot get that name.
    const p = plan([{ name: 'p', keys: [k('p', 1)] }, { keys: [k('q', 1)] }], [entry({ key: { p: 1 }, name: 'q_1' })]);
    expect(p.operations).toEqual([]);
    expect(p.warnings).toEqual(['cannot create c.q_1: it conflicts with c.q_1 (same name), which this plan keeps; skipped']);
  });
});

describe('buildPlan', () => {
  it('concatenates collections in the order given', () => {
    const a = diffCollection('b_coll', [{ keys: [k('x', 1)] }], [ID]);
    const b = diffCollection('a_coll', [], [ID, entry({ key: { y: 1 }, name: 'y_1' })]);
    const p = buildPlan([a, b]);
    expect(p.operations.map((op) => `${op.collection} ${op.kind} ${op.index}`)).toEqual(['b_coll create x_1', 'a_coll drop y_1']);
  });

  it('every operation has a reason', () => {
    const p = buildPlan([
      diffCollection(
        'c',
        [{ keys: [k('a', 1)], options: { is_unique: true } }, { keys: [k('b', 1)] }],
        [ID, entry({ key: { a: 1 }, name: 'a_1' }), entry({ key: { z: 1 }, name: 'z_1' })],
      ),
    ]);
    for (const op of p.operations) expect(op.reason).toMatch(/\w/);
  });
});
