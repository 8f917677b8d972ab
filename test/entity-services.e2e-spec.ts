// Entity caches through the gateway (issue 16): an entity defined on a registered database (a private
// FerretDB that keeps local.oplog.rs), writes to its collection captured by entity-capture into
// entity-oplog's PostgreSQL oplog, read back through the API, applied by the cache replica (its stats
// reach the last id), recreated; roles and projects checked, bad input named.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import {
  authedApi,
  dataDir,
  eventually,
  expectError,
  gateway,
  serviceUrl,
  loggedInUser,
  readServiceLog,
  registerUser,
  login,
  suffix,
  type AuthedApi,
} from './support/e2e-client';
import { ensureOplog } from '../tools/infra/ferretdb';
import { startPrivateFerretDb, startPrivateFerretDbWithOplog, type PrivateFerretDb } from './support';
import { scrape, valueOf } from './support/metrics-scrape';

jest.setTimeout(90_000);

interface Entry {
  id: string;
  entity: string;
  operation: 'upsert' | 'delete';
  documentId: string;
  data: Record<string, unknown> | null;
}

const SHAPE = [
  { name: 'id', type: 'Text', path: '_id' },
  { name: 'email', type: 'Text', path: 'email' },
  { name: 'age', type: 'Integer', path: 'age' },
  { name: 'city', type: 'Text', path: 'address.city' },
];

describe('entity caches through the gateway', () => {
  let ferret: PrivateFerretDb;
  let source: MongoClient;
  let owner: AuthedApi;
  let projectId: string;
  let databaseId: string;
  const dbName = `ent_${suffix()}`;
  const entity = `people_${suffix()}`.toLowerCase();
  const createRequestId = `e2e-entity-${suffix()}`;

  beforeAll(async () => {
    ferret = await startPrivateFerretDbWithOplog('ir-entity-services-');
    source = await MongoClient.connect(ferret.uri);
    // Written before the entity exists: the first scan brings it in.
    await source
      .db(dbName)
      .collection('people')
      .insertOne({ _id: 'u1' as never, email: 'ann@example.test', age: 41 });
    const user = await loggedInUser('admin');
    owner = authedApi(user.tokens.access_token);
    projectId = user.projectId;
    const database = await owner
      .post('/databases')
      .send({ name: `src_${suffix()}`, uri: ferret.uri, db_name: dbName, project_id: projectId });
    expect(database.status).toBe(201);
    databaseId = database.body.id as string;
  });

  afterAll(async () => {
    await source?.close();
    await ferret?.stop();
  });

  async function oplogOf(client: AuthedApi, after = '0'): Promise<Entry[]> {
    const res = await client.get(`/entities/${entity}/oplog?after=${after}&limit=1000`);
    expect(res.status).toBe(200);
    return res.body.entries as Entry[];
  }

  /** One replica's cache file, where make start and the tests' system put it (`<data>/caches/<replica>/dbs/<entity>`). */
  const cacheDir = (replica: string) => join(dataDir(), 'caches', replica, 'dbs', entity);

  /** The rows of one replica's SQLite cache, read as a user of the cache reads them; undefined while it is being rebuilt. */
  function cacheRows(replica: string): Record<string, unknown>[] | undefined {
    const db = new Database(join(cacheDir(replica), 'db.sqlite'), { readonly: true, fileMustExist: true, timeout: 5_000 });
    try {
      return db.prepare('SELECT * FROM rows ORDER BY _document_id').all() as Record<string, unknown>[];
    } catch {
      return undefined; // its table is dropped and made again by a rebuild
    } finally {
      db.close();
    }
  }

  /** Every replica's cache holds `rows` (polled: a replica applies, or rebuilds, between two reads). */
  async function cachesHold(rows: Record<string, unknown>[]): Promise<boolean> {
    const replicas = (await owner.get(`/entities/${entity}/replication`)).body.replicas as { replica: string }[];
    return (
      replicas.length > 0 &&
      replicas.every(({ replica }) => {
        const held = cacheRows(replica)?.map(({ _oplog_id: _applied, ...row }) => row);
        return JSON.stringify(held) === JSON.stringify(rows);
      })
    );
  }

  /** The project's audit entries of one action, newest first (the audit service stores them a moment after the change). */
  async function auditOf(action: string, count: number): Promise<Record<string, any>[]> {
    let items: Record<string, any>[] = [];
    await eventually(
      async () => {
        const res = await owner.get(`/audit?project_id=${projectId}&action=${action}`);
        items = res.status === 200 ? (res.body.items as Record<string, any>[]) : [];
        return items.length >= count;
      },
      10_000,
      250,
    );
    return items;
  }

  it('defines an entity, captures the scan and later writes, and serves its oplog', async () => {
    const created = await owner
      .post('/entities')
      .set('X-Request-Id', createRequestId)
      .send({ name: entity, source: { database_id: databaseId, collection: 'people' }, columns: SHAPE });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: entity, project_id: projectId, state: 'scanning', cache_generation: 0 });

    // The scan's upsert of u1 reaches the oplog once the scan is done.
    expect(await eventually(async () => (await oplogOf(owner)).some((e) => e.documentId === '"u1"'), 30_000, 250)).toBe(true);
    expect((await owner.get(`/entities/${entity}`)).body.state).toBe('scanned');

    const people = source.db(dbName).collection('people');
    await people.insertOne({ _id: 'u2' as never, email: 'bob@example.test', age: 'old', address: { city: 'Oslo' } });
    await people.updateOne({ _id: 'u1' as never }, { $set: { age: 42 } });
    await people.deleteOne({ _id: 'u2' as never });
    expect(await eventually(async () => (await oplogOf(owner)).some((e) => e.operation === 'delete'), 30_000, 250)).toBe(true);

    const entries = await oplogOf(owner);
    const ops = entries.map((e) => [e.operation, e.documentId, e.data?.['age'] ?? null]);
    expect(ops).toEqual([
      ['upsert', '"u1"', 41],
      ['upsert', '"u2"', null], // 'old' is no Integer: NULL
      ['upsert', '"u1"', 42],
      ['delete', '"u2"', null],
    ]);
    expect(entries.find((e) => e.documentId === '"u2"')?.data).toMatchObject({ city: 'Oslo' });

    // Paging: after the second entry only the last two; both entities in one call.
    expect((await oplogOf(owner, entries[1]!.id)).map((e) => e.id)).toEqual([entries[2]!.id, entries[3]!.id]);
    const many = await owner.post('/entities/oplog').send({ entities: [entity], after: '0', limit: 2 });
    expect(many.status).toBe(200);
    expect(many.body.entries).toHaveLength(2);
    expect(many.body.next_after).toBe(entries[1]!.id);

    // The list: the caller's entities, and those of one project.
    expect((await owner.get('/entities')).body.items.map((e: { name: string }) => e.name)).toContain(entity);
    const inProject = await owner.get(`/entities?project_id=${projectId}`);
    expect(inProject.status).toBe(200);
    expect(inProject.body.items).toEqual([expect.objectContaining({ name: entity, project_id: projectId, state: 'scanned' })]);
  });

  it("shows the replica's progress reaching the entity's last id, and recreates the cache", async () => {
    const lastId = async () => (await owner.get(`/entities/${entity}/replication`)).body as Record<string, any>;
    expect(
      await eventually(
        async () => {
          const stats = await lastId();
          return stats.replicas?.length > 0 && stats.replicas.every((r: any) => r.applied_id === stats.last_id && r.lag_entries === 0);
        },
        30_000,
        250,
      ),
    ).toBe(true);

    // The cache itself, on every replica: u1 as last updated, u2 deleted.
    const cached = [{ _document_id: '"u1"', id: 'u1', email: 'ann@example.test', age: 42, city: null }];
    expect(await eventually(() => cachesHold(cached), 30_000, 250)).toBe(true);

    const recreate = await owner.post(`/entities/${entity}/recreate`);
    expect(recreate.status).toBe(202);
    expect(recreate.body).toMatchObject({ entity, cache_generation: 1 });
    // Every replica rebuilds and reports the new generation, still at the last id.
    expect(
      await eventually(
        async () => {
          const stats = await lastId();
          return stats.replicas.every((r: any) => r.cache_generation === 1 && r.applied_id === stats.last_id);
        },
        30_000,
        250,
      ),
    ).toBe(true);

    expect(await eventually(() => cachesHold(cached), 30_000, 250)).toBe(true);

    const system = await owner.get('/entity-caches/stats');
    expect(system.status).toBe(200);
    expect(system.body.entities).toMatchObject({ total: 1, scanned: 1, scanning: 0 });
    expect(system.body.oplog.entries).toBe(4);
  });

  it("reports each entity service's dependencies in the system's readiness, the capture's position per source", async () => {
    const res = await gateway().get('/health/ready');
    expect(res.status).toBe(200);
    const info = res.body.info as Record<string, { status: string; dependencies: Record<string, Record<string, unknown>> }>;
    expect(info['entity-oplog']!.dependencies).toMatchObject({ nats: { status: 'up' }, postgresql: { status: 'up' } });
    expect(info['cache-replicator']!.dependencies.replica).toMatchObject({ status: 'up', offset: expect.any(String) });
    expect(info['entity-capture']!.dependencies.capture).toMatchObject({
      status: 'up',
      [`${databaseId}.state`]: 'capturing',
      [`${databaseId}.position`]: expect.stringMatching(/^\d+\.\d+$/),
      [`${databaseId}.lag_seconds`]: expect.any(Number),
    });
  });

  it('served no request before its schema was migrated: entity-oplog answered none with an internal error', () => {
    // The capture and the replica ask from their first second, while entity-oplog may still be migrating a new schema.
    const log = readServiceLog('entity-oplog');
    const migrated = log.findIndex((line) => line.message?.startsWith('applied migrations'));
    const answering = log.findIndex((line) => line.message === 'Nest microservice successfully started');
    expect(migrated).toBeGreaterThanOrEqual(0);
    expect(migrated).toBeLessThan(answering);
    expect(log.filter((line) => line.outcome === 'INTERNAL').map((line) => line.subject)).toEqual([]);
  });

  it('every backend service ran its start-up hooks before it subscribed its bus handlers, and answered nothing before', () => {
    // Nest logs the first line when app.init() has run every onModuleInit / onApplicationBootstrap, the second when the bus server listens.
    const services = ['auth', 'registry', 'comparator', 'sync-executor', 'audit', 'entity-oplog', 'entity-capture', 'cache-replicator'];
    const order = services.map((service) => {
      const log = readServiceLog(service);
      const hooked = log.findIndex((line) => line.message === 'Nest application successfully started');
      const answering = log.findIndex((line) => line.message === 'Nest microservice successfully started');
      const firstHandled = log.findIndex((line) => line.message === 'handled');
      return { service, hooksFirst: hooked >= 0 && hooked < answering, handledAfterHooks: firstHandled === -1 || hooked < firstHandled };
    });
    expect(order).toEqual(services.map((service) => ({ service, hooksFirst: true, handledAfterHooks: true })));
  });

  it("counts what was captured, appended and applied in the services' metrics", async () => {
    const captured = valueOf(await scrape(serviceUrl('entity-capture')), 'index_registry_entity_captured_total', {
      database_id: databaseId,
    });
    expect(captured).toBeGreaterThanOrEqual(3);
    expect(
      valueOf(await scrape(serviceUrl('entity-oplog')), 'index_registry_entity_appended_total', { destination: 'oplog' }),
    ).toBeGreaterThanOrEqual(3);
    const replica = await scrape(serviceUrl('cache-replicator'));
    expect(valueOf(replica, 'index_registry_entity_applied_total')).toBeGreaterThanOrEqual(4);
    // The recreate of the test before, and the replica caught up when it last read.
    expect(valueOf(replica, 'index_registry_entity_cache_recreates_total', { reason: 'requested' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(replica, 'index_registry_entity_replica_lag_entries')).toBe(0);
    // The system's one capture holds the lease, and says how far behind its source it is.
    const capture = await scrape(serviceUrl('entity-capture'));
    expect(valueOf(capture, 'index_registry_entity_capture_lease_held')).toBe(1);
    expect(valueOf(capture, 'index_registry_entity_capture_lag_seconds', { database_id: databaseId })).toBeGreaterThanOrEqual(0);
  });

  it('checks roles and projects: a viewer reads but cannot create or recreate; another project sees nothing', async () => {
    const viewerUser = await registerUser();
    const admin = owner;
    expect((await admin.put(`/projects/${projectId}/members/${viewerUser.profile.id}`).send({ role: 'viewer' })).status).toBe(200);
    const viewer = authedApi((await login(viewerUser)).access_token);
    expect((await viewer.get(`/entities/${entity}`)).status).toBe(200);
    expect((await oplogOf(viewer)).length).toBe(4);
    const create = await viewer
      .post('/entities')
      .send({ name: `v_${suffix()}`.toLowerCase(), source: { database_id: databaseId, collection: 'people' }, columns: SHAPE });
    expectError(create, 403);
    expect(create.body.message).toContain('entities:write');
    expectError(await viewer.post(`/entities/${entity}/recreate`), 403);
    const refresh = await viewer.post(`/entities/${entity}/refresh`);
    expectError(refresh, 403);
    expect(refresh.body.message).toContain('caches:recreate');
    expectError(await viewer.post(`/entities/${entity}/refresh?mode=soft`), 403);
    expectError(await viewer.delete(`/entities/${entity}`), 403);
    // Each refusal is on the audit trail, as denied, naming the permission the viewer lacked.
    const deniedCreate = (await auditOf('entity.created', 2)).find((e) => e.outcome === 'denied');
    expect(deniedCreate).toMatchObject({
      actor: expect.objectContaining({ id: viewerUser.profile.id }),
      details: { permission: 'entities:write' },
    });
    expect((await auditOf('entity.deleted', 1))[0]).toMatchObject({ outcome: 'denied', target: { kind: 'entity', id: entity } });
    const deniedRefreshes = (await auditOf('entity.refreshed', 2)).filter((e) => e.outcome === 'denied');
    expect(deniedRefreshes.map((e) => e.details)).toEqual(
      expect.arrayContaining([
        { mode: 'hard', permission: 'caches:recreate' },
        { mode: 'soft', permission: 'caches:recreate' },
      ]),
    );

    const stranger = authedApi((await loggedInUser('admin')).tokens.access_token);
    expectError(await stranger.get(`/entities/${entity}`), 404);
    expectError(await stranger.get(`/entities/${entity}/oplog`), 404);
    expectError(await stranger.post('/entities/oplog').send({ entities: [entity] }), 404);
    expect((await stranger.get('/entities')).body.items).toEqual([]);
    // Nor can it define an entity on a database of another project.
    expectError(
      await stranger
        .post('/entities')
        .send({ name: `s_${suffix()}`.toLowerCase(), source: { database_id: databaseId, collection: 'people' }, columns: SHAPE }),
      404,
    );
  });

  it('answers 400 naming the field for bad input, 409 for a taken name', async () => {
    const badName = await owner
      .post('/entities')
      .send({ name: 'Bad-Name', source: { database_id: databaseId, collection: 'people' }, columns: SHAPE });
    expectError(badName, 400);
    expect(JSON.stringify(badName.body.issues)).toContain('name');
    const badType = await owner.post('/entities').send({
      name: `x_${suffix()}`.toLowerCase(),
      source: { database_id: databaseId, collection: 'people' },
      columns: [{ name: 'a', type: 'Float', path: 'a' }],
    });
    expectError(badType, 400);
    expect(JSON.stringify(badType.body.issues)).toContain('columns');
    const badLimit = await owner.get(`/entities/${entity}/oplog?limit=5000`);
    expectError(badLimit, 400);
    expect(JSON.stringify(badLimit.body.issues)).toContain('limit');
    expectError(await owner.get(`/entities/${entity}/oplog?after=-1`), 400);
    const tooLate = await owner.get(`/entities/${entity}/oplog?after=9223372036854775808`);
    expectError(tooLate, 400);
    expect(JSON.stringify(tooLate.body.issues)).toContain('after');
    const noEntities = await owner.post('/entities/oplog').send({ entities: [] });
    expectError(noEntities, 400);
    expect(JSON.stringify(noEntities.body.issues)).toContain('entities');
    const reserved = await owner.put(`/entities/${entity}`).send({ columns: [{ name: '_document_id', type: 'Text', path: '_id' }] });
    expectError(reserved, 400);
    expect(JSON.stringify(reserved.body.issues)).toContain('columns');
    expectError(await owner.put(`/entities/${entity}`).send({}), 400);
    const badProject = await owner.get('/entities?project_id=nope');
    expectError(badProject, 400);
    expect(JSON.stringify(badProject.body.issues)).toContain('project_id');
    expectError(await owner.get('/entities/no_such_entity'), 404);
    expectError(await owner.post('/entities/no_such_entity/recreate'), 404);
    const taken = await owner
      .post('/entities')
      .send({ name: entity, source: { database_id: databaseId, collection: 'people' }, columns: SHAPE });
    expectError(taken, 409);
  });

  it('refreshes the entity on request: 202, scanning then scanned, the scan appended again, audited', async () => {
    const before = await oplogOf(owner);
    const badMode = await owner.post(`/entities/${entity}/refresh?mode=gentle`);
    expectError(badMode, 400);
    expect(JSON.stringify(badMode.body.issues)).toContain('mode');
    const refresh = await owner.post(`/entities/${entity}/refresh?mode=hard`);
    expect(refresh.status).toBe(202);
    expect(refresh.body).toMatchObject({ entity, mode: 'hard', requested_at: expect.any(String) });
    // Its scan is under way: a soft refresh would add nothing.
    expectError(await owner.post(`/entities/${entity}/refresh?mode=soft`), 409);
    expect((await owner.get(`/entities/${entity}`)).body.state).toBe('scanning');
    expect(await eventually(async () => (await owner.get(`/entities/${entity}`)).body.state === 'scanned', 30_000, 250)).toBe(true);
    // The scan's upsert of u1 (the only document left) came in after the entries there were; u2 stays deleted.
    const after = (await oplogOf(owner, before.at(-1)!.id)).map((e) => [e.operation, e.documentId]);
    expect(after).toEqual([['upsert', '"u1"']]);
    const audit = await owner.get(`/audit?project_id=${projectId}&action=entity.refreshed`);
    expect(audit.status).toBe(200);
    // Once, beside the viewer's refusals (denied) of the roles test.
    expect(audit.body.items.filter((e: { outcome: string }) => e.outcome === 'succeeded')).toEqual([
      expect.objectContaining({ action: 'entity.refreshed', details: { mode: 'hard' } }),
    ]);
  });

  it('soft-refreshes on request: 202, the request shown until the capture scanned again as upserts (writes going on), then its time done', async () => {
    const last = (await oplogOf(owner)).at(-1)!.id;
    const soft = await owner.post(`/entities/${entity}/refresh?mode=soft`);
    expect(soft.status).toBe(202);
    expect(soft.body).toMatchObject({ entity, mode: 'soft', requested_at: expect.any(String) });
    const requestedAt = soft.body.requested_at as string;
    const pending = (await owner.get(`/entities/${entity}`)).body;
    // The entity stays scanned: its changes go on reaching the oplog meanwhile.
    expect(pending.state).toBe('scanned');
    expect(pending.soft_refresh_requested_at === requestedAt || pending.soft_refresh_done_at !== undefined).toBe(true);
    await source
      .db(dbName)
      .collection('people')
      .updateOne({ _id: 'u1' as never }, { $set: { age: 43 } });

    // The capture reads the request with the entities (every 2 s), scans, and clears it.
    const done = await eventually(
      async () => {
        const view = (await owner.get(`/entities/${entity}`)).body;
        return view.soft_refresh_requested_at === undefined && typeof view.soft_refresh_done_at === 'string';
      },
      30_000,
      250,
    );
    expect(done).toBe(true);
    const view = (await owner.get(`/entities/${entity}`)).body;
    expect(Date.parse(view.soft_refresh_done_at)).toBeGreaterThanOrEqual(Date.parse(requestedAt));
    // The scan's upsert of u1 and the update, in either order, both after what was there; the last holds 43.
    expect(await eventually(async () => (await oplogOf(owner, last)).filter((e) => e.documentId === '"u1"').length >= 2, 30_000, 250)).toBe(
      true,
    );
    const after = await oplogOf(owner, last);
    expect(after.every((e) => e.operation === 'upsert' && e.documentId === '"u1"')).toBe(true);
    expect(after.at(-1)!.data).toMatchObject({ age: 43 });
    // And the cache replica applies them.
    expect(
      await eventually(
        async () => {
          const stats = (await owner.get(`/entities/${entity}/replication`)).body;
          return stats.last_id === after.at(-1)!.id && stats.replicas.every((r: { applied_id: string }) => r.applied_id === stats.last_id);
        },
        30_000,
        250,
      ),
    ).toBe(true);
    const audit = await owner.get(`/audit?project_id=${projectId}&action=entity.refreshed`);
    expect(audit.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ details: { mode: 'soft' } })]));
  });

  it('accepts refresh_interval_seconds (shown in GET, validated) and re-scans on that schedule', async () => {
    const bad = await owner.put(`/entities/${entity}`).send({ refresh_interval_seconds: 0 });
    expectError(bad, 400);
    expect(JSON.stringify(bad.body.issues)).toContain('refresh_interval_seconds');
    const updated = await owner.put(`/entities/${entity}`).send({ refresh_interval_seconds: 60 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ refresh_interval_seconds: 60, state: 'scanned' });
    expect((await owner.get(`/entities/${entity}`)).body.refresh_interval_seconds).toBe(60);
    const last = (await oplogOf(owner)).at(-1)!.id;
    // The capture picks the interval up with the entities (every 2 s); the first run comes one interval (± 10 %) later.
    const rescanned = await eventually(async () => (await oplogOf(owner, last)).some((e) => e.documentId === '"u1"'), 100_000, 1_000);
    expect(rescanned).toBe(true);
    const removed = await owner.put(`/entities/${entity}`).send({ refresh_interval_seconds: null });
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('refresh_interval_seconds');
  }, 150_000);

  it("changes the shape: the collection scanned again, every replica's cache rebuilt with the new column; audited", async () => {
    await source
      .db(dbName)
      .collection('people')
      .updateOne({ _id: 'u1' as never }, { $set: { nickname: 'Annie' } });
    const shape = [...SHAPE, { name: 'nickname', type: 'Text', path: 'nickname' }];
    const updated = await owner.put(`/entities/${entity}`).send({ columns: shape });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ columns: shape, state: 'scanning' });
    expect(await eventually(async () => (await owner.get(`/entities/${entity}`)).body.state === 'scanned', 30_000, 250)).toBe(true);
    const cached = [{ _document_id: '"u1"', id: 'u1', email: 'ann@example.test', age: 43, city: null, nickname: 'Annie' }];
    expect(await eventually(() => cachesHold(cached), 30_000, 250)).toBe(true);
    const audit = (await auditOf('entity.updated', 3)).find((e) => e.changes?.after?.columns?.length === shape.length);
    expect(audit).toMatchObject({ outcome: 'succeeded', changes: { before: { columns: SHAPE } } });
  });

  it('records the changes on the audit trail with the request id that made them', async () => {
    const [created] = (await auditOf('entity.created', 2)).filter((e) => e.outcome === 'succeeded');
    expect(created).toMatchObject({
      service: 'entity-oplog',
      request_id: createRequestId,
      target: { kind: 'entity', id: entity, name: entity },
      changes: { before: null, after: expect.objectContaining({ name: entity, columns: SHAPE }) },
    });
    const recreated = (await auditOf('entity.cache_recreate_requested', 2)).filter((e) => e.outcome === 'succeeded');
    expect(recreated).toEqual([expect.objectContaining({ details: { cache_generation: 1 } })]);
  });

  it("deletes the entity with its oplog and every replica's cache directory", async () => {
    const replicas = (await owner.get(`/entities/${entity}/replication`)).body.replicas as { replica: string }[];
    expect(replicas.length).toBeGreaterThan(0);
    const deleted = await owner.delete(`/entities/${entity}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true });
    expectError(await owner.get(`/entities/${entity}`), 404);
    expect((await owner.get('/entity-caches/stats')).body).toMatchObject({ entities: { total: 0 }, oplog: { entries: 0 } });
    expect(await eventually(async () => replicas.every(({ replica }) => !existsSync(cacheDir(replica))), 30_000, 250)).toBe(true);
    expect((await auditOf('entity.deleted', 2)).find((e) => e.outcome === 'succeeded')).toMatchObject({
      changes: { before: expect.objectContaining({ name: entity }), after: null },
    });
  });

  it('shows on the entity why its source cannot be captured (no oplog, no change streams), and clears it once it can', async () => {
    const bare = await startPrivateFerretDb('ir-entity-no-oplog-', { oplog: false });
    const name = `bare_${suffix()}`.toLowerCase();
    try {
      const database = await owner
        .post('/databases')
        .send({ name: `bare_${suffix()}`, uri: bare.uri, db_name: dbName, project_id: projectId });
      expect(database.status).toBe(201);
      const created = await owner
        .post('/entities')
        .send({ name, source: { database_id: database.body.id, collection: 'people' }, columns: SHAPE });
      expect(created.status).toBe(201);

      const captureError = async () => (await owner.get(`/entities/${name}`)).body.capture_error as Record<string, unknown> | undefined;
      expect(await eventually(async () => (await captureError())?.reason === 'no_change_history', 30_000, 250)).toBe(true);
      const shown = await owner.get(`/entities/${name}`);
      expect(shown.body).toMatchObject({
        state: 'scanning',
        capture_error: { reason: 'no_change_history', message: expect.stringContaining('local.oplog.rs'), since: expect.any(String) },
      });
      const listed = (await owner.get('/entities')).body.items as { name: string; capture_error?: unknown }[];
      expect(listed.find((item) => item.name === name)?.capture_error).toEqual(shown.body.capture_error);

      // The source gains an oplog: the capture retries (its backoff reaches 30 s), scans, and the error is gone.
      await ensureOplog(bare.uri);
      expect(
        await eventually(
          async () => {
            const res = await owner.get(`/entities/${name}`);
            return res.body.state === 'scanned' && res.body.capture_error === undefined;
          },
          75_000,
          500,
        ),
      ).toBe(true);
    } finally {
      await owner.delete(`/entities/${name}`);
      await bare.stop();
    }
  }, 120_000);
});
