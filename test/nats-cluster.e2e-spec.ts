// The distributed engine under faults, on a system of this file's own: a three-node NATS JetStream
// cluster (streams with three copies, NATS_URL listing every node) and a FerretDB of its own for the
// services' databases (targets live on the shared test server). One node killed mid-sync and
// mid-scan; every node killed and started again; the services' MongoDB stopped and started again.
// Nothing supervises the services: they must ride out each fault as the processes they are.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import {
  E2E_SERVICE_ENV,
  natsConnectOptions,
  startPrivateNatsCluster,
  startSystem,
  type PrivateNatsCluster,
  type RunningSystem,
} from '@ir/testing';
import { startFerretDb, type FerretDbHandle } from '../tools/infra/ferretdb';
import { freePort } from '../tools/infra/free-port';
import { freshIp, suffix, targetMongoUri, tcpRelay } from './support/e2e-client';
import { sleep } from './support/steady-load';
import { StreamRecorder } from './support/stream-recorder';

jest.setTimeout(120_000);

interface SyncView {
  id: string;
  status: string;
  progress: number;
  error: string | null;
  steps: { status: string; attempts: number }[];
}

let dir: string;
let cluster: PrivateNatsCluster;
let ferret: { handle: FerretDbHandle; port: number; dataDir: string; logFile: string };
let system: RunningSystem;
let nc: NatsConnection;
let jsm: JetStreamManager;
let targets: MongoClient;
let token: string;
/** Every sync this suite started, to find each one still there after the services' MongoDB restarted. */
const syncIds: string[] = [];
let syncEvents: StreamRecorder;
let driftEvents: StreamRecorder;
const pids = new Map<string, number | undefined>();
const measured: string[] = [];

/** A JSON request through the gateway as the test user; status 0 when no HTTP answer came. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 60_000,
): Promise<{ status: number; body: Record<string, any>; ms: number }> {
  const started = Date.now();
  try {
    const res = await fetch(`${system.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': freshIp(), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : {}, ms: Date.now() - started };
  } catch {
    return { status: 0, body: {}, ms: Date.now() - started };
  }
}

/** A target database on the shared test server, with `collections` collections and one index each in its DR. */
async function target(collections: number, uri = targetMongoUri()): Promise<{ id: string; dbName: string }> {
  const dbName = `cluster_target_${suffix()}`;
  const design: Record<string, unknown[]> = {};
  for (let i = 0; i < collections; i++) {
    const name = `c${String(i).padStart(2, '0')}`;
    await targets
      .db(dbName)
      .collection(name)
      .insertMany([
        { n: 1, s: 'a' },
        { n: 2, s: 'b' },
      ]);
    design[name] = [
      {
        name: 'n_1_s_1',
        keys: [
          { field: 'n', value: 1 },
          { field: 's', value: 1 },
        ],
      },
    ];
  }
  const created = await call('POST', '/databases', { name: dbName, uri, db_name: dbName });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await call('PUT', `/databases/${id}/manifest`, { version: 1, collections: design })).status).toBe(200);
  return { id, dbName };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/**
 * A target `latencyMs` away (through a relay) for the length of `use`, removed from the registry
 * afterwards: scheduled scans of a target whose relay is closed would hold up the scans of later tests.
 */
async function withDistantTarget(
  collections: number,
  latencyMs: number,
  use: (target: { id: string; dbName: string }) => Promise<void>,
): Promise<void> {
  const relay = await tcpRelay(targetMongoUri(), { latencyMs });
  let registered: { id: string; dbName: string } | undefined;
  try {
    registered = await target(collections, relay.uri);
    await use(registered);
  } finally {
    if (registered) await call('DELETE', `/databases/${registered.id}`);
    await relay.close();
  }
}

async function syncView(syncId: string): Promise<SyncView> {
  for (;;) {
    const res = await call('GET', `/indexes/sync-status/${syncId}`);
    if (res.status === 200) return res.body as SyncView;
    await sleep(250);
  }
}

async function waitForEnd(syncId: string, timeoutMs: number): Promise<SyncView> {
  if (!syncIds.includes(syncId)) syncIds.push(syncId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await syncView(syncId);
    if (['completed', 'failed', 'cancelled'].includes(view.status)) return view;
    if (Date.now() > deadline) throw new Error(`sync ${syncId} still ${view.status} at ${view.progress}%`);
    await sleep(250);
  }
}

async function waitForRunning(syncId: string): Promise<SyncView> {
  for (;;) {
    const view = await syncView(syncId);
    if (view.status !== 'pending' && view.progress > 0) return view;
    await sleep(50);
  }
}

async function startFerret(): Promise<FerretDbHandle> {
  return startFerretDb({ dataDir: ferret.dataDir, logFile: ferret.logFile, port: ferret.port });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ir-nats-cluster-e2e-'));
  const port = await freePort();
  ferret = { port, dataDir: join(dir, 'ferretdb'), logFile: join(dir, 'logs', 'ferretdb.log'), handle: undefined as never };
  [cluster, ferret.handle] = await Promise.all([startPrivateNatsCluster('ir-nats-cluster-e2e-nats-'), startFerret()]);
  system = await startSystem({
    natsUrl: cluster.urls,
    natsCredentialsDir: cluster.credentialsDir,
    mongoUri: ferret.handle.uri,
    postgresUrl: process.env.TEST_POSTGRES_URL!,
    dbPrefix: `ir_cluster_${process.pid}`,
    dataDir: join(dir, 'system'),
    logDir: join(dir, 'logs'),
    trustProxy: true,
    env: { ...E2E_SERVICE_ENV, NATS_STREAM_REPLICAS: '3', DRIFT_SCAN_INTERVAL: '2s' },
  });
  for (const [name, service] of Object.entries(system.services)) pids.set(name, service.process.pid);
  nc = await connect({ ...natsConnectOptions(cluster), maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  jsm = await jetstreamManager(nc);
  targets = await new MongoClient(targetMongoUri()).connect();
  [syncEvents, driftEvents] = await Promise.all([
    StreamRecorder.start(cluster, 'SYNC_EVENTS', 'fault-test-syncs'),
    StreamRecorder.start(cluster, 'DRIFT_EVENTS', 'fault-test-drift'),
  ]);

  const user = { email: `cl-${suffix()}@example.com`, username: `cl_${suffix()}`, password: 'cluster-test-password' };
  const register = await fetch(`${system.apiUrl}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
    body: JSON.stringify(user),
  });
  expect(register.status).toBe(201);
  const login = await fetch(`${system.apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  token = ((await login.json()) as { access_token: string }).access_token;
}, 180_000);

afterAll(async () => {
  process.stdout.write(`\nfaults and recoveries:\n  ${measured.join('\n  ')}\n`);
  await syncEvents?.stop();
  await driftEvents?.stop();
  await nc?.close();
  await targets?.close();
  await system?.stop();
  await ferret?.handle?.process.stop();
  await cluster?.stop();
  // KEEP_TEST_INFRA=1 keeps the services' and FerretDB's logs for a post-mortem.
  if (dir && !process.env.KEEP_TEST_INFRA) rmSync(dir, { recursive: true, force: true });
});

describe('streams on the cluster', () => {
  it('every stream the services provision has three copies', async () => {
    for (const name of ['AUTH_EVENTS', 'REGISTRY_EVENTS', 'DRIFT_EVENTS', 'SYNC_COMMANDS', 'SYNC_EVENTS', 'DEAD_LETTERS']) {
      const info = await jsm.streams.info(name);
      expect({ name, replicas: info.config.num_replicas }).toEqual({ name, replicas: 3 });
    }
  });
});

/** The stream once its work queue holds no message, or as it is when `timeoutMs` runs out. */
async function acked(stream: string, timeoutMs: number): Promise<Awaited<ReturnType<JetStreamManager['streams']['info']>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await jsm.streams.info(stream);
    if (info.state.messages === 0 || Date.now() >= deadline) return info;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('one NATS node killed', () => {
  it('mid-sync: the sync completes, its command ran once, its events arrive once each', async () => {
    await withDistantTarget(40, 100, async (slow) => {
      const before = await jsm.streams.info('SYNC_COMMANDS');
      const started = await call('POST', '/indexes/sync-by-database', { database_id: slow.id });
      expect(started.status).toBe(202);
      const syncId = started.body.sync_id as string;
      await waitForRunning(syncId);

      const leader = (await jsm.consumers.info('SYNC_COMMANDS', 'sync-executor-runs')).cluster!.leader!;
      const node = cluster.nodes.find((n) => n.name === leader)!;
      const killedAt = Date.now();
      await node.kill();
      const view = await waitForEnd(syncId, 90_000);
      measured.push(`node ${leader} (leader of the run consumer) killed mid-sync: sync ${view.status} ${Date.now() - killedAt} ms after`);
      expect(view.status).toBe('completed');
      expect(view.steps).toHaveLength(40);
      expect(view.steps.every((s) => s.status === 'done' && s.attempts === 1)).toBe(true);

      await node.start();
      await cluster.healthy();
      // The executor acks the command once the sync's end is recorded, so the record may say completed
      // a moment before the work queue has applied the ack (longer while a node rejoins): wait for it, bounded.
      const after = await acked('SYNC_COMMANDS', 10_000);
      expect(after.state.last_seq - before.state.last_seq).toBe(1);
      expect(after.state.messages).toBe(0);
      const consumer = await jsm.consumers.info('SYNC_COMMANDS', 'sync-executor-runs');
      expect(consumer).toMatchObject({ num_pending: 0, num_ack_pending: 0, num_redelivered: 0 });

      await syncEvents.waitFor(
        'completed event',
        () => syncEvents.matching('sync.evt.sync.completed', (p) => p.sync_id === syncId).length > 0,
        30_000,
      );
      expect(syncEvents.matching('sync.evt.sync.started', (p) => p.sync_id === syncId)).toHaveLength(1);
      expect(syncEvents.matching('sync.evt.sync.completed', (p) => p.sync_id === syncId)).toHaveLength(1);
      expect(syncEvents.duplicates()).toEqual([]);
    });
  });

  it('mid-scan: scheduled scans go on, and each change of drift is announced once', async () => {
    // Scans every 2 s of a target 300 ms away: each takes about a second, so the kill lands in one.
    await withDistantTarget(3, 300, async (drifting) => {
      const detected = (p: Record<string, unknown>): boolean => p.database_id === drifting.id;
      const detections = () => driftEvents.matching('drift.evt.database.detected', detected);
      await driftEvents.waitFor('drift detected', () => detections().length === 1, 60_000);
      const firstDrift = detections()[0].payload.fingerprint;

      const leader = (await jsm.streams.info('DRIFT_EVENTS')).cluster!.leader!;
      const node = cluster.nodes.find((n) => n.name === leader)!;
      await node.kill();
      const killedAt = Date.now();
      // The target is brought to its design meanwhile: the next scans find no drift. (A scan may land
      // between two of these calls and see a drift of its own: a change, announced as one.)
      for (const c of ['c00', 'c01', 'c02'])
        await targets.db(drifting.dbName).collection(c).createIndex({ n: 1, s: 1 }, { name: 'n_1_s_1' });
      await driftEvents.waitFor('drift resolved', () => driftEvents.matching('drift.evt.database.resolved', detected).length === 1, 60_000);
      measured.push(`node ${leader} (leader of DRIFT_EVENTS) killed mid-scan: drift resolved announced ${Date.now() - killedAt} ms after`);

      await node.start();
      await cluster.healthy();
      const beforeAgain = detections().length;
      // The same drift as at first, back within JetStream's duplicate window (2 min): news all the same.
      for (const c of ['c00', 'c01', 'c02']) await targets.db(drifting.dbName).collection(c).dropIndex('n_1_s_1');
      await driftEvents.waitFor(
        'the first drift detected again',
        () =>
          detections()
            .slice(beforeAgain)
            .some((d) => d.payload.fingerprint === firstDrift),
        60_000,
      );
      await sleep(5_000); // two more scans: nothing new to say
      // Each change announced once: no state (a drift's fingerprint, or resolved) announced twice in a row.
      const states = driftEvents
        .matching('drift.evt.database.', detected)
        .sort((x, y) => x.streamSeq - y.streamSeq)
        .map((e) => (e.subject === 'drift.evt.database.resolved' ? 'resolved' : e.payload.fingerprint));
      expect(states.at(-1)).toBe(firstDrift);
      expect(states.filter((state, i) => i > 0 && state === states[i - 1])).toEqual([]);
      expect(driftEvents.matching('drift.evt.database.resolved', detected)).toHaveLength(1);
      expect(driftEvents.duplicates()).toEqual([]);
    });
  });
});

describe('every NATS node killed, then started again', () => {
  it('the services reconnect by themselves: an authenticated request, a compare and a sync work again', async () => {
    const ready = await target(2);
    await Promise.all(cluster.nodes.map((n) => n.kill()));
    const killedAt = Date.now();
    const during = await call('GET', '/auth/profile', undefined, 30_000);
    measured.push(`every NATS node killed: GET /auth/profile answered ${during.status} ${during.body.error ?? ''} in ${during.ms} ms`);
    expect(during.body).toMatchObject({
      error: 'SERVICE_UNAVAILABLE',
      message: 'the message bus (NATS) is unavailable',
      details: { dependency: 'nats' },
    });
    const health = await getJson(`${system.gatewayUrl}/health/ready`);
    expect(health.status).toBe(503);
    expect(health.body.error.nats.status).toBe('down');
    expect(health.body.error.registry).toEqual({
      status: 'down',
      instance: null,
      dependencies: {},
      message: 'cannot be asked: NATS is unavailable',
    });

    await Promise.all(cluster.nodes.map((n) => n.start()));
    await cluster.healthy();
    const upAt = Date.now();
    const profileAt = await firstOk(() => call('GET', '/auth/profile'));
    const compareAt = await firstOk(() => call('POST', '/indexes/compare-by-database', { database_id: ready.id }));
    const started = await firstOkResponse(() => call('POST', '/indexes/sync-by-database', { database_id: ready.id }));
    const view = await waitForEnd(started.body.sync_id as string, 60_000);
    measured.push(
      `every NATS node started again (${upAt - killedAt} ms after the kill, cluster healthy): profile 200 after ${profileAt - upAt} ms, compare 200 after ${compareAt - upAt} ms, sync ${view.status} after ${Date.now() - upAt} ms`,
    );
    expect(view.status).toBe('completed');
    for (const [name, service] of Object.entries(system.services))
      expect({ name, pid: service.process.pid }).toEqual({ name, pid: pids.get(name) });
  });
});

describe("the services' MongoDB stopped and started again", () => {
  it('routes answer 503 naming it meanwhile, in time; afterwards everything answers, and no sync record is lost', async () => {
    await withDistantTarget(30, 100, async (slow) => {
      const started = await call('POST', '/indexes/sync-by-database', { database_id: slow.id });
      expect(started.status).toBe(202);
      const syncId = started.body.sync_id as string;
      await waitForRunning(syncId);

      await ferret.handle.process.kill9();
      const stoppedAt = Date.now();
      const routes: [string, () => ReturnType<typeof call>][] = [
        ['auth', () => call('GET', '/auth/profile')],
        ['registry', () => call('POST', '/databases/list', { page: 1, limit: 5 })],
        ['comparator', () => call('GET', `/databases/${slow.id}/drift`)],
        ['sync-executor', () => call('GET', `/indexes/sync-status/${syncId}`)],
      ];
      for (const [service, send] of routes) {
        const answer = await send();
        measured.push(`MongoDB down: ${service} route answered ${answer.status} in ${answer.ms} ms`);
        expect({ service, status: answer.status, error: answer.body.error, details: answer.body.details }).toEqual({
          service,
          status: 503,
          error: 'SERVICE_UNAVAILABLE',
          details: { service, dependency: 'mongodb' },
        });
        expect(answer.ms).toBeLessThan(5_000);
      }

      const health = await getJson(`${system.gatewayUrl}/health/ready`);
      expect(health.status).toBe(503);
      for (const service of ['auth', 'registry', 'comparator', 'sync-executor']) {
        expect(health.body.error[service]).toMatchObject({
          status: 'down',
          message: 'its dependencies are down: mongodb',
          dependencies: { mongodb: { status: 'down' }, nats: { status: 'up' } },
        });
      }

      ferret.handle = await startFerret();
      const restartedAt = Date.now();
      const backAt = await Promise.all(routes.map(([, send]) => firstOk(send)));
      measured.push(
        `MongoDB started again ${restartedAt - stoppedAt} ms after the kill: every route 200 after ${Math.max(...backAt) - restartedAt} ms`,
      );
      const view = await waitForEnd(syncId, 90_000);
      expect(view.status).toBe('completed');
      expect(view.steps.every((s) => s.status === 'done')).toBe(true);
      // Every sync of this suite is still recorded, as it ended.
      expect(syncIds).toHaveLength(3);
      for (const id of syncIds) expect(await syncView(id)).toMatchObject({ id, status: 'completed' });
    });
  });
});

async function firstOkResponse(send: () => ReturnType<typeof call>, timeoutMs = 60_000): Promise<Awaited<ReturnType<typeof call>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await send();
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (Date.now() > deadline) throw new Error(`still ${answer.status} ${JSON.stringify(answer.body)} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

async function firstOk(send: () => ReturnType<typeof call>, timeoutMs = 60_000): Promise<number> {
  await firstOkResponse(send, timeoutMs);
  return Date.now();
}
