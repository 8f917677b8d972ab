// Syncs through the gateway on a system of this file's own (a private NATS, so
// its executors are the only ones on the work queue): end state, the lock under
// 50 concurrent requests, dry runs, two replicas, an executor killed mid-sync,
// and a target that goes away mid-sync.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { checkedAgainstDocument } from './support/e2e-openapi';
import { E2E_SERVICE_ENV, startPrivateNats, startSystem, type PrivateNats, type RunningSystem } from '@ir/testing';
import type { ServiceHandle } from '../tools/infra/services';
import { expectNoStackTrace, freshIp, suffix, targetMongoUri, tcpRelay } from './support/e2e-client';

interface SyncView {
  id: string;
  database_id: string;
  status: string;
  progress: number;
  dry_run: boolean;
  error: string | null;
  steps: { number: number; status: string; attempts: number; operation: { kind: string; collection: string; index: string } }[];
}

let nats: PrivateNats;
let system: RunningSystem;
let mongo: MongoClient;
let token: string;

const client = () => {
  const ip = freshIp();
  const wrap = (test: request.Test) => test.set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', ip);
  const api = () => checkedAgainstDocument(request(system.apiUrl));
  return {
    get: (path: string) => wrap(api().get(path)),
    post: (path: string) => wrap(api().post(path)),
    put: (path: string) => wrap(api().put(path)),
  };
};

beforeAll(async () => {
  nats = await startPrivateNats('ir-sync-e2e-');
  const dataDir = mkdtempSync(join(tmpdir(), 'ir-sync-system-'));
  system = await startSystem({
    natsUrl: nats.url,
    natsCredentialsDir: nats.credentialsDir,
    mongoUri: targetMongoUri(),
    postgresUrl: process.env.TEST_POSTGRES_URL!,
    dbPrefix: `ir_sync_${process.pid}`,
    dataDir,
    logDir: join(dataDir, 'logs'),
    trustProxy: true,
    env: E2E_SERVICE_ENV,
  });
  mongo = await new MongoClient(targetMongoUri()).connect();
  const user = { email: `sync-${suffix()}@example.com`, username: `sync_${suffix()}`, password: 'sync-test-password' };
  await request(system.apiUrl).post('/auth/register').set('X-Forwarded-For', freshIp()).send(user).expect(201);
  const login = await request(system.apiUrl)
    .post('/auth/login')
    .set('X-Forwarded-For', freshIp())
    .send({ username: user.username, password: user.password });
  token = login.body.access_token as string;
}, 120_000);

afterAll(async () => {
  await mongo?.close();
  await system?.stop();
  await nats?.stop();
});

/** A target with `collections` collections of a few documents, registered, with its DR set to `design`. */
type Design = Record<string, { name: string; keys: { field: string; value: number }[]; options?: Record<string, unknown> }[]>;

async function targetWithDesign(design: Design, seed?: (dbName: string) => Promise<void>, uri = targetMongoUri()) {
  const dbName = `sync_target_${suffix()}`;
  for (const collection of Object.keys(design)) {
    await mongo
      .db(dbName)
      .collection(collection)
      .insertMany(Array.from({ length: 20 }, (_, i) => ({ n: i, s: `v${i}` })));
  }
  await seed?.(dbName);
  const created = await client().post('/databases').send({ name: dbName, uri, db_name: dbName });
  expect(created.status).toBe(201);
  const applied = await client().put(`/databases/${created.body.id}/manifest`).send({ version: 1, collections: design });
  expect(applied.status).toBe(200);
  return { id: created.body.id as string, dbName };
}

async function waitForEnd(syncId: string, timeoutMs = 60_000): Promise<SyncView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await client().get(`/indexes/sync-status/${syncId}`);
    expect(res.status).toBe(200);
    const view = res.body as SyncView;
    if (['completed', 'partially_failed', 'failed', 'cancelled'].includes(view.status)) return view;
    if (Date.now() > deadline) throw new Error(`sync ${syncId} still ${view.status} at ${view.progress}%`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function noDrift(databaseId: string): Promise<void> {
  const compared = await client().post('/indexes/compare-by-database').send({ database_id: databaseId });
  expect(compared.status).toBe(200);
  expect(compared.body.totals).toMatchObject({ missing: 0, redundant: 0, different: 0, failed_collections: 0 });
}

/** One index on each of `count` collections: creates on different collections are sent one command each. */
const spread = (count: number): Design =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`c${String(i).padStart(2, '0')}`, many(1)]));

const many = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    name: `f${i}_1_s_1`,
    keys: [
      { field: `f${i}`, value: 1 },
      { field: 's', value: 1 },
    ],
  }));

describe('a sync', () => {
  it('answers 202 at once, creates what is missing and drops what is redundant, and leaves no drift', async () => {
    const target = await targetWithDesign(
      { orders: many(3), users: [{ name: 'email_1', keys: [{ field: 'email', value: 1 }], options: { is_unique: true } }] },
      async (db) => {
        await mongo.db(db).collection('orders').createIndex({ legacy: 1 });
      },
    );
    const res = await client().post('/indexes/sync-by-database').send({ database_id: target.id });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ sync_id: expect.any(String), status: 'pending', database_id: target.id });

    const view = await waitForEnd(res.body.sync_id);
    expect(view).toMatchObject({ status: 'completed', progress: 100, error: null });
    const operations = view.steps.map((s) => `${s.operation.kind} ${s.operation.collection}.${s.operation.index} ${s.status}`);
    expect(operations).toEqual(
      expect.arrayContaining(['create orders.f0_1_s_1 done', 'create users.email_1 done', 'drop orders.legacy_1 done']),
    );
    expect(operations).toHaveLength(5);
    const names = (await mongo.db(target.dbName).collection('orders').listIndexes().toArray()).map((i) => i.name).sort();
    expect(names).toEqual(['_id_', 'f0_1_s_1', 'f1_1_s_1', 'f2_1_s_1']);
    await noDrift(target.id);

    const history = await client().get(`/indexes/sync-status/by-database/${target.id}`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((s: SyncView) => s.id)).toEqual([res.body.sync_id]);
  });

  it('as a dry run records the plan and changes nothing', async () => {
    const target = await targetWithDesign({ orders: many(2) });
    const res = await client()
      .post('/indexes/sync-by-collections')
      .send({ database_id: target.id, collections: ['orders'], dry_run: true });
    expect(res.status).toBe(202);
    const view = await waitForEnd(res.body.sync_id);
    expect(view).toMatchObject({ status: 'completed', dry_run: true });
    expect(view.steps.map((s) => s.status)).toEqual(['skipped', 'skipped']);
    expect((await mongo.db(target.dbName).collection('orders').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('is the only one of its database: of 50 requests at once one is accepted, 49 get 409 naming it', async () => {
    // A target 25 ms away, creates on 40 collections: the accepted sync runs while the 50 requests arrive.
    const relay = await tcpRelay(targetMongoUri(), { latencyMs: 25 });
    const target = await targetWithDesign(spread(40), undefined, relay.uri);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => client().post('/indexes/sync-by-database').send({ database_id: target.id })),
    );
    const accepted = answers.filter((r) => r.status === 202);
    const refused = answers.filter((r) => r.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const r of refused) {
      expect(r.body).toMatchObject({ error: 'CONFLICT', details: { sync_id: accepted[0].body.sync_id } });
      expectNoStackTrace(r.text);
    }
    expect((await waitForEnd(accepted[0].body.sync_id)).status).toBe('completed');
    // Once it has ended, the database takes a new sync.
    const next = await client().post('/indexes/sync-by-database').send({ database_id: target.id });
    expect(next.status).toBe(202);
    await waitForEnd(next.body.sync_id);
    await relay.close();
  });

  it('answers 400 for a bad body and 404 for an unknown sync', async () => {
    const bad = await client().post('/indexes/sync-by-collections').send({ database_id: 'nope', collections: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['collections', 'database_id']);
    expect((await client().get('/indexes/sync-status/0123456789abcdef01234567')).status).toBe(404);
  });
});

describe('the progress stream', () => {
  it('sends the status, then progress events, and ends with completed', async () => {
    const target = await targetWithDesign({ streamed: many(30) });
    const res = await client().post('/indexes/sync-by-database').send({ database_id: target.id });
    expect(res.status).toBe(202);
    const response = await fetch(`${system.apiUrl}/indexes/sync-status/${res.body.sync_id}/events`, {
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': freshIp() },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text(); // the server ends the stream when the sync ends
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event:'))
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) as { progress: number } };
      });
    expect(events[0].event).toBe('status');
    expect(events.at(-1)!.event).toBe('completed');
    expect(events.at(-1)!.data.progress).toBe(100);
    const progress = events.slice(1).map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });
});

describe('sync-executor replicas', () => {
  const replicas: ServiceHandle[] = [];

  it('share the work queue: every sync completes, each exactly once', async () => {
    replicas.push(system.services['sync-executor'], await system.addReplica('sync-executor'));
    const targets = await Promise.all(Array.from({ length: 6 }, () => targetWithDesign({ items: many(4) })));
    const syncs = await Promise.all(targets.map((t) => client().post('/indexes/sync-by-database').send({ database_id: t.id })));
    const views = await Promise.all(syncs.map((s) => waitForEnd(s.body.sync_id)));
    expect(views.map((v) => v.status)).toEqual(Array(6).fill('completed'));
    for (const view of views) expect(view.steps.every((s) => s.status === 'done' && s.attempts === 1)).toBe(true);
    for (const target of targets) await noDrift(target.id);
  }, 120_000);

  it('finish a sync whose executor was killed (kill -9) mid-sync, with the same end state', async () => {
    // A target 25 ms away: 80 creates on 80 collections take seconds, and the kill lands mid-sync.
    const relay = await tcpRelay(targetMongoUri(), { latencyMs: 25 });
    const target = await targetWithDesign(spread(80), undefined, relay.uri);
    const res = await client().post('/indexes/sync-by-database').send({ database_id: target.id });
    expect(res.status).toBe(202);
    for (let progress = 0; progress === 0;) {
      const view = (await client().get(`/indexes/sync-status/${res.body.sync_id}`)).body as SyncView;
      progress = view.progress;
      if (view.status !== 'running' && view.status !== 'pending') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Every replica dies without acking (whichever had taken the job); a new one takes the
    // redelivered job once its ack wait has passed.
    const beforeKill = (await client().get(`/indexes/sync-status/${res.body.sync_id}`)).body as SyncView;
    for (const replica of replicas) await replica.process.kill9();
    expect(beforeKill.status).toBe('running');
    expect(beforeKill.progress).toBeLessThan(100);
    replicas.push(await system.addReplica('sync-executor'));

    const view = await waitForEnd(res.body.sync_id, 90_000);
    expect(view.status).toBe('completed');
    expect(view.steps).toHaveLength(80);
    expect(view.steps.every((s) => s.status === 'done' || s.status === 'skipped')).toBe(true);
    await noDrift(target.id);
    await relay.close();
  }, 150_000);
});

describe('a target that goes away mid-sync', () => {
  it('ends partially_failed at the step that could not reach it, the steps after it not run, saying which were and were not done', async () => {
    // A target 25 ms away: 60 creates on 60 collections take seconds, and it goes away mid-sync.
    const relay = await tcpRelay(targetMongoUri(), { latencyMs: 25 });
    const target = await targetWithDesign(spread(60), undefined, relay.uri);
    const res = await client().post('/indexes/sync-by-database').send({ database_id: target.id });
    // The target goes away once some steps are done and others are not.
    for (;;) {
      const view = (await client().get(`/indexes/sync-status/${res.body.sync_id}`)).body as SyncView;
      if (view.progress > 0 || !['pending', 'running'].includes(view.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await relay.close();

    const view = await waitForEnd(res.body.sync_id, 90_000);
    // Some steps were done before it went away; the one in flight failed; none after it was tried.
    expect(view.status).toBe('partially_failed');
    expect(view.error).toMatch(/^the target could not be reached; 1 of 60 steps failed: .*; not done: /);
    expect(view.steps.filter((s) => s.status === 'failed')).toHaveLength(1);
    expect(view.steps.filter((s) => s.status === 'not_run').length).toBeGreaterThan(0);
    expect(view.steps.filter((s) => s.status === 'pending')).toEqual([]);
    expect(view.error).not.toMatch(/at .*\.ts:/);
  }, 120_000);
});
