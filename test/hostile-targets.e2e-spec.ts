// Targets that are not MongoDB, or stop being MongoDB after they were registered, through every path
// that talks to a target: the connection test, compares, plans, scripts, syncs, imports and scheduled
// scans. Each answers a clear category in bounded time; the services stay up and small. On a system
// of this file's own (no supervisor), so a crash is a dead process rather than a quiet restart.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  E2E_SERVICE_ENV,
  HOSTILE_MODES,
  startHostileTarget,
  startPrivateNats,
  startSystem,
  type HostileMode,
  type HostileTarget,
  type PrivateNats,
  type RunningSystem,
} from '@ir/testing';
import { eventually, expectNoStackTrace, freshIp, suffix, targetMongoUri } from './support/e2e-client';

let nats: PrivateNats;
let system: RunningSystem;
let logDir: string;
let token: string;
const targets: HostileTarget[] = [];

const client = () => {
  const ip = freshIp();
  const wrap = (test: request.Test) => test.set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', ip);
  return {
    get: (path: string) => wrap(request(system.apiUrl).get(path)),
    post: (path: string) => wrap(request(system.apiUrl).post(path)),
  };
};

const testServer = (): { host: string; port: number } => {
  const url = new URL(targetMongoUri().replace(/^mongodb:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 27017) };
};

async function hostile(mode: HostileMode): Promise<HostileTarget> {
  const target = await startHostileTarget(mode, testServer());
  targets.push(target);
  return target;
}

/** Words of the driver, of Node or of a peer that must never reach an answer. */
const FOREIGN_TEXT =
  /Mongo[A-Z]\w*Error|ECONN|getaddrinfo|node_modules|Require stack|PEM routines|ENOENT|BSONError|HTTP\/1\.1|Protocol error|at \w+ \(/;

function expectCategory(res: request.Response, status: number, reason: string): void {
  expect({ status: res.status, reason: res.body.details?.reason }).toEqual({ status, reason });
  expect(res.body.request_id).toEqual(expect.any(String));
  expect(res.text).not.toMatch(FOREIGN_TEXT);
  expectNoStackTrace(res.text);
}

/** Resident memory of a backend, from its own Prometheus metrics. */
async function residentMb(service: 'registry' | 'comparator' | 'sync-executor'): Promise<number> {
  const metrics = await request(system.services[service].url).get('/metrics').expect(200);
  const line = metrics.text.split('\n').find((l) => l.startsWith('process_resident_memory_bytes'));
  return Number(line?.split(' ').pop()) / 1048576;
}

beforeAll(async () => {
  nats = await startPrivateNats('ir-hostile-e2e-');
  const dataDir = mkdtempSync(join(tmpdir(), 'ir-hostile-system-'));
  logDir = join(dataDir, 'logs');
  system = await startSystem({
    natsUrl: nats.url,
    natsCredentialsDir: nats.credentialsDir,
    mongoUri: targetMongoUri(),
    postgresUrl: process.env.TEST_POSTGRES_URL!,
    dbPrefix: `ir_hostile_${process.pid}`,
    dataDir,
    logDir,
    trustProxy: true,
    env: E2E_SERVICE_ENV,
  });
  const user = { email: `hostile-${suffix()}@example.com`, username: `hostile_${suffix()}`, password: 'hostile-test-password' };
  await request(system.apiUrl).post('/auth/register').set('X-Forwarded-For', freshIp()).send(user).expect(201);
  const login = await request(system.apiUrl)
    .post('/auth/login')
    .set('X-Forwarded-For', freshIp())
    .send({ username: user.username, password: user.password })
    .expect(200);
  token = login.body.access_token as string;
}, 120_000);

afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
  await system?.stop();
  await nats?.stop();
});

/** The connection test's answer for each kind of peer (TARGET_CONNECT_TIMEOUT is 2 s here). */
const REGISTRATION: Record<(typeof HOSTILE_MODES)[number], { status: number; reason: string }> = {
  mariadb: { status: 502, reason: 'not_mongodb' },
  http: { status: 502, reason: 'not_mongodb' },
  tls_alert: { status: 502, reason: 'tls_failed' },
  redis: { status: 502, reason: 'not_mongodb' },
  truncated_op_msg: { status: 502, reason: 'not_mongodb' },
  huge_header: { status: 502, reason: 'not_mongodb' },
  hello_then_reply_bomb: { status: 502, reason: 'not_mongodb' },
  hello_then_zero_section: { status: 502, reason: 'not_mongodb' },
  silent: { status: 504, reason: 'timeout' },
};

describe('registering a database whose server is not MongoDB', () => {
  it.each(HOSTILE_MODES)('%s: refused with its category within the connect timeout, nothing saved', async (mode) => {
    const target = await hostile(mode);
    const name = `hostile_${mode}_${suffix()}`;
    const started = Date.now();
    const res = await client().post('/databases').send({ name, uri: target.uri, db_name: 'app' });
    expect(Date.now() - started).toBeLessThan(2_000 + 2_000);
    expectCategory(res, REGISTRATION[mode].status, REGISTRATION[mode].reason);
    const listed = await client().post('/databases/list').send({ search: name });
    expect(listed.body.items).toEqual([]);
  });
});

// Peers that would have exhausted a service's memory through the driver, and one that merely talks HTTP.
const TURNCOATS = ['mariadb', 'huge_header', 'hello_then_reply_bomb', 'hello_then_zero_section', 'http'] as const;

describe('a registered database whose server stops being MongoDB', () => {
  it.each(TURNCOATS)(
    '%s: compare, plan, script, sync, import and scan fail clearly and quickly',
    async (mode) => {
      const target = await hostile('relay');
      const created = await client()
        .post('/databases')
        .send({ name: `turncoat_${mode}_${suffix()}`, uri: target.uri, db_name: `t_${suffix()}` });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const defined = await client()
        .post('/indexes')
        .send({ database_id: id, collection: 'orders', keys: [{ field: 'status', value: 1 }] });
      expect(defined.status).toBe(201);
      // Healthy first, so the comparator's and the executor's clients are open when it turns.
      expect((await client().post('/indexes/compare-by-database').send({ database_id: id })).status).toBe(200);
      expect((await client().post('/indexes/sync-from-database').send({ database_id: id })).status).toBe(200);

      target.setMode(mode);
      // The open connections it cut close asynchronously; a read racing them reports a closed connection.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      expectCategory(await client().post('/indexes/compare-by-database').send({ database_id: id }), 502, 'not_mongodb');
      expectCategory(await client().post('/indexes/plan').send({ database_id: id }), 502, 'not_mongodb');
      expectCategory(await client().post('/indexes/generate-script').send({ database_id: id, mode: 'plan' }), 502, 'not_mongodb');
      expectCategory(await client().post('/indexes/sync-from-database').send({ database_id: id }), 502, 'not_mongodb');
      const sync = await client().post('/indexes/sync-by-database').send({ database_id: id });
      expect(sync.status).toBe(202);
      const ended = await waitForSyncEnd(sync.body.sync_id as string);
      expect(ended.status).toBe('failed');
      expect(ended.error).toContain('is not a MongoDB server');
      expect(JSON.stringify(ended)).not.toMatch(FOREIGN_TEXT);
      // Every path answered well within one connect timeout each, and the sync was not redelivered for a minute.
      expect(Date.now() - started).toBeLessThan(20_000);

      // A registry change makes the comparator scan this database on its own after DRIFT_CHANGE_DEBOUNCE.
      await client()
        .post('/indexes')
        .send({ database_id: id, collection: 'orders', keys: [{ field: 'created_at', value: -1 }] })
        .expect(201);
      const scanned = await eventually(async () => scanFailure(id) !== undefined, 6_000);
      expect(scanned).toBe(true);
      expect(scanFailure(id)).toContain('is not a MongoDB server');
    },
    60_000,
  );

  it('every service is still the process it started as, ready, and small', async () => {
    for (const handle of Object.values(system.services))
      expect({ service: handle.name, exited: handle.process.exited }).toEqual({ service: handle.name, exited: false });
    await request(system.gatewayUrl).get('/health/ready').expect(200);
    const rss = {
      registry: await residentMb('registry'),
      comparator: await residentMb('comparator'),
      'sync-executor': await residentMb('sync-executor'),
    };
    // Printed for the record: the closing note of issue 10 quotes it.
    process.stdout.write(`hostile-targets: resident memory after the suite (MB): ${JSON.stringify(rss)}\n`);
    // Bounded: a reply is at most 16 MiB + 16 KiB and a target client has TARGET_POOL_CONNECTIONS
    // connections, so a hostile target can hold at most ~160 MB at once; without the guard the first
    // MariaDB greeting grew the registry to its 4 GB heap limit.
    for (const [service, mb] of Object.entries(rss)) expect({ service, under400: mb < 400 }).toEqual({ service, under400: true });
  });
});

/** The comparator's log line for a failed scheduled compare of the database, if there is one yet. */
function scanFailure(databaseId: string): string | undefined {
  const lines = readFileSync(join(logDir, 'comparator.log'), 'utf8').split('\n');
  return lines.find((line) => line.includes(`scheduled compare of database ${databaseId} failed`));
}

async function waitForSyncEnd(syncId: string): Promise<{ status: string; error: string | null }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = (await client().get(`/indexes/sync-status/${syncId}`).expect(200)).body as { status: string; error: string | null };
    if (['completed', 'failed', 'cancelled'].includes(view.status)) return view;
    if (Date.now() > deadline) throw new Error(`sync ${syncId} still ${view.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
