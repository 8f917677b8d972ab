// Index definitions of the design repository through the gateway: every index
// kind, MongoDB's rules, duplicates, updates, listing, events and storage.
import type { JetStreamManager } from '@nats-io/jetstream';
import { MongoClient, ObjectId } from 'mongodb';
import {
  authedApi,
  type AuthedApi,
  createTargetDatabase,
  expectError,
  findStreamMessage,
  loggedInUser,
  mongoClient,
  openJetStream,
  serviceDb,
  streamLastSeq,
} from './support/e2e-client';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

interface IndexBody {
  id: string;
  database_id: string;
  collection: string;
  name: string;
  key_signature: string;
  keys: { field: string; value: number | string }[];
  options: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

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

async function newDatabaseId(): Promise<string> {
  return (await createTargetDatabase(client)).id;
}

async function createIndex(body: Record<string, unknown>): Promise<IndexBody> {
  const res = await client.post('/indexes').send(body);
  if (res.status !== 201) throw new Error(`create index failed: ${res.status} ${res.text}`);
  return res.body as IndexBody;
}

function issuesOf(res: { body: Record<string, unknown> }): { field: string; rule: string }[] {
  return (res.body.issues as { field: string; rule: string }[]).map(({ field, rule }) => ({ field, rule }));
}

describe('POST /indexes: every index kind', () => {
  it.each<[string, { field: string; value: number | string }[], Record<string, unknown> | undefined, string]>([
    ['single field', [{ field: 'status', value: 1 }], undefined, 'status_1'],
    [
      'compound',
      [
        { field: 'status', value: 1 },
        { field: 'created_at', value: -1 },
      ],
      undefined,
      'status_1_created_at_-1',
    ],
    ['unique', [{ field: 'email', value: 1 }], { is_unique: true }, 'email_1'],
    ['TTL', [{ field: 'expires_at', value: 1 }], { expire_after_seconds: 3600 }, 'expires_at_1'],
    [
      'partial',
      [{ field: 'customer_id', value: 1 }],
      { partial_filter_expression: { status: { $eq: 'active' }, total: { $gt: 10 } } },
      'customer_id_1',
    ],
    ['collation', [{ field: 'last_name', value: 1 }], { collation: { locale: 'fr', strength: 2 } }, 'last_name_1'],
    ['hidden', [{ field: 'legacy', value: -1 }], { hidden: true }, 'legacy_-1'],
    ['sparse', [{ field: 'nickname', value: 1 }], { sparse: true }, 'nickname_1'],
    [
      'text with weights',
      [
        { field: 'title', value: 'text' },
        { field: 'body', value: 'text' },
      ],
      { weights: { title: 10, body: 2 }, default_language: 'english', language_override: 'lang', text_index_version: 3 },
      'title_text_body_text',
    ],
    ['2dsphere', [{ field: 'loc', value: '2dsphere' }], { sphere_index_version: 3 }, 'loc_2dsphere'],
    ['2d with bits, min and max', [{ field: 'pos', value: '2d' }], { bits: 26, min: -180, max: 180 }, 'pos_2d'],
    ['hashed', [{ field: 'a', value: 'hashed' }], undefined, 'a_hashed'],
    ['wildcard with projection', [{ field: '$**', value: 1 }], { wildcard_projection: { 'attrs.color': 1, size: 1 } }, '$**_1'],
    ['wildcard on a path', [{ field: 'attrs.$**', value: 1 }], undefined, 'attrs.$**_1'],
  ])('accepts a %s index and generates its MongoDB-style name', async (_kind, keys, options, expectedName) => {
    const databaseId = await newDatabaseId();
    const res = await client
      .post('/indexes')
      .send({ database_id: databaseId, collection: 'things', keys, ...(options ? { options } : {}) });

    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual([
      'collection',
      'created_at',
      'database_id',
      'id',
      'key_signature',
      'keys',
      'name',
      'options',
      'updated_at',
    ]);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      database_id: databaseId,
      collection: 'things',
      name: expectedName,
      key_signature: expect.any(String),
      keys,
      options: options ?? {},
      created_at: expect.stringMatching(ISO_DATE),
      updated_at: expect.stringMatching(ISO_DATE),
    });
    expect(res.body.key_signature.length).toBeGreaterThan(0);
    expect((await client.get(`/indexes/${res.body.id}`)).body).toEqual(res.body);
  });

  it('keeps an explicit name and accepts "1"/"-1" as strings', async () => {
    const databaseId = await newDatabaseId();
    const res = await client.post('/indexes').send({
      database_id: databaseId,
      collection: 'things',
      name: 'by_owner',
      keys: [
        { field: 'owner', value: '1' },
        { field: 'at', value: '-1' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('by_owner');
    expect(res.body.keys).toEqual([
      { field: 'owner', value: 1 },
      { field: 'at', value: -1 },
    ]);
  });
});

describe("POST /indexes: MongoDB's rules", () => {
  it.each<[string, Record<string, unknown>, string, string | undefined]>([
    [
      'a compound TTL index',
      {
        keys: [
          { field: 'a', value: 1 },
          { field: 'b', value: 1 },
        ],
        options: { expire_after_seconds: 60 },
      },
      'options.expire_after_seconds',
      'ttl_single_field',
    ],
    [
      'sparse with a partial filter',
      { keys: [{ field: 'a', value: 1 }], options: { sparse: true, partial_filter_expression: { a: { $exists: true } } } },
      'options.partial_filter_expression',
      'sparse_with_partial',
    ],
    [
      'a unique hashed index',
      { keys: [{ field: 'a', value: 'hashed' }], options: { is_unique: true } },
      'options.is_unique',
      'hashed_not_unique',
    ],
    [
      'wildcard_projection without a $** key',
      { keys: [{ field: 'a', value: 1 }], options: { wildcard_projection: { b: 1 } } },
      'options.wildcard_projection',
      'wildcard_projection_requires_root_wildcard',
    ],
    ['an unknown option', { keys: [{ field: 'a', value: 1 }], options: { background: true } }, 'options.background', 'unknown_field'],
    ['an unknown top-level field', { keys: [{ field: 'a', value: 1 }], unique: true }, 'unique', 'unknown_field'],
    // Any non-zero number is a direction MongoDB accepts (index_key_validate.cpp); 0 is refused.
    ['a bad key value', { keys: [{ field: 'a', value: 0 }] }, 'keys.0.value', undefined],
    ['a geoHaystack key', { keys: [{ field: 'a', value: 'geoHaystack' }] }, 'keys.0.value', undefined],
    ['no keys', { keys: [] }, 'keys', undefined],
    [
      'a TTL that is not a whole number',
      { keys: [{ field: 'a', value: 1 }], options: { expire_after_seconds: 1.5 } },
      'options.expire_after_seconds',
      undefined,
    ],
    [
      'weights on a non-text index',
      { keys: [{ field: 'a', value: 1 }], options: { weights: { a: 2 } } },
      'options.weights',
      'weights_require_text',
    ],
  ])('refuses %s with 400 naming the field and rule', async (_case, definition, field, rule) => {
    const databaseId = await newDatabaseId();
    const res = await client.post('/indexes').send({ database_id: databaseId, collection: 'things', ...definition });

    expectError(res, 400, 'VALIDATION_FAILED');
    expect(issuesOf(res)).toContainEqual({ field, rule: rule ?? expect.any(String) });
    // Nothing was stored.
    const list = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection: 'things' });
    expect(list.body.total).toBe(0);
  });

  it('refuses a second text index in the same collection, naming keys and rule one_text_index', async () => {
    const databaseId = await newDatabaseId();
    await createIndex({ database_id: databaseId, collection: 'articles', keys: [{ field: 'title', value: 'text' }] });
    const res = await client
      .post('/indexes')
      .send({ database_id: databaseId, collection: 'articles', keys: [{ field: 'body', value: 'text' }] });

    expectError(res, 400, 'VALIDATION_FAILED');
    expect(issuesOf(res)).toEqual([{ field: 'keys', rule: 'one_text_index' }]);
    // Another collection may have its own.
    await createIndex({ database_id: databaseId, collection: 'comments', keys: [{ field: 'body', value: 'text' }] });
  });

  it('answers 404 for an unknown database and 400 for an invalid database id', async () => {
    expectError(
      await client.post('/indexes').send({ database_id: new ObjectId().toHexString(), collection: 'c', keys: [{ field: 'a', value: 1 }] }),
      404,
      'NOT_FOUND',
    );
    const invalid = await client.post('/indexes').send({ database_id: 'x', collection: 'c', keys: [{ field: 'a', value: 1 }] });
    expectError(invalid, 400, 'VALIDATION_FAILED');
    expect(issuesOf(invalid).map((i) => i.field)).toEqual(['database_id']);
  });

  it.each([['system.profile'], ['a$b'], ['']])('refuses the collection name %j with 400', async (collection) => {
    const res = await client.post('/indexes').send({ database_id: await newDatabaseId(), collection, keys: [{ field: 'a', value: 1 }] });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(issuesOf(res).map((i) => i.field)).toEqual(['collection']);
  });
});

describe('POST /indexes: duplicates', () => {
  it('refuses the same name in the same collection with 409 and the existing id', async () => {
    const databaseId = await newDatabaseId();
    const existing = await createIndex({ database_id: databaseId, collection: 'c', name: 'mine', keys: [{ field: 'a', value: 1 }] });
    const res = await client
      .post('/indexes')
      .send({ database_id: databaseId, collection: 'c', name: 'mine', keys: [{ field: 'b', value: 1 }] });

    expectError(res, 409, 'CONFLICT');
    expect(res.body.details).toMatchObject({ existing_id: existing.id });
    expect(issuesOf(res)).toEqual([{ field: 'name', rule: 'unique' }]);
  });

  it('refuses the same key under another name with 409 and the existing id', async () => {
    const databaseId = await newDatabaseId();
    const existing = await createIndex({ database_id: databaseId, collection: 'c', keys: [{ field: 'a', value: 1 }] });
    const res = await client
      .post('/indexes')
      .send({ database_id: databaseId, collection: 'c', name: 'other', keys: [{ field: 'a', value: 1 }] });

    expectError(res, 409, 'CONFLICT');
    expect(res.body.details).toMatchObject({ existing_id: existing.id });
    expect(issuesOf(res)).toEqual([{ field: 'keys', rule: 'unique' }]);
  });

  it('accepts the same key in another collection, or with a different collation', async () => {
    const databaseId = await newDatabaseId();
    const first = await createIndex({ database_id: databaseId, collection: 'c', keys: [{ field: 'a', value: 1 }] });
    const otherCollection = await createIndex({ database_id: databaseId, collection: 'd', keys: [{ field: 'a', value: 1 }] });
    const collated = await createIndex({
      database_id: databaseId,
      collection: 'c',
      name: 'a_1_fr',
      keys: [{ field: 'a', value: 1 }],
      options: { collation: { locale: 'fr' } },
    });

    expect(otherCollection.name).toBe('a_1');
    expect(collated.key_signature).not.toBe(first.key_signature);
    expect(otherCollection.key_signature).toBe(first.key_signature);
  });

  it('accepts the same definition in another database', async () => {
    const body = { collection: 'c', keys: [{ field: 'a', value: 1 }] };
    await createIndex({ database_id: await newDatabaseId(), ...body });
    await createIndex({ database_id: await newDatabaseId(), ...body });
  });
});

describe('GET, PUT and DELETE /indexes/:id', () => {
  it('answers 400 for an invalid id and 404 for an unknown one', async () => {
    const invalid = await client.get('/indexes/bad');
    expectError(invalid, 400, 'VALIDATION_FAILED');
    expect(issuesOf(invalid).map((i) => i.field)).toEqual(['id']);
    expectError(await client.get(`/indexes/${new ObjectId().toHexString()}`), 404, 'NOT_FOUND');
    expectError(await client.put(`/indexes/${new ObjectId().toHexString()}`).send({ name: 'x' }), 404, 'NOT_FOUND');
    expectError(await client.delete(`/indexes/${new ObjectId().toHexString()}`), 404, 'NOT_FOUND');
  });

  it('accepts the whole definition back, as original clients send it, but not a move to another database', async () => {
    const databaseId = await newDatabaseId();
    const index = await createIndex({ database_id: databaseId, collection: 'c', keys: [{ field: 'n', value: 1 }] });
    const same = await client
      .put(`/indexes/${index.id}`)
      .send({ database_id: databaseId, collection: 'c', keys: [{ field: 'n', value: -1 }] });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ database_id: databaseId, name: 'n_-1' });

    const moved = await client.put(`/indexes/${index.id}`).send({ database_id: await newDatabaseId(), name: 'x' });
    expectError(moved, 400, 'VALIDATION_FAILED');
    expect(issuesOf(moved)).toEqual([expect.objectContaining({ field: 'database_id', rule: 'immutable' })]);
    expect((await client.get(`/indexes/${index.id}`)).body.name).toBe('n_-1');
  });

  it('a generated name follows new keys', async () => {
    const databaseId = await newDatabaseId();
    const index = await createIndex({ database_id: databaseId, collection: 'c', keys: [{ field: 'status', value: 1 }] });
    const res = await client.put(`/indexes/${index.id}`).send({
      keys: [
        { field: 'status', value: 1 },
        { field: 'created_at', value: -1 },
      ],
    });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: index.id, name: 'status_1_created_at_-1', created_at: index.created_at });
    expect(res.body.key_signature).not.toBe(index.key_signature);
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(index.updated_at));
    expect((await client.get(`/indexes/${index.id}`)).body).toEqual(res.body);
  });

  it('an explicit name stays when the keys change', async () => {
    const databaseId = await newDatabaseId();
    const index = await createIndex({ database_id: databaseId, collection: 'c', name: 'by_status', keys: [{ field: 'status', value: 1 }] });
    const res = await client.put(`/indexes/${index.id}`).send({ keys: [{ field: 'status', value: -1 }] });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('by_status');
    expect(res.body.keys).toEqual([{ field: 'status', value: -1 }]);
  });

  it('changes options and the collection', async () => {
    const databaseId = await newDatabaseId();
    const index = await createIndex({ database_id: databaseId, collection: 'c', keys: [{ field: 'email', value: 1 }] });
    const res = await client.put(`/indexes/${index.id}`).send({ collection: 'users', options: { is_unique: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ collection: 'users', name: 'email_1', options: { is_unique: true } });
    const list = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection: 'c' });
    expect(list.body.total).toBe(0);
  });

  it('refuses an update into a duplicate name or key with 409 and changes nothing', async () => {
    const databaseId = await newDatabaseId();
    const a = await createIndex({ database_id: databaseId, collection: 'c', name: 'first', keys: [{ field: 'a', value: 1 }] });
    const b = await createIndex({ database_id: databaseId, collection: 'c', name: 'second', keys: [{ field: 'b', value: 1 }] });

    const byName = await client.put(`/indexes/${b.id}`).send({ name: 'first' });
    expectError(byName, 409, 'CONFLICT');
    expect(byName.body.details).toMatchObject({ existing_id: a.id });
    const byKey = await client.put(`/indexes/${b.id}`).send({ keys: [{ field: 'a', value: 1 }] });
    expectError(byKey, 409, 'CONFLICT');
    expect(byKey.body.details).toMatchObject({ existing_id: a.id });
    expect((await client.get(`/indexes/${b.id}`)).body).toEqual(b);
  });

  it('refuses an invalid update with 400 (rules apply to the merged definition) and an empty body', async () => {
    const databaseId = await newDatabaseId();
    const index = await createIndex({
      database_id: databaseId,
      collection: 'c',
      keys: [
        { field: 'a', value: 1 },
        { field: 'b', value: 1 },
      ],
    });
    const ttl = await client.put(`/indexes/${index.id}`).send({ options: { expire_after_seconds: 60 } });
    expectError(ttl, 400, 'VALIDATION_FAILED');
    expect(issuesOf(ttl)).toContainEqual({ field: 'options.expire_after_seconds', rule: 'ttl_single_field' });
    expectError(await client.put(`/indexes/${index.id}`).send({}), 400, 'VALIDATION_FAILED');
    expect((await client.get(`/indexes/${index.id}`)).body).toEqual(index);
  });

  it('deletes a definition, then answers 404', async () => {
    const databaseId = await newDatabaseId();
    const index = await createIndex({ database_id: databaseId, collection: 'c', keys: [{ field: 'a', value: 1 }] });
    const res = await client.delete(`/indexes/${index.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: true });
    expectError(await client.get(`/indexes/${index.id}`), 404, 'NOT_FOUND');
    expectError(await client.delete(`/indexes/${index.id}`), 404, 'NOT_FOUND');
    // The name and key are free again.
    await createIndex({ database_id: databaseId, collection: 'c', keys: [{ field: 'a', value: 1 }] });
  });
});

describe('POST /indexes/list-by-collection', () => {
  it('reports a bad nested pagination on its field, and refuses offsets past 10,000 records', async () => {
    const databaseId = await newDatabaseId();
    const nested = await client
      .post('/indexes/list-by-collection')
      .send({ database_id: databaseId, collection: 'c', pagination: { limit: 500 } });
    expectError(nested, 400, 'VALIDATION_FAILED');
    expect(issuesOf(nested).map((i) => i.field)).toEqual(['pagination.limit']);
    const deep = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection: 'c', page: 102, limit: 100 });
    expectError(deep, 400, 'VALIDATION_FAILED');
    expect(issuesOf(deep).map((i) => i.field)).toEqual(['page']);
  });

  let databaseId: string;
  const names: string[] = [];

  beforeAll(async () => {
    databaseId = await newDatabaseId();
    for (let i = 0; i < 25; i++) {
      const field = i % 5 === 0 ? `Customer_${i}` : `f${String(i).padStart(2, '0')}`;
      const index = await createIndex({
        database_id: databaseId,
        collection: 'orders',
        ...(i === 7 ? { name: 'zz_special' } : {}),
        keys: [{ field, value: 1 }],
      });
      names.push(index.name);
    }
    await createIndex({ database_id: databaseId, collection: 'other', keys: [{ field: 'f01', value: 1 }] });
    names.sort();
  });

  it('pages 25 definitions by 10 (10, 10, 5), sorted by name, each once', async () => {
    const seen: string[] = [];
    for (const [page, size] of [
      [1, 10],
      [2, 10],
      [3, 5],
    ]) {
      const res = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection: 'orders', page, limit: 10 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page, limit: 10, total: 25 });
      expect(res.body.items).toHaveLength(size);
      seen.push(...res.body.items.map((i: IndexBody) => i.name));
    }
    expect(seen).toEqual(names);
    const beyond = await client
      .post('/indexes/list-by-collection')
      .send({ database_id: databaseId, collection: 'orders', page: 4, limit: 10 });
    expect(beyond.body).toMatchObject({ items: [], page: 4, limit: 10, total: 25 });
  });

  it('defaults to page 1 and limit 20, and accepts {pagination: {page, limit}}', async () => {
    const defaults = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection: 'orders' });
    expect(defaults.body).toMatchObject({ page: 1, limit: 20, total: 25 });
    expect(defaults.body.items).toHaveLength(20);
    const legacy = await client
      .post('/indexes/list-by-collection')
      .send({ database_id: databaseId, collection: 'orders', pagination: { page: 2, limit: 10 } });
    const modern = await client
      .post('/indexes/list-by-collection')
      .send({ database_id: databaseId, collection: 'orders', page: 2, limit: 10 });
    expect(legacy.status).toBe(200);
    expect(legacy.body).toEqual(modern.body);
  });

  it('searches names and key field names, case-insensitively', async () => {
    const byField = await client
      .post('/indexes/list-by-collection')
      .send({ database_id: databaseId, collection: 'orders', search: 'customer' });
    expect(byField.body.total).toBe(5);
    expect(byField.body.items.every((i: IndexBody) => i.keys[0].field.startsWith('Customer_'))).toBe(true);
    const byName = await client
      .post('/indexes/list-by-collection')
      .send({ database_id: databaseId, collection: 'orders', search: 'ZZ_SPEC' });
    expect(byName.body.items.map((i: IndexBody) => i.name)).toEqual(['zz_special']);
    const none = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection: 'orders', search: 'f0.' });
    expect(none.body.total).toBe(0);
  });

  it('lists only the given collection, and nothing for an unknown one', async () => {
    const other = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection: 'other' });
    expect(other.body.total).toBe(1);
    const unknown = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection: 'nothing_here' });
    expect(unknown.body).toEqual({ items: [], page: 1, limit: 20, total: 0 });
  });

  it('refuses limit above 100 with 400', async () => {
    const res = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection: 'orders', limit: 101 });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(issuesOf(res).map((i) => i.field)).toEqual(['limit']);
  });
});

describe('registry events for indexes', () => {
  it('publishes created, updated and deleted on REGISTRY_EVENTS, each with a Nats-Msg-Id', async () => {
    const since = await streamLastSeq(jsm, 'REGISTRY_EVENTS');
    const databaseId = await newDatabaseId();
    const index = await createIndex({ database_id: databaseId, collection: 'c', keys: [{ field: 'a', value: 1 }] });
    const updated = await client.put(`/indexes/${index.id}`).send({ keys: [{ field: 'a', value: -1 }] });
    expect(updated.status).toBe(200);
    expect((await client.delete(`/indexes/${index.id}`)).status).toBe(200);

    for (const [change, view] of [
      ['created', index],
      ['updated', updated.body as IndexBody],
      ['deleted', updated.body as IndexBody],
    ] as const) {
      const msg = await findStreamMessage(jsm, 'REGISTRY_EVENTS', since, `registry.evt.index.${change}`, (p) => p.index_id === index.id);
      expect({ change, found: msg !== undefined }).toEqual({ change, found: true });
      expect(msg!.json()).toEqual({
        index_id: index.id,
        database_id: databaseId,
        project_id: projectId,
        actor,
        collection: 'c',
        name: view.name,
        key_signature: view.key_signature,
        at: expect.stringMatching(ISO_DATE),
      });
      expect(msg!.header?.get('Nats-Msg-Id')).toBeTruthy();
    }
  });
});

describe("the registry's own storage", () => {
  it('index_definitions has the unique indexes the duplicate rules rely on', async () => {
    const registry = await serviceDb(mongo, 'registry');
    const indexes = await registry.collection('index_definitions').listIndexes().toArray();
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: { database_id: 1, collection: 1, name: 1 }, unique: true }),
        expect.objectContaining({ key: { database_id: 1, collection: 1, key_signature: 1 }, unique: true }),
      ]),
    );
  });
});
