// Target databases through the gateway: registration (with its connection test),
// reading, listing, updating, deleting, collections, events, and how they are stored.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JetStreamManager } from '@nats-io/jetstream';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import {
  api,
  type AuthedApi,
  authedApi,
  createTargetDatabase,
  type DatabaseBody,
  expectError,
  findStreamMessage,
  freedPort,
  logDir,
  loggedInUser,
  mongoClient,
  openJetStream,
  serviceDb,
  silentServer,
  streamLastSeq,
  suffix,
  targetMongoUri,
  uriWithCredentials,
} from './support/e2e-client';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const TARGET_CONNECT_TIMEOUT_MS = 2000;

let client: AuthedApi;
let mongo: MongoClient;
let bus: Awaited<ReturnType<typeof openJetStream>>;
let jsm: JetStreamManager;

/** Who the suite's changes are made by, as events name them, and the project its databases are in. */
let actor: { kind: 'user'; id: string; name: string };
let projectId: string;

beforeAll(async () => {
  const user = await loggedInUser();
  actor = { kind: 'user', id: user.profile.id, name: user.username };
  projectId = user.projectId;
  client = authedApi(user.tokens.access_token);
  mongo = await mongoClient();
  bus = await openJetStream();
  jsm = bus.jsm;
});

afterAll(async () => {
  await mongo?.close();
  await bus?.close();
});

/** How many registered databases match `search` (name or description). */
async function countNamed(search: string): Promise<number> {
  const res = await client.post('/databases/list').send({ search, limit: 100 });
  expect(res.status).toBe(200);
  return res.body.total as number;
}

function allLogsText(): string {
  return readdirSync(logDir())
    .filter((file) => file.endsWith('.log'))
    .map((file) => readFileSync(join(logDir(), file), 'utf8'))
    .join('\n');
}

describe('POST /databases', () => {
  it('registers a reachable database and answers its view', async () => {
    const name = `Orders ${suffix()}`;
    const dbName = `target_${suffix()}`;
    const res = await client.post('/databases').send({ name, description: 'the orders service', uri: targetMongoUri(), db_name: dbName });

    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual([
      'created_at',
      'db_name',
      'description',
      'id',
      'import_requested',
      'name',
      'project_id',
      'protected',
      'server',
      'updated_at',
      'uri',
    ]);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      // The one project its creator administers, named or not.
      project_id: projectId,
      protected: false,
      name,
      description: 'the orders service',
      uri: targetMongoUri(),
      db_name: dbName,
      // Who the connection test found (test/database-server.e2e-spec.ts checks it in detail).
      server: expect.objectContaining({ kind: expect.stringMatching(/^(mongodb|ferretdb)$/), seen_at: expect.stringMatching(ISO_DATE) }),
      created_at: expect.stringMatching(ISO_DATE),
      updated_at: expect.stringMatching(ISO_DATE),
      import_requested: false,
    });

    const got = await client.get(`/databases/${res.body.id}`);
    expect(got.status).toBe(200);
    const { import_requested: _ignored, ...view } = res.body as DatabaseBody;
    expect(got.body).toEqual(view);
  });

  it('requires a bearer token', async () => {
    const res = await api()
      .post('/databases')
      .send({ name: `x_${suffix()}`, uri: targetMongoUri(), db_name: 'x' });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('refuses an unreachable host with 502 (reason unreachable) and saves nothing', async () => {
    const name = `unreachable_${suffix()}`;
    const res = await client.post('/databases').send({ name, uri: `mongodb://127.0.0.1:${await freedPort()}/`, db_name: 'x' });

    expectError(res, 502, 'BAD_GATEWAY');
    expect(res.body.details).toMatchObject({ reason: 'unreachable' });
    expect(await countNamed(name)).toBe(0);
  });

  it('refuses bad credentials with 502 (reason auth_failed), saves nothing and never shows or logs the password', async () => {
    const name = `badauth_${suffix()}`;
    const password = `Pw${suffix()}${suffix()}`;
    const res = await client.post('/databases').send({ name, uri: uriWithCredentials('someone', password), db_name: 'x' });

    expectError(res, 502, 'BAD_GATEWAY');
    expect(res.body.details).toMatchObject({ reason: 'auth_failed' });
    expect(res.text).not.toContain(password);
    expect(await countNamed(name)).toBe(0);
    // Give the services a moment to write what they log about the failure.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(allLogsText()).not.toContain(password);
  });

  it('does not leak the password of an unreachable or malformed URI either (responses and logs)', async () => {
    const password = `Pw${suffix()}${suffix()}`;
    const port = await freedPort();
    const unreachable = await client
      .post('/databases')
      .send({ name: `u_${suffix()}`, uri: `mongodb://admin:${password}@127.0.0.1:${port}/`, db_name: 'x' });
    expect(unreachable.status).toBe(502);
    expect(unreachable.text).not.toContain(password);
    const malformed = await client
      .post('/databases')
      .send({ name: `m_${suffix()}`, uri: `mongodb://admin:${password}@host:notaport/`, db_name: 'x' });
    expect(malformed.status).toBe(422);
    expect(malformed.text).not.toContain(password);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(allLogsText()).not.toContain(password);
  });

  it('answers 504 for a server that accepts and never answers, within the connect timeout, and saves nothing', async () => {
    const silent = await silentServer();
    try {
      const name = `silent_${suffix()}`;
      const started = Date.now();
      const res = await client.post('/databases').send({ name, uri: `mongodb://127.0.0.1:${silent.port}/`, db_name: 'x' });
      const elapsed = Date.now() - started;

      expectError(res, 504, 'TIMEOUT');
      expect(elapsed).toBeLessThan(TARGET_CONNECT_TIMEOUT_MS + 2500);
      expect(await countNamed(name)).toBe(0);
    } finally {
      await silent.close();
    }
  });

  it.each([
    ['http://127.0.0.1:27017/', 400, 'VALIDATION_FAILED'],
    ['127.0.0.1:27017', 400, 'VALIDATION_FAILED'],
    ['mongodb://host:notaport', 422, 'UNPROCESSABLE'],
  ])('refuses the malformed URI %s with %i on field uri and saves nothing', async (uri, status, error) => {
    const name = `malformed_${suffix()}`;
    const res = await client.post('/databases').send({ name, uri, db_name: 'x' });

    expectError(res, status, error);
    expect(res.body.issues).toEqual([expect.objectContaining({ field: 'uri', rule: expect.any(String), message: expect.any(String) })]);
    expect(await countNamed(name)).toBe(0);
  });

  it.each([
    ['db_name', { db_name: 'has.dot' }],
    ['db_name', { db_name: '' }],
    ['name', { name: '   ' }],
    ['extra', { extra: true }],
  ])('refuses an invalid %s with 400 naming it', async (field, override) => {
    const res = await client.post('/databases').send({ name: `v_${suffix()}`, uri: targetMongoUri(), db_name: 'ok', ...override });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect((res.body.issues as { field: string }[]).map((i) => i.field)).toContain(field);
  });

  it('refuses a duplicate name, whatever its case, with 409 and keeps one', async () => {
    const name = `Dup_${suffix()}`;
    await createTargetDatabase(client, { name });
    const res = await client.post('/databases').send({ name: name.toUpperCase(), uri: targetMongoUri(), db_name: `target_${suffix()}` });

    expectError(res, 409, 'CONFLICT');
    expect(res.body.issues).toEqual([expect.objectContaining({ field: 'name', rule: 'unique' })]);
    expect(await countNamed(name)).toBe(1);
  });

  it('stores the URI sealed: no plaintext uri field, an AES-GCM record instead', async () => {
    const db = await createTargetDatabase(client);
    const registry = await serviceDb(mongo, 'registry');
    const doc = await registry.collection('databases').findOne({ _id: new ObjectId(db.id) });

    expect(doc).not.toBeNull();
    expect(doc).not.toHaveProperty('uri');
    expect(doc!.uri_sealed).toEqual({
      key_id: expect.any(String),
      iv: expect.any(String),
      tag: expect.any(String),
      data: expect.any(String),
    });
    const ciphertext = Buffer.from(doc!.uri_sealed.data as string, 'base64');
    expect(ciphertext.length).toBe(Buffer.byteLength(targetMongoUri()));
    expect(ciphertext.toString('utf8')).not.toBe(targetMongoUri());
    expect(ciphertext.toString('latin1')).not.toContain('mongodb://');
  });

  it('with import_indexes asks the sync-executors to import, on SYNC_COMMANDS', async () => {
    const since = await streamLastSeq(jsm, 'SYNC_COMMANDS');
    const db = await createTargetDatabase(client, { import_indexes: true });
    expect(db.import_requested).toBe(true);

    const msg = await findStreamMessage(jsm, 'SYNC_COMMANDS', since, 'sync.cmd.database.import', (p) => p.database_id === db.id);
    expect(msg).toBeDefined();
    expect(msg!.json()).toMatchObject({ database_id: db.id, on_conflict: 'skip', requested_at: expect.stringMatching(ISO_DATE) });
    expect(msg!.header?.get('Nats-Msg-Id')).toBeTruthy();
  });

  it('without import_indexes sends no import command', async () => {
    const since = await streamLastSeq(jsm, 'SYNC_COMMANDS');
    const db = await createTargetDatabase(client);
    expect(db.import_requested).toBe(false);
    const msg = await findStreamMessage(jsm, 'SYNC_COMMANDS', since, 'sync.cmd.database.import', (p) => p.database_id === db.id, 500);
    expect(msg).toBeUndefined();
  });
});

describe('GET /databases/:id', () => {
  it('answers 400 on field id for an invalid id', async () => {
    const res = await client.get('/databases/not-an-id');
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.issues).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it('answers 404 for an unknown id', async () => {
    expectError(await client.get(`/databases/${new ObjectId().toHexString()}`), 404, 'NOT_FOUND');
  });
});

describe('POST /databases/list', () => {
  const tag = `lst${suffix()}`;
  const created: DatabaseBody[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      created.push(await createTargetDatabase(client, { name: `${tag}_${i}`, description: i === 4 ? 'Special Billing DB' : 'plain' }));
    }
  });

  it('pages the results with page, limit and total', async () => {
    const first = await client.post('/databases/list').send({ search: tag, page: 1, limit: 2 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ page: 1, limit: 2, total: 5 });
    expect(first.body.items.map((d: DatabaseBody) => d.name)).toEqual([`${tag}_0`, `${tag}_1`]);
    const last = await client.post('/databases/list').send({ search: tag, page: 3, limit: 2 });
    expect(last.body).toMatchObject({ page: 3, limit: 2, total: 5 });
    expect(last.body.items.map((d: DatabaseBody) => d.name)).toEqual([`${tag}_4`]);
    const { import_requested: _ignored, ...view } = created[4];
    expect(last.body.items[0]).toEqual(view);
  });

  it('accepts the original {pagination: {page, limit}} form with the same result', async () => {
    const legacy = await client.post('/databases/list').send({ search: tag, pagination: { page: 2, limit: 2 } });
    const modern = await client.post('/databases/list').send({ search: tag, page: 2, limit: 2 });
    expect(legacy.status).toBe(200);
    expect(legacy.body).toEqual(modern.body);
    expect(legacy.body.items.map((d: DatabaseBody) => d.name)).toEqual([`${tag}_2`, `${tag}_3`]);
  });

  it('searches the description too, case-insensitively', async () => {
    const res = await client.post('/databases/list').send({ search: `special billing` });
    expect(res.status).toBe(200);
    expect(res.body.items.map((d: DatabaseBody) => d.id)).toContain(created[4].id);
    expect(res.body.items.every((d: DatabaseBody) => /special billing/i.test(`${d.name} ${d.description}`))).toBe(true);
  });

  it('treats search text literally (regex characters are not patterns)', async () => {
    const res = await client.post('/databases/list').send({ search: `${tag}.*` });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(0);
  });

  it.each([
    [{ limit: 101 }, 'limit'],
    [{ page: 0 }, 'page'],
    [{ pagination: { page: 1, limit: 500 } }, 'pagination.limit'],
  ])('refuses %j with 400', async (body, field) => {
    const res = await client.post('/databases/list').send(body);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect((res.body.issues as { field: string }[]).map((i) => i.field)).toContain(field);
  });
});

describe('PUT /databases/:id', () => {
  it('changes name and description, and GET shows them', async () => {
    const db = await createTargetDatabase(client);
    const name = `renamed_${suffix()}`;
    const res = await client.put(`/databases/${db.id}`).send({ name, description: 'new text' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: db.id,
      name,
      description: 'new text',
      uri: db.uri,
      db_name: db.db_name,
      created_at: db.created_at,
    });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(db.updated_at));
    expect((await client.get(`/databases/${db.id}`)).body).toEqual(res.body);
  });

  it('changes db_name after testing the connection again', async () => {
    const db = await createTargetDatabase(client);
    const dbName = `target_${suffix()}`;
    const res = await client.put(`/databases/${db.id}`).send({ db_name: dbName });
    expect(res.status).toBe(200);
    expect(res.body.db_name).toBe(dbName);
  });

  it('refuses an unreachable new URI with 502 and changes nothing', async () => {
    const db = await createTargetDatabase(client);
    const res = await client
      .put(`/databases/${db.id}`)
      .send({ uri: `mongodb://127.0.0.1:${await freedPort()}/`, description: 'should not stick' });

    expectError(res, 502, 'BAD_GATEWAY');
    expect(res.body.details).toMatchObject({ reason: 'unreachable' });
    const { import_requested: _ignored, ...view } = db;
    expect((await client.get(`/databases/${db.id}`)).body).toEqual(view);
  });

  it('refuses an empty body with 400', async () => {
    const db = await createTargetDatabase(client);
    expectError(await client.put(`/databases/${db.id}`).send({}), 400, 'VALIDATION_FAILED');
  });

  it("refuses another database's name (any case) with 409", async () => {
    const a = await createTargetDatabase(client);
    const b = await createTargetDatabase(client);
    const res = await client.put(`/databases/${b.id}`).send({ name: a.name.toUpperCase() });
    expectError(res, 409, 'CONFLICT');
    expect((await client.get(`/databases/${b.id}`)).body.name).toBe(b.name);
  });

  it('accepts its own name in another case', async () => {
    const db = await createTargetDatabase(client, { name: `case_${suffix()}` });
    const res = await client.put(`/databases/${db.id}`).send({ name: db.name.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe(db.name.toUpperCase());
  });

  it('answers 404 for an unknown id', async () => {
    expectError(await client.put(`/databases/${new ObjectId().toHexString()}`).send({ description: 'x' }), 404, 'NOT_FOUND');
  });
});

describe('DELETE /databases/:id', () => {
  let syncs: Db;
  beforeAll(async () => {
    syncs = await serviceDb(mongo, 'sync_executor');
  });

  it('deletes the database and its index definitions', async () => {
    const db = await createTargetDatabase(client);
    const ids: string[] = [];
    for (const keys of [[{ field: 'a', value: 1 }], [{ field: 'b', value: -1 }]]) {
      const res = await client.post('/indexes').send({ database_id: db.id, collection: 'things', keys });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }

    const res = await client.delete(`/databases/${db.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: true, index_definitions_deleted: 2 });
    expectError(await client.get(`/databases/${db.id}`), 404, 'NOT_FOUND');
    for (const id of ids) expectError(await client.get(`/indexes/${id}`), 404, 'NOT_FOUND');
    expectError(await client.delete(`/databases/${db.id}`), 404, 'NOT_FOUND');
  });

  it('is refused with 409 (details.sync_id) while a sync is running, and allowed once it completed', async () => {
    const db = await createTargetDatabase(client);
    const index = await client.post('/indexes').send({ database_id: db.id, collection: 'things', keys: [{ field: 'a', value: 1 }] });
    expect(index.status).toBe(201);
    // As the executor records a running sync: the sync, and the database's lock naming it.
    const { insertedId } = await syncs
      .collection('syncs')
      .insertOne({ database_id: db.id, status: 'running', created_at: new Date(), updated_at: new Date() });
    await lockDatabase(db.id, insertedId.toHexString());

    const refused = await client.delete(`/databases/${db.id}`);
    expectError(refused, 409, 'CONFLICT');
    expect(refused.body.details).toMatchObject({ sync_id: insertedId.toHexString() });
    expect((await client.get(`/databases/${db.id}`)).status).toBe(200);
    expect((await client.get(`/indexes/${index.body.id}`)).status).toBe(200);

    await syncs.collection('syncs').updateOne({ _id: insertedId }, { $set: { status: 'completed', updated_at: new Date() } });
    const res = await client.delete(`/databases/${db.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: true, index_definitions_deleted: 1 });
  });

  it('is refused with 409 while a sync is pending', async () => {
    const db = await createTargetDatabase(client);
    const { insertedId } = await syncs
      .collection('syncs')
      .insertOne({ database_id: db.id, status: 'pending', created_at: new Date(), updated_at: new Date() });
    await lockDatabase(db.id, insertedId.toHexString());
    expectError(await client.delete(`/databases/${db.id}`), 409, 'CONFLICT');
    expect((await client.get(`/databases/${db.id}`)).status).toBe(200);
  });

  async function lockDatabase(databaseId: string, syncId: string): Promise<void> {
    await syncs
      .collection<{ _id: string; sync_id: string; expires_at: Date; created_at: Date }>('sync_locks')
      .insertOne({ _id: databaseId, sync_id: syncId, expires_at: new Date(Date.now() + 3_600_000), created_at: new Date() });
  }

  it('answers 400 for an invalid id', async () => {
    expectError(await client.delete('/databases/zzz'), 400, 'VALIDATION_FAILED');
  });

  // The 503 answers (no executor listening, or none answering in time) are covered by
  // apps/registry/src/databases/delete-guard.spec.ts, where the executor's subject can be left silent.
});

describe('POST /databases/collections/list', () => {
  it("answers the target's collection names, sorted, without system collections", async () => {
    const db = await createTargetDatabase(client);
    const target = mongo.db(db.db_name);
    for (const name of ['zebra', 'alpha', 'Middle', 'system.js']) await target.createCollection(name);

    const res = await client.post('/databases/collections/list').send({ database_id: db.id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ database_id: db.id, collections: ['Middle', 'alpha', 'zebra'] });
  });

  it('answers an empty list for a database with no collections', async () => {
    const db = await createTargetDatabase(client);
    const res = await client.post('/databases/collections/list').send({ database_id: db.id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ database_id: db.id, collections: [] });
  });

  it('answers 404 for an unknown database and 400 for an invalid id', async () => {
    expectError(await client.post('/databases/collections/list').send({ database_id: new ObjectId().toHexString() }), 404, 'NOT_FOUND');
    const invalid = await client.post('/databases/collections/list').send({ database_id: 'nope' });
    expectError(invalid, 400, 'VALIDATION_FAILED');
    expect(invalid.body.issues).toEqual([expect.objectContaining({ field: 'database_id' })]);
  });
});

describe('registry events for databases', () => {
  it('publishes created, updated and deleted on REGISTRY_EVENTS, each with a Nats-Msg-Id', async () => {
    const since = await streamLastSeq(jsm, 'REGISTRY_EVENTS');
    const db = await createTargetDatabase(client);
    const renamed = `evt_${suffix()}`;
    expect((await client.put(`/databases/${db.id}`).send({ name: renamed })).status).toBe(200);
    expect((await client.delete(`/databases/${db.id}`)).status).toBe(200);

    for (const [change, name] of [
      ['created', db.name],
      ['updated', renamed],
      ['deleted', renamed],
    ] as const) {
      const msg = await findStreamMessage(jsm, 'REGISTRY_EVENTS', since, `registry.evt.database.${change}`, (p) => p.database_id === db.id);
      expect({ change, found: msg !== undefined }).toEqual({ change, found: true });
      expect(msg!.json()).toEqual({
        database_id: db.id,
        project_id: projectId,
        name,
        db_name: db.db_name,
        at: expect.stringMatching(ISO_DATE),
        actor,
      });
      expect(msg!.header?.get('Nats-Msg-Id')).toBeTruthy();
    }
  });
});

describe("the registry's own storage", () => {
  it('has a unique index on the lower-cased database name within a project, and no longer the one across projects', async () => {
    const registry = await serviceDb(mongo, 'registry');
    const indexes = await registry.collection('databases').listIndexes().toArray();
    const named = indexes.find((i) => i.name === 'name_unique_in_project');
    expect(named).toMatchObject({ unique: true });
    expect(Object.keys(named!.key as object).sort()).toEqual(['name_key', 'project_id']);
    expect(indexes.map((i) => i.name)).not.toContain('name_unique');
  });
});
