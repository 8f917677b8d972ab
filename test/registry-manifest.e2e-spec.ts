// A database's whole index design as one manifest (JSON or YAML): export,
// validation of everything before any change, dry runs, and the round trip; and what makes a PUT
// safe from CI: the database block checked, ETag / If-Match, deletions opt-in, before/after,
// every validation error at once named by index name, obsolete options accepted with a warning.
import { ObjectId } from 'mongodb';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { authedApi, type AuthedApi, createTargetDatabase, type DatabaseBody, expectError, loggedInUser } from './support/e2e-client';

interface ManifestIndex {
  name?: string;
  keys: { field: string; value: number | string }[];
  options?: Record<string, unknown>;
}
interface Manifest {
  version: 1;
  database?: { id?: string; name?: string; db_name: string };
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

function applyManifest(databaseId: string, manifest: unknown, dryRun = false, allowDeletions = false) {
  const query = [dryRun ? 'dry_run=true' : '', allowDeletions ? 'allow_deletions=true' : ''].filter(Boolean).join('&');
  return client.put(`/databases/${databaseId}/manifest${query ? `?${query}` : ''}`).send(manifest as object);
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
    edited.collections.orders.sort((a, b) => a.name!.localeCompare(b.name!));
    const email = edited.collections.users.find((i) => i.name === 'email_1')!;
    email.options = { collation: { locale: 'fr', strength: 1 } };
    edited.collections.payments = [{ name: 'loc_2dsphere', keys: [{ field: 'loc', value: '2dsphere' }] }];

    const expected = {
      created: [
        { collection: 'orders', name: 'total_-1' },
        { collection: 'payments', name: 'loc_2dsphere' },
      ],
      updated: [
        {
          collection: 'users',
          name: 'email_1',
          before: { options: { is_unique: true } },
          after: { options: { collation: { locale: 'fr', strength: 1 } } },
        },
      ],
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

    const dry = await applyManifest(db.id, edited, true, true);
    expect(dry.status).toBe(200);
    expect(normalize(dry.body)).toEqual(normalize({ dry_run: true, ...expected }));
    expect(await exportManifest(db.id)).toEqual(original);

    const applied = await applyManifest(db.id, edited, false, true);
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
      version: expect.any(Number),
      created: [
        { collection: 'events', name: 'by_type' },
        { collection: 'events', name: 'title_text' },
      ],
      updated: [],
      deleted: [],
      unchanged: [],
      warnings: [],
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
        expect.objectContaining({ field: 'collections.orders["expires_at_1"].options.expire_after_seconds', rule: 'ttl_single_field' }),
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
      'collections.docs["b_text"].keys',
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
      'collections.docs["same"#2].name',
      'duplicate_name',
    ],
    [
      'an index whose key cannot be read (and so has no name to go by: its position)',
      (m) => {
        m.collections.docs = [{ keys: [{ field: 'a', value: 0 }] }];
      },
      'collections.docs[0].keys.0.value',
      undefined,
    ],
    [
      'an unknown option',
      (m) => {
        m.collections.docs = [{ name: 'a_1', keys: [{ field: 'a', value: 1 }], options: { unique: true } }];
      },
      'collections.docs["a_1"].options.unique',
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

  it('an empty manifest deletes every definition only with allow_deletions=true (dry run first answers the same)', async () => {
    const db = await seededDatabase();
    for (const dryRun of [true, false]) {
      const refused = await applyManifest(db.id, { version: 1, collections: {} }, dryRun);
      expectError(refused, 409, 'CONFLICT');
      expect(refused.body.details.would_delete).toHaveLength(5);
    }
    expect(Object.keys((await exportManifest(db.id)).collections)).toEqual(['orders', 'users']);

    const dry = await applyManifest(db.id, { version: 1, collections: {} }, true, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, created: [], updated: [], unchanged: [] });
    expect(dry.body.deleted).toHaveLength(5);
    expect(Object.keys((await exportManifest(db.id)).collections)).toEqual(['orders', 'users']);

    const res = await applyManifest(db.id, { version: 1, collections: {} }, false, true);
    expect(res.body).toEqual({ ...dry.body, dry_run: false, version: dry.body.version + 1 });
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
      { collection: 'pairs', name: 'first', before: { keys: [{ field: 'a', value: 1 }] }, after: { keys: [{ field: 'b', value: 1 }] } },
      { collection: 'pairs', name: 'second', before: { keys: [{ field: 'b', value: 1 }] }, after: { keys: [{ field: 'a', value: 1 }] } },
    ]);
    const exported = await exportManifest(db.id);
    expect(exported.collections).toEqual(swapped.collections);
  });
});

describe('a manifest PUT fit for CI', () => {
  /** A manifest of one index on its own field, so that two of them never collide by identity. */
  const oneIndex = (field: string): Manifest => ({ version: 1, collections: { c: [{ name: `${field}_1`, keys: [{ field, value: 1 }] }] } });

  it.each<[string, (db: DatabaseBody) => Manifest['database'], string]>([
    ['another db_name', (db) => ({ name: db.name, db_name: 'otherdb' }), 'database.db_name'],
    ['another registered name', (db) => ({ name: 'someone-else', db_name: db.db_name }), 'database.name'],
    ['another registered id', (db) => ({ id: new ObjectId().toHexString(), db_name: db.db_name }), 'database.id'],
  ])('a manifest for %s is a 409 naming the field, dry run or not, and changes nothing', async (_case, block, field) => {
    const db = await seededDatabase();
    const before = await exportManifest(db.id);
    const manifest = { ...structuredClone(before), database: block(db) };
    manifest.collections.orders.push({ name: 'new_1', keys: [{ field: 'new', value: 1 }] });

    for (const dryRun of [true, false]) {
      const res = await applyManifest(db.id, manifest, dryRun);
      expectError(res, 409, 'CONFLICT');
      expect(res.body.issues).toEqual([expect.objectContaining({ field, rule: 'database_mismatch' })]);
    }
    expect(await exportManifest(db.id)).toEqual(before);

    const own = await applyManifest(db.id, { ...manifest, database: { id: db.id, name: db.name, db_name: db.db_name } });
    expect(own.status).toBe(200);
    expect(own.body.created).toEqual([{ collection: 'orders', name: 'new_1' }]);
  });

  it('GET answers an ETag, the version of the definitions; PUT with it applies and answers the next one', async () => {
    const db = await seededDatabase();
    const got = await client.get(`/databases/${db.id}/manifest`);
    const etag = got.headers.etag as string;
    expect(etag).toMatch(/^"\d+"$/);
    expect(got.headers.vary).toMatch(/Accept/);
    // The two representations share the ETag (the version If-Match names), so no cache may keep either.
    expect(got.headers['cache-control']).toBe('no-store');
    const yaml = await client.get(`/databases/${db.id}/manifest`).set('Accept', 'application/yaml');
    expect(yaml.headers.etag).toBe(etag);

    const manifest = got.body as Manifest;
    manifest.collections.orders.push({ name: 'new_1', keys: [{ field: 'new', value: 1 }] });
    const dry = await applyManifest(db.id, manifest, true).set('If-Match', etag);
    expect(dry.status).toBe(200);
    expect(dry.headers.etag).toBe(etag);

    const res = await applyManifest(db.id, manifest).set('If-Match', etag);
    expect(res.status).toBe(200);
    expect(res.body.created).toEqual([{ collection: 'orders', name: 'new_1' }]);
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
    expect(res.headers.etag).not.toBe(etag);
    expect((await client.get(`/databases/${db.id}/manifest`)).headers.etag).toBe(res.headers.etag);

    // Unchanged: the same manifest with the new ETag changes nothing and keeps the version.
    const again = await applyManifest(db.id, manifest).set('If-Match', res.headers.etag);
    expect(again.body).toMatchObject({ created: [], updated: [], deleted: [], version: res.body.version });
  });

  it('a stale If-Match is a 412 with the current version, dry run or not, and changes nothing', async () => {
    const db = await seededDatabase();
    const got = await client.get(`/databases/${db.id}/manifest`);
    const stale = got.headers.etag as string;
    // Someone else changes a definition after the manifest was read.
    await defineIndex(db.id, 'orders', { keys: [{ field: 'someone_else', value: 1 }] });
    const current = (await client.get(`/databases/${db.id}/manifest`)).headers.etag as string;
    expect(current).not.toBe(stale);

    const manifest = got.body as Manifest;
    manifest.collections.orders.push({ name: 'mine_1', keys: [{ field: 'mine', value: 1 }] });
    for (const dryRun of [true, false]) {
      const res = await applyManifest(db.id, manifest, dryRun, true).set('If-Match', stale);
      expectError(res, 412, 'PRECONDITION_FAILED');
      expect(res.body.details).toEqual({ current_version: Number(current.slice(1, -1)), etag: current });
    }
    // A weak tag never matches under If-Match's strong comparison.
    expectError(await applyManifest(db.id, manifest, false, true).set('If-Match', `W/${current}`), 412, 'PRECONDITION_FAILED');
    const exported = await exportManifest(db.id);
    expect(exported.collections.orders.map((i) => i.name)).toContain('someone_else_1');
    expect(exported.collections.orders.map((i) => i.name)).not.toContain('mine_1');

    expectError(await applyManifest(db.id, manifest).set('If-Match', 'not-a-tag'), 400, 'VALIDATION_FAILED');
    const any = await applyManifest(db.id, manifest, false, true).set('If-Match', '*');
    expect(any.status).toBe(200);
    expect(any.body.created).toEqual([{ collection: 'orders', name: 'mine_1' }]);
    expect(any.body.deleted).toEqual([{ collection: 'orders', name: 'someone_else_1' }]);
  });

  it('of four PUTs holding the same ETag at once, one applies and the others are a 412', async () => {
    const db = await createTargetDatabase(client);
    const etag = (await client.get(`/databases/${db.id}/manifest`)).headers.etag as string;
    const answers = await Promise.all(
      ['first', 'second', 'third', 'fourth'].map((field) => applyManifest(db.id, oneIndex(field), false, true).set('If-Match', etag)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412, 412, 412]);
    const winner = answers.find((a) => a.status === 200)!;
    expect(
      Object.values((await exportManifest(db.id)).collections)
        .flat()
        .map((i) => i.name),
    ).toEqual([winner.body.created[0].name]);
  });

  it('a manifest that would delete definitions needs allow_deletions=true: a 409 lists them by collection and name', async () => {
    const db = await seededDatabase();
    const before = await exportManifest(db.id);
    const manifest = structuredClone(before);
    manifest.collections.orders = manifest.collections.orders.filter((i) => i.name !== 'by_customer');
    delete manifest.collections.users;

    for (const dryRun of [true, false]) {
      const res = await applyManifest(db.id, manifest, dryRun);
      expectError(res, 409, 'CONFLICT');
      expect(res.body.details.would_delete).toEqual([
        { collection: 'orders', name: 'by_customer' },
        { collection: 'users', name: '$**_1' },
        { collection: 'users', name: 'email_1' },
      ]);
      expect(res.body.message).toContain('allow_deletions=true');
    }
    expect(await exportManifest(db.id)).toEqual(before);

    const res = await applyManifest(db.id, manifest, false, true);
    expect(res.status).toBe(200);
    expect(res.body.deleted).toHaveLength(3);
    expect(Object.keys((await exportManifest(db.id)).collections)).toEqual(['orders']);
  });

  it('shows each updated definition with only the fields that differ, before and after', async () => {
    const db = await seededDatabase();
    const manifest = await exportManifest(db.id);
    const byCustomer = manifest.collections.orders.find((i) => i.name === 'by_customer')!;
    byCustomer.keys = [
      { field: 'customer_id', value: 1 },
      { field: 'created_at', value: -1 },
    ];
    byCustomer.options = { collation: { locale: 'en', strength: 2 }, sparse: true };
    manifest.collections.orders.find((i) => i.name === 'expires_at_1')!.options = { expire_after_seconds: 7200 };

    const res = await applyManifest(db.id, manifest, true);
    expect(res.status).toBe(200);
    expect(res.body.updated).toEqual([
      {
        collection: 'orders',
        name: 'by_customer',
        before: { keys: [{ field: 'customer_id', value: 1 }] },
        after: { keys: byCustomer.keys, options: { sparse: true } },
      },
      {
        collection: 'orders',
        name: 'expires_at_1',
        before: { options: { expire_after_seconds: 3600 } },
        after: { options: { expire_after_seconds: 7200 } },
      },
    ]);
    expect(res.body.unchanged).toHaveLength(3);
  });

  it('answers every validation error at once, each named by collection and index name, and changes nothing', async () => {
    const db = await seededDatabase();
    const before = await exportManifest(db.id);
    const manifest = structuredClone(before) as unknown as { collections: Record<string, unknown[]> } & Record<string, unknown>;
    manifest.owner = 'sre';
    manifest.collections.orders.push(
      { name: 'status_1', keys: [{ field: 'status', value: 1 }], options: { unique: true } },
      {
        name: 'ttl_pair',
        keys: [
          { field: 'a', value: 1 },
          { field: 'b', value: 1 },
        ],
        options: { expire_after_seconds: 60 },
      },
      { name: 'customer_again', keys: [{ field: 'customer_id', value: 1 }], options: { collation: { locale: 'en', strength: 2 } } },
    );
    manifest.collections.users.push(
      { name: 'second_text', keys: [{ field: 'bio', value: 'text' }] },
      { name: 'third_text', keys: [{ field: 'about', value: 'text' }] },
    );

    for (const dryRun of [true, false]) {
      const res = await applyManifest(db.id, manifest, dryRun, true);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.issues.map((i: { field: string; rule: string }) => `${i.field} ${i.rule}`).sort()).toEqual(
        [
          'owner unknown_field',
          'collections.orders["status_1"].options.unique unknown_field',
          'collections.orders["ttl_pair"].options.expire_after_seconds ttl_single_field',
          'collections.orders["customer_again"].keys duplicate_index',
          'collections.users["third_text"].keys one_text_index',
        ].sort(),
      );
      const duplicate = res.body.issues.find((i: { rule: string }) => i.rule === 'duplicate_index');
      expect(duplicate.message).toContain('collections.orders["by_customer"]');
    }
    expect(await exportManifest(db.id)).toEqual(before);
  });

  it('accepts the obsolete background, ns and v with a warning each, and stores none of them', async () => {
    const db = await createTargetDatabase(client);
    const manifest = {
      version: 1,
      collections: {
        cases: [
          { name: 'status_1', v: 2, ns: `${db.db_name}.cases`, keys: [{ field: 'status', value: 1 }], options: { background: true } },
          { name: 'ref_1', keys: [{ field: 'ref', value: 1 }], options: { background: false, is_unique: true } },
        ],
      },
    };
    const res = await applyManifest(db.id, manifest);
    expect(res.status).toBe(200);
    expect(res.body.created).toHaveLength(2);
    expect(res.body.warnings.map((w: { field: string }) => w.field)).toEqual([
      'collections.cases["status_1"].ns',
      'collections.cases["status_1"].v',
      'collections.cases["status_1"].options.background',
      'collections.cases["ref_1"].options.background',
    ]);
    expect((await exportManifest(db.id)).collections).toEqual({
      cases: [
        { name: 'ref_1', keys: [{ field: 'ref', value: 1 }], options: { is_unique: true } },
        { name: 'status_1', keys: [{ field: 'status', value: 1 }] },
      ],
    });
  });

  it("takes an index without a name under MongoDB's default name, as POST /indexes does", async () => {
    const db = await createTargetDatabase(client);
    const manifest = {
      version: 1,
      collections: {
        cases: [
          {
            keys: [
              { field: 'status', value: 1 },
              { field: 'opened_at', value: -1 },
            ],
          },
        ],
      },
    };
    const res = await applyManifest(db.id, manifest);
    expect(res.status).toBe(200);
    expect(res.body.created).toEqual([{ collection: 'cases', name: 'status_1_opened_at_-1' }]);
    expect((await exportManifest(db.id)).collections.cases).toEqual([
      { name: 'status_1_opened_at_-1', keys: manifest.collections.cases[0].keys },
    ]);
    // Exported (named) and applied again: the same definition, unchanged.
    const again = await applyManifest(db.id, await exportManifest(db.id));
    expect(again.body.unchanged).toEqual([{ collection: 'cases', name: 'status_1_opened_at_-1' }]);
  });

  it('an unknown query parameter is still a 400 naming it', async () => {
    const db = await createTargetDatabase(client);
    const res = await client.put(`/databases/${db.id}/manifest?allow_deletion=true`).send({ version: 1, collections: {} });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.issues).toEqual([expect.objectContaining({ field: 'allow_deletion', rule: 'unknown_parameter' })]);
  });
});
