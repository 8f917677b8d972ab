// Plans and mongosh scripts through the gateway, and the plan script run with
// real mongosh against the target (FerretDB): it brings the target to the DR,
// and a second run changes nothing. The script's safety (guard, usage check,
// failures, stop/continue) is in script-safety.e2e-spec.ts.
import { MongoClient } from 'mongodb';
import {
  authedApi,
  createTargetDatabase,
  defineIndex,
  expectNoStackTrace,
  loggedInUser,
  mongoClient,
  runMongoshScript,
  suffix,
  type AuthedApi,
} from './support/e2e-client';

interface Operation {
  kind: 'create' | 'drop' | 'modify' | 'hide';
  collection: string;
  index: string;
  reason: string;
  spec?: Record<string, unknown>;
  changes?: Record<string, unknown>;
  step?: string;
}
interface PlanBody {
  database_id: string;
  db_name: string;
  planned_at: string;
  operations: Operation[];
  warnings: string[];
  skipped_collections: { collection: string; reason: string }[];
}
interface ScriptBody {
  database_id: string;
  db_name: string;
  mode: string;
  operations: number;
  summary: Record<string, number>;
  script: string;
}

let client: AuthedApi;
let mongo: MongoClient;
const targetDbs: string[] = [];

beforeAll(async () => {
  const user = await loggedInUser();
  client = authedApi(user.tokens.access_token);
  mongo = await mongoClient();
});

afterAll(async () => {
  for (const name of targetDbs) await mongo?.db(name).dropDatabase();
  await mongo?.close();
});

async function plan(body: Record<string, unknown>): Promise<PlanBody> {
  const res = await client.post('/indexes/plan').send(body);
  if (res.status !== 200) throw new Error(`plan failed: ${res.status} ${res.text}`);
  return res.body as PlanBody;
}

async function script(body: Record<string, unknown>): Promise<ScriptBody> {
  const res = await client.post('/indexes/generate-script').send(body);
  if (res.status !== 200) throw new Error(`generate-script failed: ${res.status} ${res.text}`);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  return res.body as ScriptBody;
}

const summary = (ops: Operation[]): string[] => ops.map((op) => `${op.kind} ${op.collection}.${op.index}`);
/** The step lines of a script (the prelude only defines the helpers), steps the target cannot run included. */
const calls = (text: string): string[] => text.split('\n').filter((line) => /^ir(Step|Unsupported)\(/.test(line));
const kindOf = (line: string): string => (JSON.parse(line.slice(line.indexOf(', ') + 2, -2)) as { kind: string }).kind;
/** The same script but for its generation time. */
const timeless = (text: string): string => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');
/** The lines a script prints before its steps: title, database, plan, settings. */
const BANNER_LINES = 4;

/**
 * orders on the target: status_1 and by_customer as in the DR, email_1 not
 * unique (the DR wants it unique), legacy_1 not in the DR; the DR also wants
 * sku_1_qty_-1 on orders and g_1 on ghost (a collection the target lacks).
 */
async function scenario(): Promise<{ id: string; dbName: string }> {
  const dbName = `plan_${suffix()}`;
  targetDbs.push(dbName);
  const orders = mongo.db(dbName).collection('orders');
  await orders.insertMany(
    Array.from({ length: 10 }, (_, i) => ({
      status: i % 3,
      customer: `c${i % 4}`,
      created: i,
      email: `u${i}@x.test`,
      sku: `s${i}`,
      qty: i,
      legacy: true,
    })),
  );
  await orders.createIndex({ status: 1 }, { name: 'status_1' });
  await orders.createIndex({ customer: 1, created: -1 }, { name: 'by_customer' });
  await orders.createIndex({ email: 1 }, { name: 'email_1' });
  await orders.createIndex({ legacy: 1 }, { name: 'legacy_1' });

  const db = await createTargetDatabase(client, { db_name: dbName });
  await defineIndex(client, db.id, 'orders', [{ field: 'status', value: 1 }]);
  await defineIndex(
    client,
    db.id,
    'orders',
    [
      { field: 'customer', value: 1 },
      { field: 'created', value: -1 },
    ],
    { name: 'by_customer' },
  );
  await defineIndex(client, db.id, 'orders', [{ field: 'email', value: 1 }], { options: { is_unique: true } });
  await defineIndex(client, db.id, 'orders', [
    { field: 'sku', value: 1 },
    { field: 'qty', value: -1 },
  ]);
  await defineIndex(client, db.id, 'ghost', [{ field: 'g', value: 1 }]);
  return { id: db.id, dbName };
}

describe('POST /indexes/plan', () => {
  let target: { id: string; dbName: string };

  beforeAll(async () => {
    target = await scenario();
  });

  it('orders the operations: creates (a rebuild keeps a replacement in place) before drops, each with a reason', async () => {
    const body = await plan({ database_id: target.id });
    expect(body).toMatchObject({ database_id: target.id, db_name: target.dbName, warnings: [], skipped_collections: [] });
    expect(summary(body.operations)).toEqual([
      'create ghost.g_1',
      'create orders.email_1__ir_tmp',
      'drop orders.email_1',
      'create orders.email_1',
      'drop orders.email_1__ir_tmp',
      'create orders.sku_1_qty_-1',
      'drop orders.legacy_1',
    ]);
    for (const op of body.operations) expect(op.reason).toMatch(/\w/);
    const create = body.operations.find((op) => op.index === 'sku_1_qty_-1');
    expect(create).toMatchObject({ reason: 'missing from the database', spec: { key: { sku: 1, qty: -1 }, name: 'sku_1_qty_-1' } });
    expect(body.operations.find((op) => op.kind === 'create' && op.index === 'email_1')?.spec).toMatchObject({ unique: true });
    expect(body.operations.find((op) => op.index === 'legacy_1')?.reason).toMatch(/not in the design repository/);
    // The plan reads the target: nothing was changed.
    expect((await mongo.db(target.dbName).collection('orders').indexes()).map((i) => i.name).sort()).toEqual([
      '_id_',
      'by_customer',
      'email_1',
      'legacy_1',
      'status_1',
    ]);
  });

  it('hide_before_drop hides the redundant index instead of dropping it', async () => {
    const body = await plan({ database_id: target.id, hide_before_drop: true });
    const legacy = body.operations.filter((op) => op.index === 'legacy_1');
    expect(legacy).toEqual([
      expect.objectContaining({ kind: 'hide', collection: 'orders', changes: { hidden: true }, reason: expect.any(String) }),
    ]);
    expect(body.operations.filter((op) => op.kind === 'hide')).toHaveLength(1);
    expect(summary(body.operations).at(-1)).toBe('hide orders.legacy_1');
  });

  it('include: ["create"] only creates', async () => {
    const body = await plan({ database_id: target.id, include: ['create'] });
    expect(body.operations.length).toBeGreaterThan(0);
    expect(new Set(body.operations.map((op) => op.kind))).toEqual(new Set(['create']));
    expect(summary(body.operations)).toEqual(expect.arrayContaining(['create ghost.g_1', 'create orders.sku_1_qty_-1']));
    expect(summary(body.operations)).not.toContain('drop orders.legacy_1');
  });

  it('collections limits the plan to them', async () => {
    const body = await plan({ database_id: target.id, collections: ['ghost'] });
    expect(summary(body.operations)).toEqual(['create ghost.g_1']);
  });

  it('lists the collections it could not read in skipped_collections, and plans the rest', async () => {
    const dbName = `plan_fail_${suffix()}`;
    targetDbs.push(dbName);
    const db = await createTargetDatabase(client, { db_name: dbName });
    // FerretDB reserves the `_ferretdb_` prefix, which MongoDB allows and so does the DR: listIndexes fails for this collection only.
    const unreadable = `_ferretdb_${suffix()}`;
    await defineIndex(client, db.id, unreadable, [{ field: 'a', value: 1 }]);
    await defineIndex(client, db.id, 'fine', [{ field: 'a', value: 1 }]);
    const body = await plan({ database_id: db.id });
    expect(summary(body.operations)).toEqual(['create fine.a_1']);
    expect(body.skipped_collections).toEqual([{ collection: unreadable, reason: expect.any(String) }]);
    expect(body.skipped_collections[0].reason.length).toBeGreaterThan(0);
  });

  it('an invalid include is a 400 naming the field', async () => {
    const res = await client.post('/indexes/plan').send({ database_id: target.id, include: ['rename'] });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'include.0' })]));
    expectNoStackTrace(res.text);
  });
});

describe('POST /indexes/generate-script', () => {
  let target: { id: string; dbName: string };

  beforeAll(async () => {
    target = await scenario();
  });

  it('mode create: every DR index, guarded, without reading the target', async () => {
    const body = await script({ database_id: target.id, mode: 'create' });
    expect(body).toMatchObject({ database_id: target.id, db_name: target.dbName, mode: 'create', operations: 5 });
    expect(body.summary).toMatchObject({ steps: 5, creates: 5, drops: 0, hides: 0 });
    const lines = calls(body.script);
    expect(lines).toHaveLength(5);
    expect(lines.map(kindOf)).toEqual(Array(5).fill('create'));
    // The script works on the database of its connection, which its guard checks.
    expect(body.script).toContain('\nconst target = db;\n');
    expect(body.script).toContain(`"db_name":${JSON.stringify(target.dbName)}`);
  });

  it('mode drop: only the redundant indexes, hidden (with a usage check) unless hide_before_drop is false', async () => {
    const body = await script({ database_id: target.id, mode: 'drop' });
    expect(body).toMatchObject({ mode: 'drop', operations: 1 });
    // FerretDB has no collMod: the hide is marked as a step the target cannot run, and written commented out.
    expect(calls(body.script)).toEqual([
      expect.stringMatching(
        /^irUnsupported\(1, \{"kind":"hide","collection":"orders","index":"legacy_1","changes":\{"hidden":true\},"usage_check":true,"unsupported":"FerretDB .*collMod.*"\}\);$/,
      ),
    ]);
    expect(body.summary).toMatchObject({ steps: 1, hides: 1, unsupported: 1 });
    const outright = await script({ database_id: target.id, mode: 'drop', hide_before_drop: false });
    expect(calls(outright.script)).toEqual(['irStep(1, {"kind":"drop","collection":"orders","index":"legacy_1","usage_check":true});']);
  });

  it('modes both and plan: the plan against the live database', async () => {
    const planned = await plan({ database_id: target.id, hide_before_drop: true });
    for (const mode of ['both', 'plan']) {
      const body = await script({ database_id: target.id, mode });
      expect(body).toMatchObject({ mode, operations: planned.operations.length });
      const lines = calls(body.script);
      expect(lines).toHaveLength(planned.operations.length);
      expect(lines.map(kindOf)).toEqual(planned.operations.map((op) => op.kind));
    }
  });

  it('with Accept: application/javascript answers the script itself', async () => {
    const json = await script({ database_id: target.id, mode: 'plan' });
    const res = await client
      .post('/indexes/generate-script')
      .set('Accept', 'application/javascript')
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => callback(null, text));
      })
      .send({ database_id: target.id, mode: 'plan' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/javascript/);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    expect(timeless(res.body as string)).toBe(timeless(json.script));
  });

  it('an unknown mode is a 400 naming the field', async () => {
    const res = await client.post('/indexes/generate-script').send({ database_id: target.id, mode: 'everything' });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'mode' })]));
  });

  it('the plan script run in mongosh brings the target to the DR; a second run only skips', async () => {
    // Dropped outright and unchecked: FerretDB has neither collMod (to hide) nor $indexStats (to check use).
    const { script: text } = await script({ database_id: target.id, mode: 'plan', hide_before_drop: false, force_drop: true });

    const first = (await runMongoshScript(text, target.dbName)).slice(BANNER_LINES);
    expect(first).toEqual([
      'step 1/7 create ghost.g_1: created',
      'step 2/7 create orders.email_1__ir_tmp: created',
      'step 3/7 drop orders.email_1: dropped',
      'step 4/7 create orders.email_1: created',
      'step 5/7 drop orders.email_1__ir_tmp: dropped',
      'step 6/7 create orders.sku_1_qty_-1: created',
      expect.stringMatching(/^step 7\/7 drop orders\.legacy_1: dropped \(force_drop: its use cannot be read/),
      'summary: 7 done (4 created, 3 dropped, 0 hidden, 0 modified), 0 failed, 0 skipped, 0 kept, 0 not run, 0 warning(s)',
    ]);

    const compare = async () => {
      const res = await client.post('/indexes/compare-by-database').send({ database_id: target.id });
      expect(res.status).toBe(200);
      return res.body as { totals: Record<string, number> };
    };
    expect((await compare()).totals).toEqual({
      collections: 2,
      failed_collections: 0,
      not_found_collections: 0,
      missing: 0,
      matched: 5,
      name_differs: 0,
      redundant: 0,
      different: 0,
    });
    const indexes = async () =>
      (await mongo.db(target.dbName).collection('orders').indexes()).map((i) => ({ name: i.name, key: i.key, unique: i.unique === true }));
    const after = await indexes();

    const second = (await runMongoshScript(text, target.dbName)).slice(BANNER_LINES);
    expect(second.at(-1)).toBe(
      'summary: 0 done (0 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 7 skipped, 0 kept, 0 not run, 0 warning(s)',
    );
    expect(second.slice(0, -1).every((line) => /^step \d\/7 .*: skipped /.test(line))).toBe(true);
    expect(second).toHaveLength(8);
    expect(await indexes()).toEqual(after);
    expect((await compare()).totals).toMatchObject({ missing: 0, redundant: 0, different: 0 });
  });
});
