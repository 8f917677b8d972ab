// Import of a live database's indexes into the design repository (reverse sync)
// through the gateway, and the validation of the sync endpoints, which the
// gateway answers without the executor.
import { MongoClient } from 'mongodb';
import {
  api,
  authedApi,
  type AuthedApi,
  createTargetDatabase,
  eventually,
  expectError,
  expectNoStackTrace,
  loggedInUser,
  mongoClient,
  suffix,
  tcpRelay,
} from './support/e2e-client';

interface Item {
  collection: string;
  name: string;
  reason: string;
}
interface Difference {
  collection: string;
  name: string;
  definition_name: string;
  fields: string[];
  defined: Record<string, unknown>;
  live: Record<string, unknown>;
  resolution: 'kept' | 'overwritten';
}
interface ImportBody {
  import_id: string;
  database_id: string;
  dry_run: boolean;
  imported: number;
  created: { collection: string; name: string }[];
  skipped: Item[];
  differences: Difference[];
  failed: Item[];
  counts: { imported: number; skipped: number; differences: number; failed: number };
}
interface Definition {
  id: string;
  collection: string;
  name: string;
  keys: { field: string; value: number | string }[];
  options: Record<string, unknown>;
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

/** Indexes FerretDB supports: compound, descending, unique, single; and a collection with only `_id_`. */
const EXPECTED = [
  { collection: 'orders', name: 'status_1_created_at_-1' },
  { collection: 'orders', name: 'total_-1' },
  { collection: 'users', name: 'email_1' },
  { collection: 'users', name: 'name_1' },
];

async function seedTarget(): Promise<string> {
  const dbName = `import_${suffix()}`;
  targetDbs.push(dbName);
  const db = mongo.db(dbName);
  await db.collection('orders').createIndexes([{ key: { status: 1, created_at: -1 } }, { key: { total: -1 } }]);
  await db.collection('users').createIndexes([{ key: { email: 1 }, unique: true }, { key: { name: 1 } }]);
  await db.createCollection('logs');
  return dbName;
}

async function importIndexes(body: Record<string, unknown>): Promise<ImportBody> {
  const res = await client.post('/indexes/sync-from-database').send(body);
  if (res.status !== 200) throw new Error(`import failed: ${res.status} ${res.text}`);
  return res.body as ImportBody;
}

async function definitions(databaseId: string, collection: string): Promise<Definition[]> {
  const res = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection, limit: 100 });
  if (res.status !== 200) throw new Error(`list failed: ${res.status} ${res.text}`);
  return (res.body as { items: Definition[] }).items;
}

const sorted = (items: { collection: string; name: string }[]) =>
  items
    .map(({ collection, name }) => ({ collection, name }))
    .sort((a, b) => `${a.collection}.${a.name}`.localeCompare(`${b.collection}.${b.name}`));

describe('POST /indexes/sync-from-database', () => {
  let databaseId: string;

  beforeAll(async () => {
    const dbName = await seedTarget();
    databaseId = (await createTargetDatabase(client, { db_name: dbName })).id;
  });

  it('imports every real index but _id_, after which a compare shows everything matched', async () => {
    const result = await importIndexes({ database_id: databaseId });
    expect(result).toMatchObject({ database_id: databaseId, dry_run: false, imported: 4, skipped: [], differences: [], failed: [] });
    expect(result.counts).toEqual({ imported: 4, skipped: 0, differences: 0, failed: 0 });
    expect(sorted(result.created)).toEqual(EXPECTED);

    // Every import has a record: the same result, who asked, how it was started.
    const record = await client.get(`/indexes/import-status/${result.import_id}`);
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({
      import_id: result.import_id,
      database_id: databaseId,
      trigger: 'request',
      status: 'completed',
      dry_run: false,
      requested_by: { kind: 'user' },
      result: { counts: result.counts },
      error: null,
    });

    const orders = await definitions(databaseId, 'orders');
    const users = await definitions(databaseId, 'users');
    expect(sorted([...orders, ...users])).toEqual(EXPECTED);
    expect(await definitions(databaseId, 'logs')).toEqual([]);
    expect(users.find((d) => d.name === 'email_1')).toMatchObject({ keys: [{ field: 'email', value: 1 }], options: { is_unique: true } });
    expect(orders.find((d) => d.name === 'status_1_created_at_-1')?.keys).toEqual([
      { field: 'status', value: 1 },
      { field: 'created_at', value: -1 },
    ]);

    const compare = await client.post('/indexes/compare-by-database').send({ database_id: databaseId });
    expect(compare.status).toBe(200);
    expect(compare.body.totals).toMatchObject({ failed_collections: 0, missing: 0, matched: 4, redundant: 0, different: 0 });
  });

  it('skips, with the reason, what is already defined exactly when imported again', async () => {
    const result = await importIndexes({ database_id: databaseId });
    expect(result.counts).toEqual({ imported: 0, skipped: 4, differences: 0, failed: 0 });
    expect(sorted(result.skipped)).toEqual(EXPECTED);
    for (const item of result.skipped) expect(item.reason).toMatch(/already defined/);
  });

  it('with on_conflict overwrite, restores a definition changed in the DR from the real index', async () => {
    const total = (await definitions(databaseId, 'orders')).find((d) => d.name === 'total_-1')!;
    const changed = await client.put(`/indexes/${total.id}`).send({ keys: [{ field: 'total', value: 1 }], options: { sparse: true } });
    expect(changed.status).toBe(200);

    // The live index differs from the definition of its name: a difference with both forms, never "already exists".
    const kept = await importIndexes({ database_id: databaseId, collections: ['orders'] });
    expect(kept.counts).toEqual({ imported: 0, skipped: 1, differences: 1, failed: 0 });
    expect(kept.skipped.map((i) => i.name)).toEqual(['status_1_created_at_-1']);
    expect(kept.differences).toEqual([
      {
        collection: 'orders',
        name: 'total_-1',
        definition_name: 'total_-1',
        fields: expect.arrayContaining(['key', 'sparse']),
        defined: { name: 'total_-1', keys: [{ field: 'total', value: 1 }], options: { sparse: true } },
        live: { name: 'total_-1', keys: [{ field: 'total', value: -1 }] },
        resolution: 'kept',
      },
    ]);
    expect((await client.get(`/indexes/${total.id}`)).body).toMatchObject({
      keys: [{ field: 'total', value: 1 }],
      options: { sparse: true },
    });

    const result = await importIndexes({ database_id: databaseId, collections: ['orders'], on_conflict: 'overwrite' });
    expect(result.counts).toEqual({ imported: 1, skipped: 1, differences: 1, failed: 0 });
    expect(result.differences[0]?.resolution).toBe('overwritten');
    const restored = await client.get(`/indexes/${total.id}`);
    expect(restored.body).toMatchObject({ name: 'total_-1', keys: [{ field: 'total', value: -1 }], options: {} });

    const compare = await client.post('/indexes/compare-by-database').send({ database_id: databaseId });
    expect(compare.body.totals).toMatchObject({ missing: 0, matched: 4, redundant: 0, different: 0 });
  });

  it('reads only the given collections', async () => {
    const dbName = await seedTarget();
    const other = (await createTargetDatabase(client, { db_name: dbName })).id;
    const result = await importIndexes({ database_id: other, collections: ['users', 'nothing_here'] });
    expect(result.counts).toEqual({ imported: 2, skipped: 0, differences: 0, failed: 0 });
    expect(sorted(await definitions(other, 'users'))).toEqual(EXPECTED.filter((e) => e.collection === 'users'));
    expect(await definitions(other, 'orders')).toEqual([]);
  });

  it('a dry run answers what it would import and writes nothing, and is recorded as one', async () => {
    const dbName = await seedTarget();
    const other = (await createTargetDatabase(client, { db_name: dbName })).id;
    const result = await importIndexes({ database_id: other, dry_run: true });
    expect(result).toMatchObject({ dry_run: true, imported: 4, differences: [], failed: [] });
    expect(sorted(result.created)).toEqual(EXPECTED);
    expect(await definitions(other, 'orders')).toEqual([]);
    expect(await definitions(other, 'users')).toEqual([]);
    const history = await client.get(`/indexes/import-status/by-database/${other}?limit=5`);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ total: 1, items: [{ import_id: result.import_id, dry_run: true, status: 'completed' }] });
  });

  it('answers 404 for an unknown database', async () => {
    expectError(await client.post('/indexes/sync-from-database').send({ database_id: 'f'.repeat(24) }), 404);
  });

  it.each([
    ['a bad id', { database_id: 'nope' }],
    ['a missing id', {}],
    ['an unknown on_conflict', { database_id: 'f'.repeat(24), on_conflict: 'merge' }],
    ['an empty collection list', { database_id: 'f'.repeat(24), collections: [] }],
    ['a system collection', { database_id: 'f'.repeat(24), collections: ['system.users'] }],
    ['an unknown field', { database_id: 'f'.repeat(24), dryrun: true }],
    ['a dry_run that is not a boolean', { database_id: 'f'.repeat(24), dry_run: 'yes' }],
  ])('answers 400 for %s', async (_what, body) => {
    expectError(await client.post('/indexes/sync-from-database').send(body), 400);
  });

  it('answers 502/504 when the target cannot be reached', async () => {
    const relay = await tcpRelay();
    const dbName = await seedTarget();
    const unreachable = (await createTargetDatabase(client, { uri: relay.uri, db_name: dbName })).id;
    await relay.close();
    const res = await client.post('/indexes/sync-from-database').send({ database_id: unreachable });
    expect([502, 504]).toContain(res.status);
    expectNoStackTrace(res.text);
  });
});

describe('import_indexes on database creation', () => {
  it('imports the target’s indexes in the background', async () => {
    const dbName = await seedTarget();
    const created = await createTargetDatabase(client, { db_name: dbName, import_indexes: true });
    expect(created.import_requested).toBe(true);
    expect(created.import_id).toMatch(/^[0-9a-f]{24}$/);
    let found: Definition[] = [];
    const done = await eventually(
      async () => {
        found = [...(await definitions(created.id, 'orders')), ...(await definitions(created.id, 'users'))];
        return found.length >= EXPECTED.length;
      },
      10_000,
      250,
    );
    expect(done).toBe(true);
    expect(sorted(found)).toEqual(EXPECTED);

    // Its status, under the id the creation answered: who asked, and what it did.
    let record: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
    const ended = await eventually(
      async () => {
        record = await client.get(`/indexes/import-status/${created.import_id}`);
        return record.status === 200 && record.body.status === 'completed';
      },
      10_000,
      250,
    );
    expect(ended).toBe(true);
    expect(record.body).toMatchObject({
      trigger: 'database_created',
      requested_by: { kind: 'user' },
      result: { import_id: created.import_id, counts: { imported: 4, failed: 0 } },
    });
  });

  it('an import of another project is not found, and its history neither', async () => {
    const dbName = await seedTarget();
    const created = await createTargetDatabase(client, { db_name: dbName });
    const result = await importIndexes({ database_id: created.id, dry_run: true });
    const stranger = authedApi((await loggedInUser()).tokens.access_token);
    expectError(await stranger.get(`/indexes/import-status/${result.import_id}`), 404);
    expectError(await stranger.get(`/indexes/import-status/by-database/${created.id}`), 404);
    expectError(await client.get(`/indexes/import-status/${'f'.repeat(24)}`), 404);
    expectError(await client.get('/indexes/import-status/nope'), 400);
    expectError(await client.get(`/indexes/import-status/by-database/${created.id}?pagesize=2`), 400);
  });
});

describe('sync endpoints: validation in the gateway', () => {
  const id = 'f'.repeat(24);

  it.each([
    ['sync-by-collections: bad id', '/indexes/sync-by-collections', { database_id: 'nope', collections: ['a'] }],
    ['sync-by-collections: no collections', '/indexes/sync-by-collections', { database_id: id }],
    ['sync-by-collections: empty collections', '/indexes/sync-by-collections', { database_id: id, collections: [] }],
    [
      'sync-by-collections: unknown operation kind',
      '/indexes/sync-by-collections',
      { database_id: id, collections: ['a'], include: ['explode'] },
    ],
    ['sync-by-database: bad id', '/indexes/sync-by-database', { database_id: '123' }],
    ['sync-by-database: unknown field', '/indexes/sync-by-database', { database_id: id, collections: ['a'] }],
    ['sync-by-database: dry_run not a boolean', '/indexes/sync-by-database', { database_id: id, dry_run: 'yes' }],
  ])('POST %s → 400', async (_what, path, body) => {
    expectError(await client.post(path).send(body), 400);
  });

  it.each([
    ['status: bad id', '/indexes/sync-status/nope'],
    ['events: bad id', '/indexes/sync-status/nope/events'],
    ['history: bad id', '/indexes/sync-status/by-database/nope'],
    ['history: limit too large', `/indexes/sync-status/by-database/${id}?limit=1000`],
    ['history: page not a number', `/indexes/sync-status/by-database/${id}?page=abc`],
    ['history: unknown parameter', `/indexes/sync-status/by-database/${id}?sort=asc`],
  ])('GET %s → 400', async (_what, path) => {
    expectError(await client.get(path), 400);
  });

  it('routes /indexes/sync-status/:id to the sync endpoints, not to GET /indexes/:id', async () => {
    const res = await client.get(`/indexes/sync-status/${id}`);
    expect(res.status).not.toBe(200);
    expect(String(res.body.message)).not.toMatch(/index definition/);
  });

  it('needs a token', async () => {
    expect((await api().post('/indexes/sync-from-database').send({ database_id: id })).status).toBe(401);
    expect((await api().get(`/indexes/sync-status/${id}/events`)).status).toBe(401);
  });
});
