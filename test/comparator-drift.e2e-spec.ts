// The latest drift of a database, and the drift events on DRIFT_EVENTS:
// detected once per distinct drift, resolved when the target is fixed, and a
// re-compare shortly after a registry change (DRIFT_CHANGE_DEBOUNCE is 1s in e2e).
import { DriftSnapshot } from '@ir/contracts';
import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
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

describe('drift of a database', () => {
  let id: string;
  let dbName: string;
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
    id = (await createTargetDatabase(client, { db_name: dbName })).id;
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
    expect(body).toMatchObject({ database_id: id, db_name: dbName, source: 'live', drift: true });
    expect(body.totals).toEqual({ collections: 1, failed_collections: 0, missing: 1, matched: 1, redundant: 1, different: 0 });
    expect(body.collections.map((c) => [c.collection, c.missing.map((i) => i.name), c.redundant.map((i) => i.name)])).toEqual([
      ['orders', ['sku_1'], ['legacy_1']],
    ]);
    expect(Date.parse(body.compared_at)).toBeGreaterThanOrEqual(Date.parse(compared.compared_at));
  });

  it('publishes drift.evt.database.detected with the totals, every change and a fingerprint', async () => {
    const msg = await findStreamMessage(jsm, STREAM, startSeq, DETECTED, (p) => p.database_id === id);
    expect(msg).toBeDefined();
    const event = msg!.json<Record<string, unknown>>();
    expect(event).toMatchObject({
      database_id: id,
      db_name: dbName,
      compared_at: expect.any(String),
      totals: { collections: 1, failed_collections: 0, missing: 1, matched: 1, redundant: 1, different: 0 },
      fingerprint: expect.stringMatching(/\S/),
    });
    expect(event.changes).toEqual([
      { collection: 'orders', index: 'sku_1', change: 'missing' },
      { collection: 'orders', index: 'legacy_1', change: 'redundant' },
    ]);
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
      db_name: dbName,
      compared_at: compared.compared_at,
      actor,
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
    expect(msg?.json<{ changes: unknown[] }>().changes).toEqual([{ collection: 'orders', index: 'extra_1', change: 'missing' }]);
    // The wait above allows 10 s: scans run one at a time, and other test files leave unreachable targets to scan.
  }, 15_000);

  it('deleting the database forgets its drift', async () => {
    expect((await client.delete(`/databases/${id}`)).status).toBeLessThan(300);
    const gone = await eventually(async () => (await client.get(`/databases/${id}/drift`)).status === 404, 10_000, 250);
    expect(gone).toBe(true);
  });
});
