// Comparison of the design repository with real target indexes through the
// gateway: by database, by collections, offline snapshots, and the errors.
import { CompareResult, CompareSummary } from '@ir/contracts';
import { MongoClient } from 'mongodb';
import {
  authedApi,
  type AuthedApi,
  createTargetDatabase,
  defineIndex,
  expectError,
  gateway,
  loggedInUser,
  mongoClient,
  suffix,
  tcpRelay,
} from './support/e2e-client';

interface Forms {
  name: string;
  canonical: Record<string, unknown>;
  mongodb: Record<string, unknown>;
}
interface Real extends Forms {
  usage?: unknown;
  safe_drop_candidate?: boolean;
}
interface CollectionBody {
  collection: string;
  status: 'ok' | 'failed' | 'not_found';
  error?: { code: string; message: string };
  collection_exists: boolean;
  missing: Forms[];
  matched: { desired: Forms; real: Real; name_differs: boolean }[];
  redundant: Real[];
  different: { desired: Forms; real: Real; matched_by: 'name' | 'key'; differences: string[]; values: OptionValues[] }[];
}
interface OptionValues {
  option: string;
  dr: unknown;
  target: unknown;
}
interface CompareBody {
  database_id: string;
  db_name: string;
  source: 'live' | 'snapshot';
  compared_at: string;
  usage: { supported: boolean; reason?: string };
  totals: Record<string, number>;
  collections: CollectionBody[];
}

let client: AuthedApi;
let mongo: MongoClient;
const targetDbs: string[] = [];

beforeAll(async () => {
  const user = await loggedInUser();
  client = authedApi(user.tokens.access_token);
  mongo = await mongoClient();
});

afterAll(async () => {
  for (const name of targetDbs) await mongo?.db(name).dropDatabase();
  await mongo?.close();
});

const names = (items: { name: string }[]): string[] => items.map((i) => i.name).sort();

/**
 * orders on the target: status_1 (DR: same), by_customer (DR: same key as
 * cust_created), legacy_1 (not in the DR), email_1 (DR: unique), code_idx
 * (DR: code_idx on another key); the DR also has sku_1 (missing) and two
 * indexes on ghost, a collection the target does not have.
 */
async function scenario(): Promise<{ id: string; dbName: string }> {
  const dbName = `cmp_${suffix()}`;
  targetDbs.push(dbName);
  const orders = mongo.db(dbName).collection('orders');
  await orders.insertMany([
    { status: 1, customer: 'c1', created: 1, legacy: true, email: 'a@x.test', code: 'a', ref: 1 },
    { status: 2, customer: 'c2', created: 2, legacy: false, email: 'b@x.test', code: 'b', ref: 2 },
  ]);
  await orders.createIndex({ status: 1 }, { name: 'status_1' });
  await orders.createIndex({ customer: 1, created: -1 }, { name: 'by_customer' });
  await orders.createIndex({ legacy: 1 }, { name: 'legacy_1' });
  await orders.createIndex({ email: 1 }, { name: 'email_1' });
  await orders.createIndex({ code: 1 }, { name: 'code_idx' });

  const db = await createTargetDatabase(client, { db_name: dbName });
  await defineIndex(client, db.id, 'orders', [{ field: 'status', value: 1 }]);
  await defineIndex(
    client,
    db.id,
    'orders',
    [
      { field: 'customer', value: 1 },
      { field: 'created', value: -1 },
    ],
    { name: 'cust_created' },
  );
  await defineIndex(client, db.id, 'orders', [{ field: 'email', value: 1 }], { options: { is_unique: true } });
  await defineIndex(client, db.id, 'orders', [{ field: 'ref', value: 1 }], { name: 'code_idx' });
  await defineIndex(client, db.id, 'orders', [{ field: 'sku', value: 1 }]);
  await defineIndex(client, db.id, 'ghost', [{ field: 'a', value: 1 }]);
  await defineIndex(client, db.id, 'ghost', [{ field: 'b', value: -1 }]);
  return { id: db.id, dbName };
}

describe('POST /indexes/compare-by-database', () => {
  let target: { id: string; dbName: string };
  let body: CompareBody;

  beforeAll(async () => {
    target = await scenario();
    const res = await client.post('/indexes/compare-by-database').send({ database_id: target.id });
    expect(res.status).toBe(200);
    body = res.body as CompareBody;
  });

  it('answers for the database, live, with the totals of every collection that has DR definitions', () => {
    // The gateway passes the comparator's answer on unparsed: its shape is checked here.
    expect(CompareResult.safeParse(body).error).toBeUndefined();
    expect(body).toMatchObject({ database_id: target.id, db_name: target.dbName, source: 'live' });
    expect(Number.isNaN(Date.parse(body.compared_at))).toBe(false);
    expect(body.collections.map((c) => c.collection)).toEqual(['ghost', 'orders']);
    // name_differs: cust_created is matched by by_customer (and counted in matched too).
    expect(body.totals).toEqual({
      collections: 2,
      failed_collections: 0,
      not_found_collections: 0,
      missing: 3,
      matched: 2,
      name_differs: 1,
      redundant: 1,
      different: 2,
    });
  });

  it('sorts the indexes of orders into matched, missing, redundant and different', () => {
    const orders = body.collections.find((c) => c.collection === 'orders') as CollectionBody;
    expect(orders).toMatchObject({ status: 'ok', collection_exists: true });
    expect(orders.error).toBeUndefined();

    const matched = orders.matched.map((m) => ({ desired: m.desired.name, real: m.real.name, name_differs: m.name_differs }));
    expect(matched).toEqual([
      { desired: 'cust_created', real: 'by_customer', name_differs: true },
      { desired: 'status_1', real: 'status_1', name_differs: false },
    ]);
    expect(names(orders.missing)).toEqual(['sku_1']);
    // _id_ exists on the target and is not in the DR, yet it is never redundant.
    expect(names(orders.redundant)).toEqual(['legacy_1']);

    const different = Object.fromEntries(orders.different.map((d) => [d.desired.name, d]));
    expect(Object.keys(different).sort()).toEqual(['code_idx', 'email_1']);
    expect(different.code_idx).toMatchObject({ matched_by: 'name', real: { name: 'code_idx' } });
    expect(different.code_idx.differences).toContain('key');
    expect(different.email_1).toMatchObject({ matched_by: 'name', real: { name: 'email_1' } });
    expect(different.email_1.differences).toEqual(['unique']);
    // Both values of every differing option: the DR's and the target's (null: the target has none).
    expect(different.email_1.values).toEqual([{ option: 'unique', dr: true, target: null }]);
    expect(different.code_idx.values).toEqual([{ option: 'key', dr: { ref: 1 }, target: { code: 1 } }]);
  });

  it('gives every index both its canonical and its MongoDB form', () => {
    const orders = body.collections.find((c) => c.collection === 'orders') as CollectionBody;
    const all: Forms[] = [
      ...orders.missing,
      ...orders.redundant,
      ...orders.matched.flatMap((m) => [m.desired, m.real]),
      ...orders.different.flatMap((d) => [d.desired, d.real]),
    ];
    expect(all).toHaveLength(1 + 1 + 4 + 4);
    for (const index of all) {
      expect(index).toMatchObject({ name: expect.any(String), canonical: expect.any(Object), mongodb: expect.any(Object) });
      expect(index.mongodb).toMatchObject({ key: expect.any(Object), name: index.name });
    }
    expect(orders.missing[0].mongodb).toEqual({ key: { sku: 1 }, name: 'sku_1' });
    const email = orders.different.find((d) => d.desired.name === 'email_1');
    expect(email?.desired.mongodb).toMatchObject({ key: { email: 1 }, name: 'email_1', unique: true });
    expect(email?.real.mongodb).toMatchObject({ key: { email: 1 }, name: 'email_1' });
    expect(email?.real.mongodb.unique).not.toBe(true);
  });

  it('reports a collection the target does not have, with every DR index missing', () => {
    const ghost = body.collections.find((c) => c.collection === 'ghost');
    expect(ghost).toMatchObject({ status: 'ok', collection_exists: false, matched: [], redundant: [], different: [] });
    expect(names(ghost?.missing ?? [])).toEqual(['a_1', 'b_-1']);
  });

  it('says that usage is not available, and why ($indexStats on FerretDB)', () => {
    expect(body.usage.supported).toBe(false);
    expect(body.usage.reason).toMatch(/does not support \$indexStats/);
    const orders = body.collections.find((c) => c.collection === 'orders') as CollectionBody;
    for (const real of orders.redundant) {
      expect(real.usage).toBeUndefined();
      expect(real.safe_drop_candidate).toBeUndefined();
    }
  });
});

describe('POST /indexes/compare-by-collections', () => {
  let target: { id: string; dbName: string };

  beforeAll(async () => {
    target = await scenario();
  });

  it('compares only the named collections', async () => {
    const res = await client.post('/indexes/compare-by-collections').send({ database_id: target.id, collections: ['orders'] });
    expect(res.status).toBe(200);
    const body = res.body as CompareBody;
    expect(body.collections.map((c) => c.collection)).toEqual(['orders']);
    expect(body.totals).toEqual({
      collections: 1,
      failed_collections: 0,
      not_found_collections: 0,
      missing: 1,
      matched: 2,
      name_differs: 1,
      redundant: 1,
      different: 2,
    });
  });

  it('a named collection without DR definitions shows its real indexes (but _id_) as redundant', async () => {
    await mongo.db(target.dbName).collection('extra').createIndex({ x: 1 }, { name: 'x_1' });
    const res = await client.post('/indexes/compare-by-collections').send({ database_id: target.id, collections: ['extra', 'nowhere'] });
    expect(res.status).toBe(200);
    const body = res.body as CompareBody;
    expect(body.collections.map((c) => [c.collection, c.status, c.collection_exists, names(c.redundant), c.missing.length])).toEqual([
      ['extra', 'ok', true, ['x_1'], 0],
      ['nowhere', 'not_found', false, [], 0],
    ]);
    expect(body.totals).toMatchObject({ collections: 2, not_found_collections: 1, redundant: 1 });
    // What is recorded as drift has the collection that is there, not the one that is nowhere.
    const drift = await client.get(`/databases/${target.id}/drift`);
    expect(drift.status).toBe(200);
    const stored = (drift.body as CompareBody).collections.map((c) => c.collection);
    expect(stored).toContain('extra');
    expect(stored).not.toContain('nowhere');
  });

  it('a misspelt collection answers clearly and writes no drift', async () => {
    const before = await client.get(`/databases/${target.id}/drift`);
    const res = await client.post('/indexes/compare-by-collections').send({ database_id: target.id, collections: ['ordres'] });
    expect(res.status).toBe(200);
    const body = res.body as CompareBody;
    expect(body.collections).toEqual([
      { collection: 'ordres', status: 'not_found', collection_exists: false, missing: [], matched: [], redundant: [], different: [] },
    ]);
    expect(body.totals).toMatchObject({ collections: 1, not_found_collections: 1, missing: 0, redundant: 0 });
    const after = await client.get(`/databases/${target.id}/drift`);
    expect((after.body as CompareBody).collections.map((c) => c.collection)).not.toContain('ordres');
    // Not even its time: the stored drift is the one before (or a scan's since), never this compare's.
    expect((after.body as CompareBody).compared_at).not.toBe(body.compared_at);
    expect(before.status).toBe(200);
  });

  it('a compare after the database was moved to another db_name reads the new one', async () => {
    const [first, second] = [`cmp_move_a_${suffix()}`, `cmp_move_b_${suffix()}`];
    await mongo.db(first).collection('orders').createIndex({ a: 1 });
    await mongo.db(second).collection('orders').createIndex({ b: 1 });
    const db = await createTargetDatabase(client, { db_name: first });
    await defineIndex(client, db.id, 'orders', [{ field: 'a', value: 1 }]);
    const before = await client.post('/indexes/compare-by-database').send({ database_id: db.id });
    expect(before.body.totals).toMatchObject({ matched: 1, missing: 0, redundant: 0 });
    // The comparator starts reading with what it knew (the first db) while the registry says what changed.
    expect((await client.put(`/databases/${db.id}`).send({ db_name: second })).status).toBe(200);
    const after = await client.post('/indexes/compare-by-database').send({ database_id: db.id });
    expect(after.body).toMatchObject({ db_name: second, totals: { matched: 0, missing: 1, redundant: 1 } });
  });

  it('a large answer is gzipped for a client that accepts it, plain for one that does not, and follows the target between compares', async () => {
    // 60 collections of 4 indexes: about 100 KB of JSON, above the 64 KiB from which answers travel gzipped.
    const dbName = `cmp_large_${suffix()}`;
    targetDbs.push(dbName);
    const collections: Record<string, { name: string; keys: { field: string; value: number }[] }[]> = {};
    for (let c = 0; c < 60; c += 1) {
      const fields = ['a', 'b', 'c', 'd'].map((f) => `${f}${c}`);
      collections[`col${c}`] = fields.map((field) => ({ name: `${field}_1`, keys: [{ field, value: 1 }] }));
      await mongo
        .db(dbName)
        .collection(`col${c}`)
        .createIndexes(fields.map((field) => ({ key: { [field]: 1 }, name: `${field}_1` })));
    }
    const db = await createTargetDatabase(client, { db_name: dbName });
    expect((await client.put(`/databases/${db.id}/manifest`).send({ version: 1, collections })).status).toBe(200);

    const gzipped = await client.post('/indexes/compare-by-database').set('Accept-Encoding', 'gzip').send({ database_id: db.id });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(Number(gzipped.headers['content-length'])).toBeLessThan(JSON.stringify(gzipped.body).length / 5);
    expect(CompareResult.safeParse(gzipped.body).error).toBeUndefined();
    expect(gzipped.body.totals).toMatchObject({ collections: 60, matched: 240, missing: 0, redundant: 0 });

    // The second compare finds what the first did, from memory: the same answer but for its time.
    const plain = await client.post('/indexes/compare-by-database').set('Accept-Encoding', 'identity').send({ database_id: db.id });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect({ ...plain.body, compared_at: undefined }).toEqual({ ...gzipped.body, compared_at: undefined });

    await mongo.db(dbName).collection('col7').dropIndex('b7_1');
    const after = await client.post('/indexes/compare-by-database').send({ database_id: db.id });
    expect(after.body.totals).toMatchObject({ matched: 239, missing: 1 });
    expect(after.body.collections.find((c: CollectionBody) => c.collection === 'col7').missing.map((i: Forms) => i.name)).toEqual(['b7_1']);
    // Stored by this compare, or by the scan the manifest's registry events made due, which may run
    // just after it and finds the same: never an older result.
    const drift = await client.get(`/databases/${db.id}/drift`);
    expect(drift.body).toMatchObject({ totals: { missing: 1 } });
    expect(Date.parse(drift.body.compared_at)).toBeGreaterThanOrEqual(Date.parse(after.body.compared_at));

    // A new definition, the target unchanged: the collection is compared again, not taken from memory.
    await defineIndex(client, db.id, 'col9', [{ field: 'z9', value: 1 }]);
    const redefined = await client.post('/indexes/compare-by-database').send({ database_id: db.id });
    expect(redefined.body.totals).toMatchObject({ matched: 239, missing: 2 });
    expect(redefined.body.collections.find((c: CollectionBody) => c.collection === 'col9').missing.map((i: Forms) => i.name)).toEqual([
      'z9_1',
    ]);
  });

  it('an unknown database is a 404', async () => {
    const res = await client.post('/indexes/compare-by-collections').send({ database_id: 'f'.repeat(24), collections: ['orders'] });
    expectError(res, 404);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['no collections', { collections: [] }, 'collections', 'too_small'],
    ['a collection name with $', { collections: ['a$b'] }, 'collections.0', 'custom'],
    ['an unknown field', { collections: ['orders'], extra: 1 }, 'extra', 'unknown_field'],
    ['a malformed id', { database_id: 'nope', collections: ['orders'] }, 'database_id', 'invalid_format'],
  ])('an invalid body (%s) is a 400 that names the field', async (_label, patch, field, rule) => {
    const res = await client.post('/indexes/compare-by-collections').send({ database_id: target.id, ...patch });
    expectError(res, 400);
    expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
  });

  it('a target that stopped answering connections is a 502 with a clear message and no stack trace', async () => {
    const relay = await tcpRelay();
    const dbName = `cmp_gone_${suffix()}`;
    let id: string;
    try {
      id = (await createTargetDatabase(client, { uri: relay.uri, db_name: dbName })).id;
      await defineIndex(client, id, 'orders', [{ field: 'a', value: 1 }]);
    } finally {
      await relay.close();
    }
    const started = Date.now();
    const res = await client.post('/indexes/compare-by-collections').send({ database_id: id, collections: ['orders'] });
    expectError(res, 502);
    expect(res.body.message).toMatch(/cannot reach the target database/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a target that goes away after it was read is a 502 in one server selection time, whatever its number of collections', async () => {
    const relay = await tcpRelay();
    const dbName = `cmp_went_${suffix()}`;
    let id: string;
    try {
      id = (await createTargetDatabase(client, { uri: relay.uri, db_name: dbName })).id;
      for (let c = 0; c < 40; c += 1) await defineIndex(client, id, `c${c}`, [{ field: 'a', value: 1 }]);
      // The comparator now holds a connected client to the target.
      expect((await client.post('/indexes/compare-by-database').send({ database_id: id })).status).toBe(200);
    } finally {
      await relay.close();
    }
    const started = Date.now();
    const res = await client.post('/indexes/compare-by-database').send({ database_id: id });
    expectError(res, 502);
    expect(res.body.message).toMatch(/cannot reach/);
    // TARGET_CONNECT_TIMEOUT is 2s here; reading the 40 collections 8 at a time would take five times that.
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});

describe('?view=summary', () => {
  let target: { id: string; dbName: string };

  beforeAll(async () => {
    target = await scenario();
  });

  interface SummaryCollection {
    collection: string;
    status: string;
    collection_exists: boolean;
    counts: Record<string, number>;
    missing: { name: string; spec: Record<string, unknown> }[];
    redundant: { name: string; spec: Record<string, unknown> }[];
    different: { name: string; target_name: string; matched_by: string; values: OptionValues[] }[];
    name_differs: { name: string; target_name: string }[];
  }

  it('gives the counts per collection and only what is not matched, each index once, in a fraction of the full answer', async () => {
    const full = await client.post('/indexes/compare-by-database').send({ database_id: target.id });
    const res = await client.post('/indexes/compare-by-database?view=summary').send({ database_id: target.id });
    expect(res.status).toBe(200);
    expect(CompareSummary.safeParse(res.body).error).toBeUndefined();
    const body = res.body as { view: string; totals: unknown; collections: SummaryCollection[] };
    expect(body.view).toBe('summary');
    expect(body.totals).toEqual((full.body as CompareBody).totals);
    const orders = body.collections.find((c) => c.collection === 'orders') as SummaryCollection;
    expect(orders).toEqual({
      collection: 'orders',
      status: 'ok',
      collection_exists: true,
      counts: { missing: 1, matched: 2, name_differs: 1, redundant: 1, different: 2 },
      missing: [{ name: 'sku_1', spec: { key: { sku: 1 }, name: 'sku_1' } }],
      redundant: [{ name: 'legacy_1', spec: expect.objectContaining({ key: { legacy: 1 }, name: 'legacy_1' }) }],
      different: expect.arrayContaining([
        { name: 'email_1', target_name: 'email_1', matched_by: 'name', values: [{ option: 'unique', dr: true, target: null }] },
        { name: 'code_idx', target_name: 'code_idx', matched_by: 'name', values: [{ option: 'key', dr: { ref: 1 }, target: { code: 1 } }] },
      ]),
      name_differs: [{ name: 'cust_created', target_name: 'by_customer' }],
    });
    // status_1, matched under its own name, is only counted.
    expect(res.text).not.toContain('status_1');
    const ghost = body.collections.find((c) => c.collection === 'ghost');
    expect(ghost).toMatchObject({ status: 'ok', collection_exists: false, counts: { missing: 2 } });
    expect(res.text.length).toBeLessThan(full.text.length / 2);
  });

  it('?view=full is the default answer, and compare-by-collections takes the view too', async () => {
    const full = await client.post('/indexes/compare-by-collections?view=full').send({ database_id: target.id, collections: ['orders'] });
    expect(full.status).toBe(200);
    expect(CompareResult.safeParse(full.body).error).toBeUndefined();
    expect(full.body).not.toHaveProperty('view');
    const summary = await client
      .post('/indexes/compare-by-collections?view=summary')
      .send({ database_id: target.id, collections: ['orders', 'ordres'] });
    expect(summary.status).toBe(200);
    const collections = (summary.body as { collections: SummaryCollection[] }).collections;
    expect(collections.map((c) => [c.collection, c.status])).toEqual([
      ['orders', 'ok'],
      ['ordres', 'not_found'],
    ]);
  });

  it('the OpenAPI document lists view on every compare route, with its two values', async () => {
    const res = await gateway().get('/docs/openapi.json');
    type Parameter = { name: string; in: string; schema?: { enum?: string[] } };
    const paths = res.body.paths as Record<string, Record<string, { parameters?: Parameter[] }>>;
    for (const route of ['compare-by-database', 'compare-by-collections', 'compare-snapshot']) {
      const query = (paths[`/api/doctor-manager-api/v1/indexes/${route}`].post.parameters ?? []).filter((p) => p.in === 'query');
      expect(query).toEqual([expect.objectContaining({ name: 'view', schema: expect.objectContaining({ enum: ['full', 'summary'] }) })]);
    }
  });

  it('an unknown view or query parameter is a 400 naming it', async () => {
    const badView = await client.post('/indexes/compare-by-database?view=brief').send({ database_id: target.id });
    expectError(badView, 400);
    expect(badView.body.issues).toEqual([expect.objectContaining({ field: 'view' })]);
    const unknown = await client.post('/indexes/compare-by-database?veiw=summary').send({ database_id: target.id });
    expectError(unknown, 400);
    expect(unknown.body.issues).toEqual([expect.objectContaining({ field: 'veiw', rule: 'unknown_parameter' })]);
    // In the body, where the original contract has no such field, it stays unknown.
    const inBody = await client.post('/indexes/compare-by-database').send({ database_id: target.id, view: 'summary' });
    expectError(inBody, 400);
  });
});

describe('POST /indexes/compare-snapshot', () => {
  let target: { id: string; dbName: string };

  beforeAll(async () => {
    const db = await createTargetDatabase(client);
    target = { id: db.id, dbName: db.db_name };
    await defineIndex(client, target.id, 'articles', [{ field: 'a', value: 1 }]);
    await defineIndex(
      client,
      target.id,
      'articles',
      [
        { field: 'title', value: 'text' },
        { field: 'body', value: 'text' },
      ],
      { name: 'search', options: { weights: { title: 5 } } },
    );
    await defineIndex(client, target.id, 'articles', [{ field: 'label', value: 1 }], { options: { collation: { locale: 'fr' } } });
  });

  // What mongosh's EJSON.stringify(getIndexes()) prints for those indexes on a real MongoDB: every default filled in.
  const exported = [
    { v: { $numberInt: '2' }, key: { _id: { $numberInt: '1' } }, name: '_id_' },
    { v: { $numberInt: '2' }, key: { a: { $numberLong: '1' } }, name: 'a_1' },
    {
      v: { $numberInt: '2' },
      key: { _fts: 'text', _ftsx: { $numberInt: '1' } },
      name: 'search',
      weights: { body: { $numberInt: '1' }, title: { $numberInt: '5' } },
      default_language: 'english',
      language_override: 'language',
      textIndexVersion: { $numberInt: '3' },
    },
    {
      v: { $numberInt: '2' },
      key: { label: { $numberDouble: '1.0' } },
      name: 'label_1',
      collation: {
        locale: 'fr',
        caseLevel: false,
        caseFirst: 'off',
        strength: { $numberInt: '3' },
        numericOrdering: false,
        alternate: 'non-ignorable',
        maxVariable: 'punct',
        normalization: false,
        backwards: false,
        version: '57.1',
      },
    },
  ];

  it('matches indexes FerretDB could never hold: server-filled defaults are not differences', async () => {
    const res = await client
      .post('/indexes/compare-snapshot')
      .send({ database_id: target.id, collections: [{ name: 'articles', indexes: exported }] });
    expect(res.status).toBe(200);
    const body = res.body as CompareBody;
    expect(body).toMatchObject({ database_id: target.id, db_name: target.dbName, source: 'snapshot', usage: { supported: false } });
    expect(body.totals).toEqual({
      collections: 1,
      failed_collections: 0,
      not_found_collections: 0,
      missing: 0,
      matched: 3,
      name_differs: 0,
      redundant: 0,
      different: 0,
    });
    const articles = body.collections[0];
    expect(articles.matched.map((m) => [m.desired.name, m.real.name, m.name_differs])).toEqual([
      ['a_1', 'a_1', false],
      ['label_1', 'label_1', false],
      ['search', 'search', false],
    ]);
    const text = articles.matched.find((m) => m.desired.name === 'search');
    expect(text?.real.mongodb).toMatchObject({ key: { _fts: 'text', _ftsx: 1 }, weights: { body: 1, title: 5 } });
  });

  it('a real difference in a snapshot still shows', async () => {
    const changed = exported.map((e) =>
      e.name === 'search' ? { ...e, weights: { body: { $numberInt: '1' }, title: { $numberInt: '2' } } } : e,
    );
    const res = await client
      .post('/indexes/compare-snapshot')
      .send({ database_id: target.id, collections: [{ name: 'articles', indexes: changed }] });
    expect(res.status).toBe(200);
    const articles = (res.body as CompareBody).collections[0];
    expect(articles.different.map((d) => [d.desired.name, d.matched_by, d.differences])).toEqual([['search', 'name', ['textWeights']]]);
    expect(articles.different[0].values).toEqual([{ option: 'textWeights', dr: { body: 1, title: 5 }, target: { body: 1, title: 2 } }]);
    const summary = await client
      .post('/indexes/compare-snapshot?view=summary')
      .send({ database_id: target.id, collections: [{ name: 'articles', indexes: changed }] });
    expect(summary.status).toBe(200);
    expect(CompareSummary.safeParse(summary.body).error).toBeUndefined();
    expect((summary.body as { collections: unknown[] }).collections).toEqual([
      expect.objectContaining({
        counts: { missing: 0, matched: 2, name_differs: 0, redundant: 0, different: 1 },
        different: [
          {
            name: 'search',
            target_name: 'search',
            matched_by: 'name',
            values: [{ option: 'textWeights', dr: { body: 1, title: 5 }, target: { body: 1, title: 2 } }],
          },
        ],
      }),
    ]);
  });

  it('a snapshot entry without a key is a 400 that names the entry', async () => {
    const res = await client.post('/indexes/compare-snapshot').send({
      database_id: target.id,
      collections: [
        { name: 'articles', indexes: exported },
        { name: 'other', indexes: [{ v: 2, name: 'a_1' }] },
      ],
    });
    expectError(res, 400);
    expect(res.body.issues).toEqual([expect.objectContaining({ field: 'collections.1.indexes.0', rule: 'list_indexes_entry' })]);
  });

  it('an unknown database is a 404', async () => {
    const res = await client
      .post('/indexes/compare-snapshot')
      .send({ database_id: 'e'.repeat(24), collections: [{ name: 'articles', indexes: exported }] });
    expectError(res, 404);
  });
});
