// A database's whole index design as one manifest (JSON or YAML): export,
// validation of everything before any change, dry runs, and the round trip.
import { ObjectId } from 'mongodb';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { authedApi, type AuthedApi, createTargetDatabase, type DatabaseBody, expectError, loggedInUser } from './support/e2e-client';

interface ManifestIndex {
  name: string;
  keys: { field: string; value: number | string }[];
  options?: Record<string, unknown>;
}
interface Manifest {
  version: 1;
  database?: { name: string; db_name: string };
  collections: Record<string, ManifestIndex[]>;
}
interface Change {
  collection: string;
  name: string;
}

let client: AuthedApi;

beforeAll(async () => {
  const user = await loggedInUser();
  client = authedApi(user.tokens.access_token);
});

async function exportManifest(databaseId: string): Promise<Manifest> {
  const res = await client.get(`/databases/${databaseId}/manifest`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.body as Manifest;
}

async function defineIndex(databaseId: string, collection: string, body: Record<string, unknown>): Promise<void> {
  const res = await client.post('/indexes').send({ database_id: databaseId, collection, ...body });
  if (res.status !== 201) throw new Error(`create index failed: ${res.status} ${res.text}`);
}

/** A database with a small design: orders (3 indexes) and users (2). */
async function seededDatabase(): Promise<DatabaseBody> {
  const db = await createTargetDatabase(client);
  await defineIndex(db.id, 'orders', {
    keys: [
      { field: 'status', value: 1 },
      { field: 'created_at', value: -1 },
    ],
  });
  await defineIndex(db.id, 'orders', {
    name: 'by_customer',
    keys: [{ field: 'customer_id', value: 1 }],
    options: { collation: { locale: 'en', strength: 2 } },
  });
  await defineIndex(db.id, 'orders', { keys: [{ field: 'expires_at', value: 1 }], options: { expire_after_seconds: 3600 } });
  await defineIndex(db.id, 'users', { keys: [{ field: 'email', value: 1 }], options: { is_unique: true } });
  await defineIndex(db.id, 'users', { keys: [{ field: '$**', value: 1 }], options: { wildcard_projection: { profile: 1 } } });
  return db;
}

function applyManifest(databaseId: string, manifest: unknown, dryRun = false) {
  return client.put(`/databases/${databaseId}/manifest${dryRun ? '?dry_run=true' : ''}`).send(manifest as object);
}

describe('GET /databases/:id/manifest', () => {
  it("exports every definition by collection and name, with the database's names", async () => {
    const db = await seededDatabase();
    const manifest = await exportManifest(db.id);

    expect(manifest).toEqual({
      version: 1,
      database: { name: db.name, db_name: db.db_name },
      collections: {
        orders: [
          { name: 'by_customer', keys: [{ field: 'customer_id', value: 1 }], options: { collation: { locale: 'en', strength: 2 } } },
          { name: 'expires_at_1', keys: [{ field: 'expires_at', value: 1 }], options: { expire_after_seconds: 3600 } },
          {
            name: 'status_1_created_at_-1',
            keys: [
              { field: 'status', value: 1 },
              { field: 'created_at', value: -1 },
            ],
          },
        ],
        users: [
          { name: '$**_1', keys: [{ field: '$**', value: 1 }], options: { wildcard_projection: { profile: 1 } } },
          { name: 'email_1', keys: [{ field: 'email', value: 1 }], options: { is_unique: true } },
        ],
      },
    });
  });

  it('exports YAML with Accept: application/yaml, equal to the JSON form', async () => {
    const db = await seededDatabase();
    const json = await exportManifest(db.id);
    const res = await client.get(`/databases/${db.id}/manifest`).set('Accept', 'application/yaml').buffer(true);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    expect(parseYaml(res.text)).toEqual(json);
  });

  it('exports an empty design as no collections', async () => {
    const db = await createTargetDatabase(client);
    expect(await exportManifest(db.id)).toEqual({ version: 1, database: { name: db.name, db_name: db.db_name }, collections: {} });
  });

  it('answers 404 for an unknown database and 400 for an invalid id', async () => {
    expectError(await client.get(`/databases/${new ObjectId().toHexString()}/manifest`), 404, 'NOT_FOUND');
    expectError(await client.get('/databases/nope/manifest'), 400, 'VALIDATION_FAILED');
  });
});

describe('PUT /databases/:id/manifest', () => {
  it('round trip: export, edit, dry run, apply, export again equals the edited manifest', async () => {
    const db = await seededDatabase();
    const original = await exportManifest(db.id);

    // Edit: add one (orders.total_-1), change one's options (email_1 loses unique, gains a collation),
    // remove one (orders.expires_at_1), keep the others; and a new collection (payments).
    const edited: Manifest = structuredClone(original);
    edited.collections.orders = edited.collections.orders.filter((i) => i.name !== 'expires_at_1');
    edited.collections.orders.push({ name: 'total_-1', keys: [{ field: 'total', value: -1 }] });
    edited.collections.orders.sort((a, b) => a.name.localeCompare(b.name));
    const email = edited.collections.users.find((i) => i.name === 'email_1')!;
    email.options = { collation: { locale: 'fr', strength: 1 } };
    edited.collections.payments = [{ name: 'loc_2dsphere', keys: [{ field: 'loc', value: '2dsphere' }] }];

    const expected = {
      created: [
        { collection: 'orders', name: 'total_-1' },
        { collection: 'payments', name: 'loc_2dsphere' },
      ],
      updated: [{ collection: 'users', name: 'email_1' }],
      deleted: [{ collection: 'orders', name: 'expires_at_1' }],
      unchanged: [
        { collection: 'orders', name: 'by_customer' },
        { collection: 'orders', name: 'status_1_created_at_-1' },
        { collection: 'users', name: '$**_1' },
      ],
    };
    const sortChanges = (list: Change[]) =>
      [...list].sort((a, b) => `${a.collection}.${a.name}`.localeCompare(`${b.collection}.${b.name}`));
    const normalize = (body: Record<string, unknown>) => ({
      dry_run: body.dry_run,
      ...Object.fromEntries(['created', 'updated', 'deleted', 'unchanged'].map((k) => [k, sortChanges(body[k] as Change[])])),
    });

    const dry = await applyManifest(db.id, edited, true);
    expect(dry.status).toBe(200);
    expect(normalize(dry.body)).toEqual(normalize({ dry_run: true, ...expected }));
    expect(await exportManifest(db.id)).toEqual(original);

    const applied = await applyManifest(db.id, edited);
    expect(applied.status).toBe(200);
    expect(normalize(applied.body)).toEqual(normalize({ dry_run: false, ...expected }));

    expect(await exportManifest(db.id)).toEqual(edited);

    // Applying the same manifest again changes nothing.
    const again = await applyManifest(db.id, edited);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ dry_run: false, created: [], updated: [], deleted: [] });
    expect(again.body.unchanged).toHaveLength(6);

    // The applied definitions are ordinary definitions: readable through /indexes.
    const list = await client.post('/indexes/list-by-collection').send({ database_id: db.id, collection: 'payments' });
    expect(list.body.items).toEqual([
      expect.objectContaining({ name: 'loc_2dsphere', keys: [{ field: 'loc', value: '2dsphere' }], options: {} }),
    ]);
  });

  it('applies a YAML manifest sent with Content-Type: application/yaml', async () => {
    const db = await createTargetDatabase(client);
    const manifest: Manifest = {
      version: 1,
      collections: {
        events: [
          {
            name: 'by_type',
            keys: [
              { field: 'type', value: 1 },
              { field: 'at', value: -1 },
            ],
          },
          { name: 'title_text', keys: [{ field: 'title', value: 'text' }], options: { weights: { title: 5 } } },
        ],
      },
    };
    const res = await client.put(`/databases/${db.id}/manifest`).set('Content-Type', 'application/yaml').send(toYaml(manifest));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      dry_run: false,
      created: [
        { collection: 'events', name: 'by_type' },
        { collection: 'events', name: 'title_text' },
      ],
      updated: [],
      deleted: [],
      unchanged: [],
    });
    expect(await exportManifest(db.id)).toEqual({ ...manifest, database: { name: db.name, db_name: db.db_name } });
  });

  it('refuses invalid YAML with 400 and changes nothing', async () => {
    const db = await seededDatabase();
    const before = await exportManifest(db.id);
    const res = await client
      .put(`/databases/${db.id}/manifest`)
      .set('Content-Type', 'application/yaml')
      .send('version: 1\ncollections: [unclosed\n  - : :');

    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.issues).toEqual([expect.objectContaining({ field: '(body)' })]);
    expect(await exportManifest(db.id)).toEqual(before);
  });

  it('validates everything first: one invalid definition anywhere answers 400 with its path and changes nothing', async () => {
    const db = await seededDatabase();
    const before = await exportManifest(db.id);
    const manifest: Manifest = structuredClone(before);
    manifest.collections.orders.push({ name: 'new_one', keys: [{ field: 'n', value: 1 }] });
    manifest.collections.users = [];
    // Index 1 of orders (expires_at_1) made a compound TTL index: invalid.
    manifest.collections.orders[1] = {
      name: 'expires_at_1',
      keys: [
        { field: 'expires_at', value: 1 },
        { field: 'x', value: 1 },
      ],
      options: { expire_after_seconds: 60 },
    };

    for (const dryRun of [true, false]) {
      const res = await applyManifest(db.id, manifest, dryRun);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.issues).toEqual([
        expect.objectContaining({ field: 'collections.orders.1.options.expire_after_seconds', rule: 'ttl_single_field' }),
      ]);
    }
    expect(await exportManifest(db.id)).toEqual(before);
  });

  it.each<[string, (m: Manifest) => void, string, string | undefined]>([
    [
      'a second text index in a collection',
      (m) => {
        m.collections.docs = [
          { name: 'a_text', keys: [{ field: 'a', value: 'text' }] },
          { name: 'b_text', keys: [{ field: 'b', value: 'text' }] },
        ];
      },
      'collections.docs.1.keys',
      'one_text_index',
    ],
    [
      'two indexes with the same name',
      (m) => {
        m.collections.docs = [
          { name: 'same', keys: [{ field: 'a', value: 1 }] },
          { name: 'same', keys: [{ field: 'b', value: 1 }] },
        ];
      },
      'collections.docs.1.name',
      'duplicate_name',
    ],
    [
      'an index without a name',
      (m) => {
        m.collections.docs = [{ keys: [{ field: 'a', value: 1 }] } as ManifestIndex];
      },
      'collections.docs.0.name',
      undefined,
    ],
    [
      'an unknown option',
      (m) => {
        m.collections.docs = [{ name: 'a_1', keys: [{ field: 'a', value: 1 }], options: { unique: true } }];
      },
      'collections.docs.0.options.unique',
      'unknown_field',
    ],
    [
      'a wrong version',
      (m) => {
        (m as { version: number }).version = 2;
      },
      'version',
      undefined,
    ],
  ])('refuses %s with 400 naming the path, and changes nothing', async (_case, edit, field, rule) => {
    const db = await seededDatabase();
    const before = await exportManifest(db.id);
    const manifest = structuredClone(before);
    edit(manifest);

    const res = await applyManifest(db.id, manifest);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.issues).toContainEqual(expect.objectContaining({ field, rule: rule ?? expect.any(String) }));
    expect(await exportManifest(db.id)).toEqual(before);
  });

  it('an empty manifest deletes every definition (dry run first answers the same)', async () => {
    const db = await seededDatabase();
    const dry = await applyManifest(db.id, { version: 1, collections: {} }, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, created: [], updated: [], unchanged: [] });
    expect(dry.body.deleted).toHaveLength(5);
    expect(Object.keys((await exportManifest(db.id)).collections)).toEqual(['orders', 'users']);

    const res = await applyManifest(db.id, { version: 1, collections: {} });
    expect(res.body).toEqual({ ...dry.body, dry_run: false });
    expect((await exportManifest(db.id)).collections).toEqual({});
  });

  it('refuses an invalid dry_run value and answers 404 for an unknown database', async () => {
    const db = await createTargetDatabase(client);
    expectError(
      await client.put(`/databases/${db.id}/manifest?dry_run=maybe`).send({ version: 1, collections: {} }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await applyManifest(new ObjectId().toHexString(), { version: 1, collections: {} }), 404, 'NOT_FOUND');
  });
});

describe('manifest apply where definitions trade keys', () => {
  it('swaps the keys of two definitions without tripping the identity index', async () => {
    const db = await createTargetDatabase(client);
    await defineIndex(db.id, 'pairs', { name: 'first', keys: [{ field: 'a', value: 1 }] });
    await defineIndex(db.id, 'pairs', { name: 'second', keys: [{ field: 'b', value: 1 }] });
    const swapped: Manifest = {
      version: 1,
      collections: {
        pairs: [
          { name: 'first', keys: [{ field: 'b', value: 1 }] },
          { name: 'second', keys: [{ field: 'a', value: 1 }] },
        ],
      },
    };
    const res = await client.put(`/databases/${db.id}/manifest`).send(swapped);
    expect(res.status).toBe(200);
    expect(res.body.updated).toEqual([
      { collection: 'pairs', name: 'first' },
      { collection: 'pairs', name: 'second' },
    ]);
    const exported = await exportManifest(db.id);
    expect(exported.collections).toEqual(swapped.collections);
  });
});
