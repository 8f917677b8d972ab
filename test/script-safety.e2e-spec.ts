// The mongosh script for production, generated through the gateway and run with real mongosh against
// the target (FerretDB): header and banner, the database/server guard, hide with a usage check by
// default, a failing step named with the server's error, stop or continue, the summary and the exit
// code, and names that cannot break out of the script. FerretDB 1.x has no `$indexStats` and no
// collMod: the usage decisions and hiding are shown with MongoDB's shapes in
// libs/index-core/src/script.mongosh.spec.ts; here the script keeps what it cannot judge.
import { MongoClient } from 'mongodb';
import {
  authedApi,
  createTargetDatabase,
  defineIndex,
  expectNoStackTrace,
  loggedInUser,
  mongoClient,
  mongoshRun,
  suffix,
  targetMongoUri,
  type AuthedApi,
} from './support/e2e-client';

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
  client = authedApi((await loggedInUser()).tokens.access_token);
  mongo = await mongoClient();
});

afterAll(async () => {
  for (const name of targetDbs) await mongo?.db(name).dropDatabase();
  await mongo?.close();
});

async function script(body: Record<string, unknown>): Promise<ScriptBody> {
  const res = await client.post('/indexes/generate-script').send(body);
  if (res.status !== 200) throw new Error(`generate-script failed: ${res.status} ${res.text}`);
  return res.body as ScriptBody;
}

const BANNER_LINES = 4;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** The unique build over duplicates, refused: FerretDB's SQLite or PostgreSQL unique violation or MongoDB's E11000, with the server's code. */
const FAILED_UNIQUE = (n: number, of: number) =>
  new RegExp(
    `^step ${n}/${of} create orders\\.k_1: FAILED: MongoServerError: .*(UNIQUE constraint failed|could not create unique index|E11000).* \\(code \\d+ \\w+\\)$`,
  );

/**
 * audit: the DR wants a_1. orders: the DR wants k_1 unique, but two documents share k (the server
 * refuses the build), and status_1; legacy_1 is not in the DR.
 */
async function scenario(name: string): Promise<{ id: string; dbName: string }> {
  const dbName = `safety_${suffix()}`;
  targetDbs.push(dbName);
  const orders = mongo.db(dbName).collection('orders');
  await orders.insertMany([
    { k: 1, status: 'a', legacy: 1 },
    { k: 1, status: 'b', legacy: 2 },
  ]);
  await orders.createIndex({ legacy: 1 }, { name: 'legacy_1' });
  await mongo.db(dbName).collection('audit').insertOne({ a: 1 });
  const db = await createTargetDatabase(client, { db_name: dbName, name });
  await defineIndex(client, db.id, 'audit', [{ field: 'a', value: 1 }]);
  await defineIndex(client, db.id, 'orders', [{ field: 'k', value: 1 }], { options: { is_unique: true } });
  await defineIndex(client, db.id, 'orders', [{ field: 'status', value: 1 }]);
  return { id: db.id, dbName };
}

describe('the generated mongosh script, run in mongosh', () => {
  const registered = `shop-prod ${suffix()}`;
  let target: { id: string; dbName: string };
  const indexNames = async (collection: string) =>
    (await mongo.db(target.dbName).collection(collection).indexes()).map((i) => i.name).sort();

  beforeAll(async () => {
    target = await scenario(registered);
  });

  it('starts with a header and prints a banner: registered name and id, db name, DR version, time, the plan in numbers', async () => {
    const body = await script({ database_id: target.id, mode: 'plan' });
    // The hide by default; FerretDB has no collMod, so the comparator marks it as a step the target cannot run.
    expect(body.summary).toEqual({ steps: 4, creates: 3, drops: 0, hides: 1, modifies: 0, rebuilds: 0, unsupported: 1 });
    const header = body.script.split('\n').slice(0, 3);
    expect(header[1]).toBe(
      `// database ${JSON.stringify(registered)} (id ${JSON.stringify(target.id)}), db ${JSON.stringify(target.dbName)}, DR version 3`,
    );
    expect(header[2]).toMatch(
      /^\/\/ generated "\S+"; plan: 4 steps: 3 creates, 0 drops, 1 hide, 0 rebuilds, 0 option changes, 1 the target cannot run$/,
    );
    const lines = body.script.split('\n');
    const notRun = lines.findIndex((line) => line.startsWith('// NOT RUN, the target cannot run it: "FerretDB'));
    expect(lines[notRun + 1]).toMatch(/^\/\/ irStep\(4, \{"kind":"hide","collection":"orders","index":"legacy_1",/);
    expect(lines[notRun + 2]).toMatch(/^irUnsupported\(4, /);

    // The wrong database: the banner, then the refusal.
    const run = await mongoshRun(body.script, `${target.dbName}_x`);
    expect(run.lines).toHaveLength(BANNER_LINES);
    expect(run.lines[0]).toBe('Index Registry script: bring the indexes to the design repository');
    const banner = /^database "(.*)" \(id (\w+)\), db "(.*)", DR version (\d+), generated (\S+)$/.exec(run.lines[1]);
    expect(banner?.slice(1, 5)).toEqual([registered, target.id, target.dbName, '3']);
    expect(banner?.[5]).toMatch(ISO_TIME);
    expect(run.lines[2]).toBe(
      'plan: 4 step(s): 3 create(s), 0 drop(s), 1 hide(s), 0 rebuild(s), 0 option change(s), 1 the target cannot run',
    );
    expect(run.lines[3]).toBe('on error: stop; a redundant index is kept unless unused for 7 day(s)');
  });

  it('refuses another database or another server: non-zero exit, nothing changed', async () => {
    const body = await script({ database_id: target.id, mode: 'plan' });
    const elsewhere = await mongoshRun(body.script, 'admin');
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain(
      `refusing to run: connected to database "admin", but this script is for ${JSON.stringify(target.dbName)}`,
    );

    const guarded = await script({ database_id: target.id, mode: 'plan', expected_host: 'db-prod.example:27017' });
    const wrongHost = await mongoshRun(guarded.script, target.dbName);
    expect(wrongHost.code).not.toBe(0);
    expect(wrongHost.stderr).toMatch(/refusing to run: connected to \[.*\], not to "db-prod.example:27017"; nothing was changed/);
    const set = await script({ database_id: target.id, mode: 'plan', expected_replica_set: 'rs-prod' });
    const wrongSet = await mongoshRun(set.script, target.dbName);
    expect(wrongSet.code).not.toBe(0);
    expect(wrongSet.stderr).toContain('refusing to run: the server is not a replica set member, not in "rs-prod"');

    expect(await indexNames('audit')).toEqual(['_id_']);
    expect(await indexNames('orders')).toEqual(['_id_', 'legacy_1']);
  });

  it('by default: stops at the failed step, naming it, its index and the server error; the rest not run; exit non-zero', async () => {
    const right = await script({ database_id: target.id, mode: 'plan', expected_host: new URL(targetMongoUri()).host });
    const run = await mongoshRun(right.script, target.dbName);
    expect(run.code).not.toBe(0);
    expect(run.lines.slice(BANNER_LINES)).toEqual([
      'step 1/4 create audit.a_1: created',
      expect.stringMatching(FAILED_UNIQUE(2, 4)),
      'step 3/4 create orders.status_1: not run (the script stopped at step 2)',
      'step 4/4 hide orders.legacy_1: not run (the script stopped at step 2)',
      'summary: 1 done (1 created, 0 dropped, 0 hidden, 0 modified), 1 failed, 0 skipped, 0 kept, 2 not run, 0 warning(s)',
    ]);
    expect(run.stderr).toContain('1 step(s) failed: step 2 (create index "k_1" of collection "orders")');
    expect(await indexNames('orders')).toEqual(['_id_', 'legacy_1']);
  });

  it('on_error continue: goes on; a redundant index to drop whose use cannot be read is kept (FerretDB has no $indexStats)', async () => {
    const body = await script({ database_id: target.id, mode: 'plan', on_error: 'continue', hide_before_drop: false });
    expect(body.script).toContain('"on_error":"continue"');
    const run = await mongoshRun(body.script, target.dbName);
    expect(run.code).not.toBe(0);
    expect(run.lines.slice(BANNER_LINES)).toEqual([
      expect.stringMatching(FAILED_UNIQUE(1, 3)),
      'step 2/3 create orders.status_1: created',
      expect.stringMatching(
        /^step 3\/3 drop orders\.legacy_1: kept: its use cannot be read \(\$indexStats failed: .+\); force_drop to drop it anyway$/,
      ),
      'summary: 1 done (1 created, 0 dropped, 0 hidden, 0 modified), 1 failed, 0 skipped, 1 kept, 0 not run, 0 warning(s)',
    ]);
    expect(await indexNames('orders')).toEqual(['_id_', 'legacy_1', 'status_1']);
  });

  it('after a fix, the DR version in the banner moves, and the script finishes with exit 0', async () => {
    await mongo.db(target.dbName).collection('orders').deleteMany({ status: 'b' });
    await defineIndex(client, target.id, 'orders', [{ field: 'extra', value: 1 }]);
    const body = await script({ database_id: target.id, mode: 'plan' });
    expect(body.script.split('\n')[1]).toContain(', DR version 4');
    const run = await mongoshRun(body.script, target.dbName);
    expect(run.code).toBe(0);
    expect(run.lines.slice(-2)).toEqual([
      expect.stringMatching(/^step 3\/3 hide orders\.legacy_1: not run: the target cannot run it: FerretDB .*collMod/),
      'summary: 2 done (2 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 1 skipped, 0 kept, 0 not run, 0 warning(s)',
    ]);
    expect(await indexNames('orders')).toEqual(['_id_', 'extra_1', 'k_1', 'legacy_1', 'status_1']);
  });
});

describe('names that would break out of the script', () => {
  it('a collection named */ db.dropDatabase() // and a registered name with a line break stay inside their literals', async () => {
    const evil = '*/ db.dropDatabase() //';
    const registered = `x */ db.dropDatabase() //\nprint("owned") ${suffix()}`;
    const dbName = `safety_evil_${suffix()}`;
    targetDbs.push(dbName);
    await mongo.db(dbName).collection('keep').insertOne({ kept: true });
    const db = await createTargetDatabase(client, { db_name: dbName, name: registered });
    await defineIndex(client, db.id, evil, [{ field: 'a', value: 1 }]);
    const body = await script({ database_id: db.id, mode: 'create' });
    expect(body.script).toContain(`// step 1: create ${JSON.stringify(evil)} "a_1": "defined in the design repository"`);

    const run = await mongoshRun(body.script, dbName);
    expect(run.code).toBe(0);
    expect(run.lines).not.toContain('owned');
    expect(run.lines[1].startsWith(`database ${JSON.stringify(registered)} (id ${db.id})`)).toBe(true);
    expect(run.lines.slice(BANNER_LINES)).toEqual([
      `step 1/1 create ${evil}.a_1: created`,
      'summary: 1 done (1 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 0 skipped, 0 kept, 0 not run, 0 warning(s)',
    ]);
    expect((await mongo.db(dbName).collection(evil).indexes()).map((i) => i.name)).toEqual(['_id_', 'a_1']);
    expect(await mongo.db(dbName).collection('keep').countDocuments()).toBe(1);
  });
});

describe('script options', () => {
  it.each<[string, Record<string, unknown>]>([
    ['on_error', { on_error: 'maybe' }],
    ['unused_days', { unused_days: -1 }],
    ['unused_days', { unused_days: 1.5 }],
    ['force_drop', { force_drop: 'yes' }],
    ['hide_before_drop', { hide_before_drop: 'no' }],
    ['expected_host', { expected_host: 'db1 db2' }],
    ['expected_host', { expected_host: 'user@db1' }],
    ['expected_replica_set', { expected_replica_set: '' }],
  ])('a bad %s is a 400 naming it', async (field, options) => {
    const res = await client.post('/indexes/generate-script').send({ database_id: '665f0c0ffee0000000000001', mode: 'plan', ...options });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expectNoStackTrace(res.text);
  });
});
