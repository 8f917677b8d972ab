// Comparison of the design repository with real target indexes through the
// gateway: by database, by collections, offline snapshots, and the errors.
import { CompareResult } from '@ir/contracts';
import { MongoClient } from 'mongodb';
import {
  authedApi,
  type AuthedApi,
  createTargetDatabase,
  defineIndex,
  expectError,
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
  status: 'ok' | 'failed';
  error?: { code: string; message: string };
  collection_exists: boolean;
  missing: Forms[];
  matched: { desired: Forms; real: Real; name_differs: boolean }[];
  redundant: Real[];
  different: { desired: Forms; real: Real; matched_by: 'name' | 'key'; differences: string[] }[];
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
    expect(body.totals).toEqual({ collections: 2, failed_collections: 0, missing: 3, matched: 2, redundant: 1, different: 2 });
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
    expect(body.totals).toEqual({ collections: 1, failed_collections: 0, missing: 1, matched: 2, redundant: 1, different: 2 });
  });

  it('a named collection without DR definitions shows its real indexes (but _id_) as redundant', async () => {
    await mongo.db(target.dbName).collection('extra').createIndex({ x: 1 }, { name: 'x_1' });
    const res = await client.post('/indexes/compare-by-collections').send({ database_id: target.id, collections: ['extra', 'nowhere'] });
    expect(res.status).toBe(200);
    const body = res.body as CompareBody;
    expect(body.collections.map((c) => [c.collection, c.collection_exists, names(c.redundant), c.missing.length])).toEqual([
      ['extra', true, ['x_1'], 0],
      ['nowhere', false, [], 0],
    ]);
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
    const drift = await client.get(`/databases/${db.id}/drift`);
    expect(drift.body).toMatchObject({ compared_at: after.body.compared_at, totals: { missing: 1 } });

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
    expect(body.totals).toEqual({ collections: 1, failed_collections: 0, missing: 0, matched: 3, redundant: 0, different: 0 });
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
