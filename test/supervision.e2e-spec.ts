// Supervision under load, on a system of this file's own (a private NATS, a supervisor with a
// short policy): each service in turn is killed with SIGKILL while a steady load runs. The
// supervisor brings it back; meanwhile the routes that need it answer 503 naming it, the others
// keep answering, /health/ready names it; afterwards everything answers, and accepted syncs complete.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { ServiceName as Services } from '@ir/contracts';
import { AuditTrail, BusClient, NatsBus } from '@ir/messaging';
import {
  E2E_SERVICE_ENV,
  natsCredentials,
  startPrivateNats,
  startSystem,
  type PrivateNats,
  type RunningSystem,
  type ServiceName,
} from '@ir/testing';
import type { RestartPolicy } from '../tools/infra/restart-policy';
import { freshIp, suffix, targetMongoUri, tcpRelay } from './support/e2e-client';
import { SteadyLoad, sleep, type Answer, type Probe } from './support/steady-load';

/** At least 0.8 s down before a restart, so the load sees every outage. */
const POLICY: RestartPolicy = { initialDelayMs: 1000, maxDelayMs: 5000, jitterRatio: 0.2, maxCrashes: 5, crashWindowMs: 60_000 };
const BACKENDS = ['auth', 'registry', 'comparator', 'sync-executor', 'audit'] as const;
/** The entity caches' services: entity-oplog keeps PostgreSQL, the capture and the replica no store of their own. */
const ENTITY_SERVICES = ['entity-oplog', 'entity-capture', 'cache-replicator'] as const;

interface SyncView {
  id: string;
  status: string;
  progress: number;
  steps: { status: string }[];
}

let nats: PrivateNats;
let system: RunningSystem;
let mongo: MongoClient;
let token: string;
const ip = freshIp();

/** A JSON request through the gateway as the test user; status 0 when no HTTP answer came. */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${system.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': ip, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    // Longer than the gateway's longest bus time limit (TARGET_REQUEST_TIMEOUT): every request gets an HTTP answer.
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** A target database with `collections` collections of a few documents, and one index per collection in its DR. */
async function target(collections: number, uri = targetMongoUri()): Promise<string> {
  const dbName = `sup_target_${suffix()}`;
  const design: Record<string, unknown[]> = {};
  for (let i = 0; i < collections; i++) {
    const name = `c${String(i).padStart(2, '0')}`;
    await mongo
      .db(dbName)
      .collection(name)
      .insertMany(Array.from({ length: 5 }, (_, n) => ({ n, s: `v${n}` })));
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
  return id;
}

async function startSync(databaseId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return call('POST', '/indexes/sync-by-database', { database_id: databaseId });
}

async function syncView(syncId: string): Promise<SyncView> {
  for (;;) {
    const res = await call('GET', `/indexes/sync-status/${syncId}`).catch(() => ({ status: 0, body: {} }));
    if (res.status === 200) return res.body as unknown as SyncView;
    await sleep(200);
  }
}

async function waitForEnd(syncId: string, timeoutMs: number): Promise<SyncView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await syncView(syncId);
    if (['completed', 'failed', 'cancelled'].includes(view.status)) return view;
    if (Date.now() > deadline) throw new Error(`sync ${syncId} still ${view.status} at ${view.progress}%`);
    await sleep(250);
  }
}

/** The routes under load: each needs one or two backend services (and the gateway). */
function probes(databaseId: string, syncId: string): Probe[] {
  return [
    { name: 'profile', needs: ['auth'], send: () => call('GET', '/auth/profile') },
    { name: 'databases', needs: ['registry'], send: () => call('POST', '/databases/list', { page: 1, limit: 5 }) },
    { name: 'drift', needs: ['comparator'], send: () => call('GET', `/databases/${databaseId}/drift`) },
    {
      name: 'compare',
      needs: ['comparator', 'registry'],
      send: () => call('POST', '/indexes/compare-by-database', { database_id: databaseId }),
    },
    { name: 'sync-status', needs: ['sync-executor'], send: () => call('GET', `/indexes/sync-status/${syncId}`) },
    { name: 'audit', needs: ['audit'], send: () => call('GET', '/audit?limit=1') },
    { name: 'entities', needs: ['entity-oplog'], send: () => call('GET', '/entities') },
  ];
}

/** Recovery of one kill, for the summary printed at the end. */
const recoveries: { service: string; killToReadyMs: number; killToRoutesMs: number; unavailable: number }[] = [];

/**
 * Kills `service` with SIGKILL, waits for the supervisor to bring it back and for every route to
 * answer again; `whileDown` runs once the killed process is gone. Answers the load's answers of the outage.
 */
async function killAndRecover(load: SteadyLoad, service: ServiceName, whileDown?: () => Promise<void>): Promise<Answer[]> {
  const handle = system.services[service];
  const supervised = handle.supervised!;
  const restartsBefore = supervised.restarts;
  const old = handle.process;
  const oldPid = old.pid!;
  const restarted = supervised.next('restarted', 90_000).then((event) => ({ event, readyAt: Date.now() }));

  const killedAt = Date.now();
  process.kill(oldPid, 'SIGKILL');
  await old.waitForExit();
  await whileDown?.();
  const { event, readyAt } = await restarted;
  const routesAt = await load.allAnswering(
    load.probes.map((p) => p.name),
    readyAt,
    30_000,
  );

  expect(event.pid).not.toBe(oldPid);
  expect(supervised.restarts).toBe(restartsBefore + 1);
  expect(supervised.state).toBe('running');
  const unavailable = load.between(killedAt, readyAt).filter((a) => a.status === 503).length;
  recoveries.push({ service, killToReadyMs: readyAt - killedAt, killToRoutesMs: routesAt - killedAt, unavailable });
  return load.between(killedAt, routesAt);
}

/** While `service` was down, what its routes answered, and that every other route kept answering. */
function expectOutageNamed(load: SteadyLoad, answers: Answer[], service: string): void {
  const needing = new Set(load.probes.filter((p) => p.needs.includes(service)).map((p) => p.name));
  const failures = answers.filter((a) => a.status >= 300 || a.status === 0);
  // The others kept answering.
  expect(failures.filter((a) => !needing.has(a.probe))).toEqual([]);
  // Those that need it answered 503 naming it (504 naming it for a request in flight at the kill).
  const named = (a: Answer): string => `${a.probe}: ${a.status} ${a.error} naming ${a.service}`;
  const allowed = new Set([`503 SERVICE_UNAVAILABLE naming ${service}`, `504 TIMEOUT naming ${service}`]);
  for (const a of failures) {
    expect({ answer: named(a), allowed: allowed.has(named(a).split(': ')[1]) }).toEqual({ answer: named(a), allowed: true });
  }
  const named503 = failures.filter((a) => a.status === 503);
  expect(named503.length).toBeGreaterThan(0);
  expect(named503[0].message).toBe(`the ${service} service is unavailable`);
  for (const probe of needing) expect({ probe, saw503: named503.some((a) => a.probe === probe) }).toEqual({ probe, saw503: true });
}

beforeAll(async () => {
  nats = await startPrivateNats('ir-supervision-e2e-');
  const dataDir = mkdtempSync(join(tmpdir(), 'ir-supervision-system-'));
  system = await startSystem({
    natsUrl: nats.url,
    natsCredentialsDir: nats.credentialsDir,
    mongoUri: targetMongoUri(),
    postgresUrl: process.env.TEST_POSTGRES_URL!,
    dbPrefix: `ir_sup_${process.pid}`,
    dataDir,
    logDir: join(dataDir, 'logs'),
    trustProxy: true,
    env: E2E_SERVICE_ENV,
    // One sync at a time, so a second one waits in the queue.
    serviceEnv: { 'sync-executor': { JOB_CONCURRENCY: '1' } },
    supervise: { policy: POLICY },
  });
  mongo = await new MongoClient(targetMongoUri()).connect();
  const user = { email: `sup-${suffix()}@example.com`, username: `sup_${suffix()}`, password: 'supervision-test-password' };
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
  if (recoveries.length > 0) {
    process.stdout.write(
      `\nrecovery after SIGKILL (kill -> ready again / kill -> every route answering; 503s meanwhile):\n${recoveries
        .map(
          (r) =>
            `  ${r.service.padEnd(14)} ${String(r.killToReadyMs).padStart(6)} ms / ${String(r.killToRoutesMs).padStart(6)} ms; ${r.unavailable}`,
        )
        .join('\n')}\n`,
    );
  }
  await mongo?.close();
  await system?.stop();
  await nats?.stop();
});

describe('health while everything runs', () => {
  it("the gateway's /health/ready names NATS and every backend with its own dependencies", async () => {
    const { status, body } = await getJson(`${system.gatewayUrl}/health/ready`);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info.nats).toEqual({ status: 'up', rtt_ms: expect.any(Number) });
    for (const service of BACKENDS) {
      expect(body.info[service]).toEqual({
        status: 'up',
        instance: expect.stringMatching(new RegExp(`^${system.services[service].process.pid}-`)),
        dependencies: expect.objectContaining({
          nats: { status: 'up', rtt_ms: expect.any(Number) },
          mongodb: { status: 'up', database: `ir_sup_${process.pid}_${service.replace('-', '_')}` },
        }),
      });
    }
    expect(body.info['sync-executor'].dependencies.sync_consumer).toMatchObject({ status: 'up', num_pending: expect.any(Number) });
  });

  it("each backend's own /health/ready names its dependencies, as the gateway shows them", async () => {
    for (const service of BACKENDS) {
      const { status, body } = await getJson(`${system.services[service].url}/health/ready`);
      expect(status).toBe(200);
      const gateway = await getJson(`${system.gatewayUrl}/health/ready`);
      expect(Object.keys(body.info).sort()).toEqual(Object.keys(gateway.body.info[service].dependencies).sort());
      expect(body.info.mongodb).toEqual({ status: 'up', database: `ir_sup_${process.pid}_${service.replace('-', '_')}` });
    }
  });
});

describe('each service killed with SIGKILL under load', () => {
  let load: SteadyLoad;
  let databaseId: string;

  beforeAll(async () => {
    databaseId = await target(2);
    expect((await call('POST', '/indexes/compare-by-database', { database_id: databaseId })).status).toBe(200);
    const first = await startSync(databaseId);
    expect(first.status).toBe(202);
    expect((await waitForEnd(first.body.sync_id as string, 30_000)).status).toBe('completed');
    load = new SteadyLoad(probes(databaseId, first.body.sync_id as string));
    // Every route answers before anything is killed.
    await load.allAnswering(
      load.probes.map((p) => p.name),
      Date.now(),
      20_000,
    );
  }, 90_000);

  afterAll(() => load?.stop());

  it('auth: profile answers 503 naming auth meanwhile, the rest keeps answering', async () => {
    const answers = await killAndRecover(load, 'auth');
    expectOutageNamed(load, answers, 'auth');
  }, 120_000);

  it('registry: its routes answer 503 naming it, /health/ready names it as down with no instance, then all is back', async () => {
    let health: { status: number; body: Record<string, any> } | undefined;
    const instance: number[] = [];
    const answers = await killAndRecover(load, 'registry', async () => {
      // NATS drops the dead instance's subscriptions as soon as it sees its connection close.
      for (let i = 0; i < 10; i++) {
        health = await getJson(`${system.gatewayUrl}/health/ready`);
        if (health.body.error?.registry?.message === 'no instance answered') break;
        await sleep(100);
      }
      instance.push((await getJson(`${system.gatewayUrl}/health/instance`)).status);
    });
    expectOutageNamed(load, answers, 'registry');
    expect(health!.status).toBe(503);
    expect(health!.body.status).toBe('error');
    // The same shape as an up service: status, instance, dependencies; and why it is down.
    expect(health!.body.error.registry).toEqual({ status: 'down', instance: null, dependencies: {}, message: 'no instance answered' });
    expect(health!.body.details.registry).toEqual(health!.body.error.registry);
    expect(health!.body.info.auth).toMatchObject({ status: 'up', instance: expect.any(String), dependencies: expect.any(Object) });
    expect(Object.keys(health!.body.details).sort()).toEqual(['nats', ...BACKENDS, ...ENTITY_SERVICES].sort());
    // The gateway itself stayed ready to serve: a load balancer keeps it in rotation.
    expect(instance).toEqual([200]);
    expect((await getJson(`${system.gatewayUrl}/health/ready`)).status).toBe(200);
  }, 120_000);

  it('comparator: its routes answer 503 naming it; a sync asked for meanwhile is accepted and completes, or refused with a clear 503', async () => {
    const syncTarget = await target(3);
    let requested: { status: number; body: Record<string, unknown> } | undefined;
    const answers = await killAndRecover(load, 'comparator', async () => {
      requested = await startSync(syncTarget);
    });
    expectOutageNamed(load, answers, 'comparator');

    if (requested!.status === 202) {
      const view = await waitForEnd(requested!.body.sync_id as string, 90_000);
      expect(view.status).toBe('completed');
      expect(view.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    } else {
      expect(requested!.status).toBe(503);
      expect(requested!.body).toMatchObject({ error: 'SERVICE_UNAVAILABLE', details: { service: expect.any(String) } });
      // Nothing half-accepted holds the database: a new request is taken and completes.
      const again = await startSync(syncTarget);
      expect(again.status).toBe(202);
      expect((await waitForEnd(again.body.sync_id as string, 60_000)).status).toBe('completed');
    }
  }, 180_000);

  it('sync-executor: a running and a queued sync both complete; a sync asked for meanwhile is a 503 naming it', async () => {
    // A target 25 ms away: 60 creates take seconds, so the kill lands mid-sync.
    const relay = await tcpRelay(targetMongoUri(), { latencyMs: 25 });
    try {
      const slow = await target(60, relay.uri);
      const queuedTarget = await target(2);
      const refusedTarget = await target(1);
      const running = await startSync(slow);
      const queued = await startSync(queuedTarget);
      expect([running.status, queued.status]).toEqual([202, 202]);
      for (;;) {
        const view = await syncView(running.body.sync_id as string);
        if (view.progress > 0 || view.status !== 'pending') break;
        await sleep(50);
      }
      const before = [await syncView(running.body.sync_id as string), await syncView(queued.body.sync_id as string)];
      expect(before.map((v) => v.status)).toEqual(['running', 'pending']);
      expect(before[0].progress).toBeLessThan(100);

      let refused: { status: number; body: Record<string, unknown> } | undefined;
      const answers = await killAndRecover(load, 'sync-executor', async () => {
        refused = await startSync(refusedTarget);
      });
      expectOutageNamed(load, answers, 'sync-executor');
      expect(refused).toMatchObject({
        status: 503,
        body: { error: 'SERVICE_UNAVAILABLE', message: 'the sync-executor service is unavailable', details: { service: 'sync-executor' } },
      });

      const [ranView, queuedView] = await Promise.all([
        waitForEnd(running.body.sync_id as string, 120_000),
        waitForEnd(queued.body.sync_id as string, 120_000),
      ]);
      expect(ranView.status).toBe('completed');
      expect(ranView.steps).toHaveLength(60);
      expect(ranView.steps.every((s) => s.status === 'done')).toBe(true);
      expect(queuedView.status).toBe('completed');
      const drift = await call('POST', '/indexes/compare-by-database', { database_id: slow });
      expect(drift.body.totals).toMatchObject({ missing: 0, redundant: 0, different: 0 });
    } finally {
      await relay.close();
    }
  }, 240_000);

  it('audit: GET /audit answers 503 naming it meanwhile; an entry recorded meanwhile is kept once it is back', async () => {
    const bus = await NatsBus.connect({ servers: nats.url, name: 'supervision-audit', credentials: natsCredentials(nats) });
    const target = { kind: 'database', id: `while-down-${suffix()}` } as const;
    try {
      const answers = await killAndRecover(load, 'audit', () =>
        new AuditTrail(new BusClient(bus, 5000), Services.registry).record({
          action: 'database.updated',
          outcome: 'succeeded',
          projectId: null,
          target,
        }),
      );
      expectOutageNamed(load, answers, 'audit');
    } finally {
      await bus.drain();
    }
    for (;;) {
      const res = await call('GET', '/audit?action=database.updated&limit=100');
      expect(res.status).toBe(200);
      if ((res.body.items as { target: { id: string } }[]).some((e) => e.target.id === target.id)) break;
      await sleep(200);
    }
  }, 120_000);

  it('entity-oplog: the entity routes answer 503 naming it meanwhile, the rest keeps answering', async () => {
    const answers = await killAndRecover(load, 'entity-oplog');
    expectOutageNamed(load, answers, 'entity-oplog');
  }, 120_000);

  it('entity-capture and cache-replicator: restarted, and no route of the gateway depends on them', async () => {
    for (const service of ['entity-capture', 'cache-replicator'] as const) {
      const answers = await killAndRecover(load, service);
      expect(answers.filter((a) => a.status >= 300 || a.status === 0)).toEqual([]);
      expect((await getJson(`${system.services[service].url}/health/ready`)).status).toBe(200);
    }
  }, 180_000);

  it('gateway: nothing answers on its port meanwhile, the backends keep running, then every route answers again', async () => {
    const backendHealth: number[] = [];
    const answers = await killAndRecover(load, 'gateway', async () => {
      for (const service of [...BACKENDS, ...ENTITY_SERVICES])
        backendHealth.push((await getJson(`${system.services[service].url}/health/ready`)).status);
    });
    expect(backendHealth).toEqual([...BACKENDS, ...ENTITY_SERVICES].map(() => 200));
    const failures = answers.filter((a) => a.status !== 200);
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures.map((a) => a.status))).toEqual(new Set([0]));
    expect((await getJson(`${system.gatewayUrl}/health/ready`)).status).toBe(200);
  }, 120_000);

  it('no process was given up, and each was restarted once', () => {
    const states = system.supervisor!.processes.map((p) => [p.name, p.state, p.restarts]);
    expect(states.sort()).toEqual([...BACKENDS, ...ENTITY_SERVICES, 'gateway'].sort().map((name) => [name, 'running', 1]));
  });
});
