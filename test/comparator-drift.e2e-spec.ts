// The latest drift of a database, and the drift events on DRIFT_EVENTS:
// detected once per distinct drift, resolved when the target is fixed, and a
// re-compare shortly after a registry change (DRIFT_CHANGE_DEBOUNCE is 1s in e2e).
import { DriftDetected, DriftSnapshot } from '@ir/contracts';
import { AckPolicy, DeliverPolicy, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  authedApi,
  createTargetDatabase,
  defineIndex,
  eventually,
  expectNoStackTrace,
  findStreamMessage,
  loggedInUser,
  mongoClient,
  openJetStream,
  runMongoshScript,
  streamLastSeq,
  suffix,
  type AuthedApi,
} from './support/e2e-client';
import { natsCredentials, testNatsEndpoint } from './support/nats-login';

const STREAM = 'DRIFT_EVENTS';
const DETECTED = 'drift.evt.database.detected';
const RESOLVED = 'drift.evt.database.resolved';

interface CollectionBody {
  collection: string;
  missing: { name: string }[];
  redundant: { name: string }[];
}
interface DriftBody {
  database_id: string;
  db_name: string;
  source: string;
  compared_at: string;
  drift: boolean;
  totals: Record<string, number>;
  collections: CollectionBody[];
}

let client: AuthedApi;
let mongo: MongoClient;
let bus: Awaited<ReturnType<typeof openJetStream>>;
let jsm: JetStreamManager;
const targetDbs: string[] = [];

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
  for (const name of targetDbs) await mongo?.db(name).dropDatabase();
  await mongo?.close();
  await bus?.close();
});

async function compare(databaseId: string): Promise<DriftBody> {
  const res = await client.post('/indexes/compare-by-database').send({ database_id: databaseId });
  if (res.status !== 200) throw new Error(`compare failed: ${res.status} ${res.text}`);
  return res.body as DriftBody;
}

/** Every message on `subject` for the database stored after `afterSeq`. */
async function messagesFor(afterSeq: number, subject: string, databaseId: string): Promise<StoredMsg[]> {
  const last = await streamLastSeq(jsm, STREAM);
  const found: StoredMsg[] = [];
  for (let seq = afterSeq + 1; seq <= last; seq++) {
    const msg = await jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
    if (msg && msg.subject === subject && msg.json<{ database_id?: string }>().database_id === databaseId) found.push(msg);
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const FULL_TOTALS = { not_found_collections: 0, name_differs: 0 };

describe('drift of a database', () => {
  let id: string;
  let dbName: string;
  let databaseName: string;
  let startSeq: number;
  let fingerprint: string;

  beforeAll(async () => {
    startSeq = await streamLastSeq(jsm, STREAM);
    dbName = `drift_${suffix()}`;
    targetDbs.push(dbName);
    const orders = mongo.db(dbName).collection('orders');
    await orders.insertMany([
      { status: 1, legacy: true, sku: 'a' },
      { status: 2, legacy: false, sku: 'b' },
    ]);
    await orders.createIndex({ status: 1 }, { name: 'status_1' });
    await orders.createIndex({ legacy: 1 }, { name: 'legacy_1' });
  });

  it('GET /databases/:id/drift is a 404 before the first compare', async () => {
    const created = await createTargetDatabase(client, { db_name: dbName });
    id = created.id;
    databaseName = created.name;
    // Right after registration: the compare its registry event schedules comes only after the 1s debounce.
    const res = await client.get(`/databases/${id}/drift`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: expect.any(String), request_id: expect.any(String) });
    expectNoStackTrace(res.text);
    // The DR: status_1 (on the target), sku_1 (missing); legacy_1 on the target is redundant.
    await defineIndex(client, id, 'orders', [{ field: 'status', value: 1 }]);
    await defineIndex(client, id, 'orders', [{ field: 'sku', value: 1 }]);
  });

  it('after a compare answers the latest result, with drift and totals', async () => {
    const compared = await compare(id);
    const res = await client.get(`/databases/${id}/drift`);
    expect(res.status).toBe(200);
    expect(DriftSnapshot.safeParse(res.body).error).toBeUndefined();
    const body = res.body as DriftBody;
    expect(body).toMatchObject({ database_id: id, database_name: databaseName, db_name: dbName, source: 'live', drift: true });
    expect(body.totals).toEqual({
      ...FULL_TOTALS,
      collections: 1,
      failed_collections: 0,
      missing: 1,
      matched: 1,
      redundant: 1,
      different: 0,
    });
    expect(body.collections.map((c) => [c.collection, c.missing.map((i) => i.name), c.redundant.map((i) => i.name)])).toEqual([
      ['orders', ['sku_1'], ['legacy_1']],
    ]);
    expect(Date.parse(body.compared_at)).toBeGreaterThanOrEqual(Date.parse(compared.compared_at));
  });

  it('publishes drift.evt.database.detected with the database as registered, whose compare it was, the totals, every change and a fingerprint', async () => {
    const msg = await findStreamMessage(jsm, STREAM, startSeq, DETECTED, (p) => p.database_id === id);
    expect(msg).toBeDefined();
    const event = msg!.json<Record<string, unknown>>();
    expect(DriftDetected.safeParse(event).error).toBeUndefined();
    expect(event).toMatchObject({
      database_id: id,
      database_name: databaseName,
      project_id: projectId,
      db_name: dbName,
      compared_at: expect.any(String),
      actor,
      totals: { ...FULL_TOTALS, collections: 1, failed_collections: 0, missing: 1, matched: 1, redundant: 1, different: 0 },
      fingerprint: expect.stringMatching(/\S/),
    });
    const changes = [
      { collection: 'orders', index: 'sku_1', change: 'missing' },
      { collection: 'orders', index: 'legacy_1', change: 'redundant' },
    ];
    expect(event.changes).toEqual(changes);
    // The database's first drift event: every change is new.
    expect(event.since_previous).toEqual({ appeared: changes, resolved: [] });
    fingerprint = event.fingerprint as string;
    expect(msg!.header?.get('Nats-Msg-Id')).toBeTruthy();
  });

  it('the same drift compared again publishes no new detected event', async () => {
    await compare(id);
    // Let any compare scheduled by the registry's events (1s debounce, 500ms poll) run as well.
    await sleep(2000);
    await compare(id);
    const detected = await messagesFor(startSeq, DETECTED, id);
    expect(detected.map((m) => m.json<{ fingerprint: string }>().fingerprint)).toEqual([fingerprint]);
    expect(await messagesFor(startSeq, RESOLVED, id)).toEqual([]);
  });

  it('fixing the target (the plan script in mongosh) and comparing again publishes drift.evt.database.resolved', async () => {
    const seq = await streamLastSeq(jsm, STREAM);
    // Dropped outright and unchecked: FerretDB has no $indexStats (and no collMod to hide), so the safe default would keep it.
    const res = await client
      .post('/indexes/generate-script')
      .send({ database_id: id, mode: 'plan', hide_before_drop: false, force_drop: true });
    expect(res.status).toBe(200);
    const out = await runMongoshScript((res.body as { script: string }).script, dbName);
    expect(out.at(-1)).toBe(
      'summary: 2 done (1 created, 1 dropped, 0 hidden, 0 modified), 0 failed, 0 skipped, 0 kept, 0 not run, 0 warning(s)',
    );

    const compared = await compare(id);
    expect(compared.totals).toMatchObject({ missing: 0, redundant: 0, different: 0, matched: 2 });
    const msg = await findStreamMessage(jsm, STREAM, seq, RESOLVED, (p) => p.database_id === id);
    expect(msg).toBeDefined();
    expect(msg!.json<Record<string, unknown>>()).toEqual({
      database_id: id,
      project_id: projectId,
      database_name: databaseName,
      db_name: dbName,
      compared_at: compared.compared_at,
      actor,
      since_previous: {
        appeared: [],
        resolved: [
          { collection: 'orders', index: 'sku_1', change: 'missing' },
          { collection: 'orders', index: 'legacy_1', change: 'redundant' },
        ],
      },
    });
    expect(msg!.header?.get('Nats-Msg-Id')).toBeTruthy();
    const latest = await client.get(`/databases/${id}/drift`);
    expect(latest.body).toMatchObject({ drift: false, totals: { missing: 0, redundant: 0, different: 0 } });

    // Resolved once: a second clean compare publishes nothing more.
    await compare(id);
    expect(await messagesFor(seq, RESOLVED, id)).toHaveLength(1);
    expect(await messagesFor(seq, DETECTED, id)).toHaveLength(0);
  });

  it('a registry change re-compares the database on its own, within seconds', async () => {
    const seq = await streamLastSeq(jsm, STREAM);
    await defineIndex(client, id, 'orders', [{ field: 'extra', value: 1 }]);
    let latest: DriftBody | undefined;
    const seen = await eventually(
      async () => {
        const res = await client.get(`/databases/${id}/drift`);
        latest = res.body as DriftBody;
        return res.status === 200 && latest.drift && latest.collections.some((c) => c.missing.some((i) => i.name === 'extra_1'));
      },
      10_000,
      250,
    );
    expect(seen).toBe(true);
    expect(latest?.totals).toMatchObject({ missing: 1, matched: 2, redundant: 0, different: 0 });
    const msg = await findStreamMessage(jsm, STREAM, seq, DETECTED, (p) => p.database_id === id);
    const event = msg?.json<{ changes: unknown[]; actor: unknown; since_previous: unknown }>();
    expect(event?.changes).toEqual([{ collection: 'orders', index: 'extra_1', change: 'missing' }]);
    // The comparator's own compare, after the resolved event: only the new index is news.
    expect(event?.actor).toEqual({ kind: 'service', id: 'comparator', name: 'comparator' });
    expect(event?.since_previous).toEqual({ appeared: [{ collection: 'orders', index: 'extra_1', change: 'missing' }], resolved: [] });
    // The wait above allows 10 s: scans run one at a time, and other test files leave unreachable targets to scan.
  }, 15_000);

  it('deleting the database forgets its drift', async () => {
    expect((await client.delete(`/databases/${id}`)).status).toBeLessThan(300);
    const gone = await eventually(async () => (await client.get(`/databases/${id}/drift`)).status === 404, 10_000, 250);
    expect(gone).toBe(true);
  });
});

describe('examples/drift-subscriber.mjs, the README subscriber', () => {
  const SCRIPT = join(__dirname, '..', 'examples', 'drift-subscriber.mjs');
  const children: ChildProcess[] = [];

  interface Subscriber {
    readonly lines: Record<string, unknown>[];
    stderr(): string;
    readonly exited: Promise<number | null>;
    stop(): void;
  }

  /** The script as another system runs it: plain node, the reader's password, the consumer an operator made for it. */
  function startSubscriber(consumer: string): Subscriber {
    const { password } = natsCredentials(testNatsEndpoint(), 'reader');
    const child = spawn(process.execPath, [SCRIPT], {
      env: {
        PATH: process.env.PATH,
        NATS_URL: testNatsEndpoint().servers as string,
        NATS_READER_PASSWORD: password,
        DRIFT_CONSUMER: consumer,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const lines: Record<string, unknown>[] = [];
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const complete = out.split('\n');
      out = complete.pop() ?? '';
      for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { lines, stderr: () => err, exited, stop: () => child.kill('SIGTERM') };
  }

  /** The operator's step of the README, as admin: a pull consumer of the drift events. */
  const addConsumer = (name: string, deliver: DeliverPolicy) =>
    jsm.consumers.add(STREAM, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: deliver,
      filter_subject: 'drift.evt.database.>',
    });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('as the reader, through a new consumer at new events only, prints the event a compare triggers and none from before', async () => {
    // A database that drifts before the subscriber starts: its first event is history.
    const before = await streamLastSeq(jsm, STREAM);
    const dbName = `drift_sub_${suffix()}`;
    targetDbs.push(dbName);
    const cases = mongo.db(dbName).collection('cases');
    await cases.insertOne({ status: 'open', assignee: 'ann' });
    await cases.createIndex({ status: 1 }, { name: 'status_1' });
    const database = await createTargetDatabase(client, { db_name: dbName });
    await defineIndex(client, database.id, 'cases', [{ field: 'status', value: 1 }]);
    await defineIndex(client, database.id, 'cases', [{ field: 'assignee', value: 1 }]);
    await compare(database.id);
    // Let the compare that the registry's events schedule (1s debounce) find the same drift.
    await sleep(2500);
    expect(await findStreamMessage(jsm, STREAM, before, DETECTED, (p) => p.database_id === database.id)).toBeDefined();

    const consumer = `drift-alerts-${suffix()}`;
    const historyUpTo = await streamLastSeq(jsm, STREAM);
    await addConsumer(consumer, DeliverPolicy.New);
    const subscriber = startSubscriber(consumer);
    expect(await eventually(async () => subscriber.stderr().includes('listening'), 15_000, 100)).toBe(true);

    // Someone adds an index by hand on the target; a person's compare finds it.
    await cases.createIndex({ opened: -1 }, { name: 'opened_-1' });
    await compare(database.id);
    const seen = await eventually(async () => subscriber.lines.some((l) => l.database_id === database.id), 15_000, 100);
    expect(seen).toBe(true);
    const mine = subscriber.lines.filter((l) => l.database_id === database.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      event: 'detected',
      database_name: database.name,
      project_id: projectId,
      db_name: dbName,
      actor,
      totals: { missing: 1, redundant: 1, matched: 1 },
      appeared: [{ collection: 'cases', index: 'opened_-1', change: 'redundant' }],
      resolved: [],
      message: expect.stringContaining(database.name),
    });
    // Nothing stored before the consumer was made, of this database or any other.
    expect(subscriber.lines.filter((l) => (l.seq as number) <= historyUpTo)).toEqual([]);

    subscriber.stop();
    expect(await subscriber.exited).toBe(0);
    expect(subscriber.stderr()).not.toContain(natsCredentials(testNatsEndpoint(), 'reader').password);
  }, 60_000);

  it('refuses a consumer that would start with the history, and one that does not exist, saying what the operator runs', async () => {
    const replaying = `drift-replay-${suffix()}`;
    await addConsumer(replaying, DeliverPolicy.All);
    const refused = startSubscriber(replaying);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toMatch(/would start with the stream's history \(deliver policy all\).*--deliver new/);
    expect(refused.lines).toEqual([]);

    const missing = startSubscriber(`drift-nowhere-${suffix()}`);
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toMatch(/no consumer drift-nowhere-\S+ on DRIFT_EVENTS.*consumer add DRIFT_EVENTS/);
  }, 60_000);
});
