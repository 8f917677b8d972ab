/**
 * The generated scripts run in real mongosh (the npm package `mongosh`, a
 * devDependency): (a) against the test server (FerretDB, or MONGODB_URI's
 * real MongoDB) for the index kinds FerretDB supports, twice, to show that
 * the script does its job and that a second run changes nothing, and for the
 * guard, a failing step, stop and continue; (b) with `--nodb` against a
 * recording stand-in for `db`, to see the exact createIndex / dropIndex /
 * collMod calls for what FerretDB 1.x cannot show: the kinds it refuses (TTL,
 * partial, collation, hidden, text, 2dsphere, hashed, wildcard), collMod (to
 * hide), `$indexStats` (the usage check) and replica sets (the server guard).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { diffCollection } from './diff';
import { planCollection } from './plan';
import type { PlanOperation } from './plan-types';
import { renderScript, type ScriptInput, type ScriptSettings } from './script';
import type { IndexDefinition, KeyEntry, ListIndexesEntry } from './types';
import { FR_FILLED } from './testing/fixtures';

const run = promisify(execFile);
// Each test starts mongosh (a Node program of its own) once or twice: seconds on a loaded 2-core machine.
jest.setTimeout(60_000);
const k = (field: string, value: KeyEntry['value']): KeyEntry => ({ field, value });

/** mongosh's entry script, run with this Node (no reliance on PATH or a shebang). */
function mongoshEntry(): { path?: string; problem?: string } {
  try {
    const path = require.resolve('mongosh/bin/mongosh.js');
    execFileSync(process.execPath, [path, '--version'], { timeout: 60_000, stdio: 'pipe' });
    return { path };
  } catch (error) {
    return { problem: `mongosh cannot run here (npm package "mongosh" missing or broken: ${String(error).split('\n')[0]})` };
  }
}

const mongosh = mongoshEntry();
const describeWithMongosh = mongosh.path ? describe : describe.skip;
if (mongosh.problem) console.warn(`script.mongosh.spec skipped: ${mongosh.problem}`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ir-mongosh-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface MongoshRun {
  readonly code: number;
  readonly lines: string[];
  readonly stderr: string;
}

async function runMongosh(args: string[], script: string): Promise<MongoshRun> {
  const file = join(dir, `script-${Date.now()}-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, script);
  const argv = [mongosh.path as string, ...args, '--quiet', '--file', file];
  const outcome = await run(process.execPath, argv, { timeout: 90_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => {
      if (typeof error.code !== 'number') throw error;
      return { code: error.code, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
    },
  );
  return { code: outcome.code, lines: outcome.stdout.split('\n').filter((line) => line.trim() !== ''), stderr: outcome.stderr };
}

const DATABASE = { id: '665f0c0ffee0000000000001', name: 'shop', version: 4 };
const BANNER_LINES = 4;

function script(dbName: string, operations: readonly PlanOperation[], settings: Partial<ScriptSettings> = {}): string {
  const input: ScriptInput = {
    database: { ...DATABASE, dbName },
    generatedAt: '2026-12-01T18:00:00.000Z',
    operations,
    settings: { onError: 'stop', unusedDays: 7, forceDrop: false, ...settings },
  };
  return renderScript(input).script;
}

/** The lines after the banner: one per step, then the summary. */
const steps = (out: MongoshRun): string[] => out.lines.slice(BANNER_LINES);

/** The test server's URI with the database in its path: the script runs only on the connection's database. */
function uriFor(dbName: string): string {
  const uri = new URL(process.env.TEST_MONGODB_URI as string);
  uri.pathname = `/${encodeURIComponent(dbName)}`;
  return uri.toString();
}

describeWithMongosh('generated script in mongosh against the test server', () => {
  const uri = process.env.TEST_MONGODB_URI;
  const dbName = `index_core_script_${process.pid}_${Date.now()}`;
  // Dots, a quote and Unicode; FerretDB's SQLite backend cannot take a double quote in a collection name (the --nodb test has one).
  const collection = "orders.eu 'main' ✓";
  let client: MongoClient;

  beforeAll(async () => {
    if (!uri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
    client = await MongoClient.connect(uri);
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  const listIndexes = async (name = collection): Promise<ListIndexesEntry[]> =>
    (await client.db(dbName).collection(name).listIndexes().toArray()) as unknown as ListIndexesEntry[];
  const shape = (entries: ListIndexesEntry[]) =>
    entries
      .map((e) => ({ name: e.name, key: JSON.stringify(e.key), unique: e.unique === true }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));

  it('prints the banner, brings the collection to the DR step by step, and a second run changes nothing', async () => {
    const coll = client.db(dbName).collection(collection);
    await coll.insertMany(
      Array.from({ length: 20 }, (_, i) => ({
        email: `u${i}@x.test`,
        status: i % 3,
        customer: `c${i % 4}`,
        created: i,
        sku: `s${i}`,
        qty: i,
        legacy: true,
      })),
    );
    await coll.createIndex({ status: 1 }, { name: 'status_1' });
    await coll.createIndex({ legacy: 1 }, { name: 'legacy_1' });
    await coll.createIndex({ customer: 1, created: -1 }, { name: 'by_customer' });
    await coll.createIndex({ email: 1 }, { name: 'email_1' });

    const desired: IndexDefinition[] = [
      { keys: [k('status', 1)] },
      { name: 'by_customer', keys: [k('customer', 1), k('created', -1)] },
      // Same name, now unique: a temporary index, drop, create, drop the temporary.
      { keys: [k('email', 1)], options: { is_unique: true } },
      { keys: [k('sku', 1), k('qty', -1)] },
    ];
    const plan = planCollection(diffCollection(collection, desired, await listIndexes()));
    expect(plan.warnings).toEqual([]);
    expect(plan.operations.map((op) => `${op.kind} ${op.index}`)).toEqual([
      'create email_1__ir_tmp',
      'drop email_1',
      'create email_1',
      'drop email_1__ir_tmp',
      'create sku_1_qty_-1',
      'drop legacy_1',
    ]);
    // force_drop: the redundant legacy_1 goes although FerretDB cannot tell its use ($indexStats is not implemented).
    const text = script(dbName, plan.operations, { forceDrop: true });
    const label = (n: number, kind: string, name: string) => `step ${n}/6 ${kind} ${collection}.${name}`;

    const first = await runMongosh([uriFor(dbName)], text);
    expect(first.code).toBe(0);
    expect(first.lines.slice(0, BANNER_LINES)).toEqual([
      'Index Registry script: bring the indexes to the design repository',
      `database "shop" (id 665f0c0ffee0000000000001), db "${dbName}", DR version 4, generated 2026-12-01T18:00:00.000Z`,
      'plan: 6 step(s): 1 create(s), 1 drop(s), 0 hide(s), 1 rebuild(s), 0 option change(s), 0 the target cannot run',
      'on error: stop; a redundant index is kept unless unused for 7 day(s) (force_drop: not checked)',
    ]);
    expect(steps(first)).toEqual([
      `${label(1, 'create', 'email_1__ir_tmp')}: created`,
      `${label(2, 'drop', 'email_1')}: dropped`,
      `${label(3, 'create', 'email_1')}: created`,
      `${label(4, 'drop', 'email_1__ir_tmp')}: dropped`,
      `${label(5, 'create', 'sku_1_qty_-1')}: created`,
      expect.stringMatching(/: dropped \(force_drop: .+\)$/),
      'summary: 6 done (3 created, 3 dropped, 0 hidden, 0 modified), 0 failed, 0 skipped, 0 kept, 0 not run, 0 warning(s)',
    ]);
    expect(steps(first)[5].startsWith(`${label(6, 'drop', 'legacy_1')}: dropped`)).toBe(true);
    const after = await listIndexes();
    const again = diffCollection(collection, desired, after);
    expect([again.missing.length, again.different.length, again.redundant.length, again.matched.length]).toEqual([0, 0, 0, 4]);

    const second = await runMongosh([uriFor(dbName)], text);
    expect(second.code).toBe(0);
    expect(steps(second)).toEqual([
      `${label(1, 'create', 'email_1__ir_tmp')}: skipped (email_1 is already rebuilt)`,
      `${label(2, 'drop', 'email_1')}: skipped (email_1 is already rebuilt)`,
      `${label(3, 'create', 'email_1')}: skipped (already exists)`,
      `${label(4, 'drop', 'email_1__ir_tmp')}: skipped (absent)`,
      `${label(5, 'create', 'sku_1_qty_-1')}: skipped (already exists)`,
      `${label(6, 'drop', 'legacy_1')}: skipped (absent)`,
      'summary: 0 done (0 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 6 skipped, 0 kept, 0 not run, 0 warning(s)',
    ]);
    expect(shape(await listIndexes())).toEqual(shape(after));
  });

  describe('the guard', () => {
    const operations: PlanOperation[] = [
      { kind: 'create', collection: 'guarded', index: 'g_1', spec: { key: { g: 1 }, name: 'g_1' }, reason: 'r' },
    ];
    // The collection exists only once the script has created its index.
    const names = async () => (await listIndexes('guarded').catch(() => [])).map((e) => e.name);

    it('refuses another database: non-zero exit, the reason, nothing changed', async () => {
      const out = await runMongosh([uriFor(`${dbName}_other`)], script(dbName, operations));
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain(
        `refusing to run: connected to database "${dbName}_other", but this script is for "${dbName}" (name it in the connection string`,
      );
      expect(out.lines).toHaveLength(BANNER_LINES);
      expect(
        await client
          .db(`${dbName}_other`)
          .collection('guarded')
          .listIndexes()
          .toArray()
          .catch(() => []),
      ).toEqual([]);
    });

    it('refuses a connection without the database in its path (mongosh then uses "test")', async () => {
      const base = new URL(process.env.TEST_MONGODB_URI as string);
      base.pathname = '/';
      const out = await runMongosh([base.toString()], script(dbName, operations));
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain('refusing to run: connected to database "test"');
    });

    it('refuses another host, and a server outside the expected replica set (FerretDB is none)', async () => {
      const wrongHost = await runMongosh([uriFor(dbName)], script(dbName, operations, { expectedHost: 'db-prod.example:27017' }));
      expect(wrongHost.code).not.toBe(0);
      expect(wrongHost.stderr).toMatch(/refusing to run: connected to \[.*\], not to "db-prod.example:27017"; nothing was changed/);
      const wrongSet = await runMongosh([uriFor(dbName)], script(dbName, operations, { expectedReplicaSet: 'ir-no-such-set' }));
      expect(wrongSet.code).not.toBe(0);
      expect(wrongSet.stderr).toMatch(
        /refusing to run: the server (is not a replica set member|is in replica set ".*"), not in "ir-no-such-set"/,
      );
      expect(await names()).toEqual([]);
    });

    it('runs on the expected host', async () => {
      const host = new URL(process.env.TEST_MONGODB_URI as string).host;
      const out = await runMongosh([uriFor(dbName)], script(dbName, operations, { expectedHost: host }));
      expect(out.code).toBe(0);
      expect(steps(out)).toEqual([
        'step 1/1 create guarded.g_1: created',
        'summary: 1 done (1 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 0 skipped, 0 kept, 0 not run, 0 warning(s)',
      ]);
    });
  });

  describe('a failing step', () => {
    // k_1 unique over duplicate values: the server refuses it. It replaces old_1, whose drop must then not run.
    const operations: PlanOperation[] = [
      {
        kind: 'create',
        collection: 'dups',
        index: 'k_1',
        spec: { key: { k: 1 }, name: 'k_1', unique: true },
        step: 'replace old_1 by k_1 1/2',
        reason: 'r',
      },
      { kind: 'drop', collection: 'dups', index: 'old_1', step: 'replace old_1 by k_1 2/2', reason: 'r' },
      { kind: 'create', collection: 'dups', index: 'x_1', spec: { key: { x: 1 }, name: 'x_1' }, reason: 'r' },
    ];
    const names = async () => (await listIndexes('dups')).map((e) => e.name).sort();
    const failedLine = /^step 1\/3 create dups\.k_1: FAILED: MongoServerError: .+ \(code \d+ \w+\)$/;

    beforeAll(async () => {
      const dups = client.db(dbName).collection('dups');
      await dups.insertMany([
        { k: 1, x: 1, old: 1 },
        { k: 1, x: 2, old: 2 },
      ]);
      await dups.createIndex({ old: 1 }, { name: 'old_1' });
    });

    it('stop (the default): names the step, its index and the server error, reports the rest as not run, exits non-zero', async () => {
      const out = await runMongosh([uriFor(dbName)], script(dbName, operations));
      expect(out.code).not.toBe(0);
      expect(steps(out)).toEqual([
        expect.stringMatching(failedLine),
        'step 2/3 drop dups.old_1: not run (the script stopped at step 1)',
        'step 3/3 create dups.x_1: not run (the script stopped at step 1)',
        'summary: 0 done (0 created, 0 dropped, 0 hidden, 0 modified), 1 failed, 0 skipped, 0 kept, 2 not run, 0 warning(s)',
      ]);
      expect(out.stderr).toContain('1 step(s) failed: step 1 (create index "k_1" of collection "dups")');
      expect(await names()).toEqual(['_id_', 'old_1']);
    });

    it('continue: runs the steps that do not depend on it, never the drop its replacement was to allow', async () => {
      const out = await runMongosh([uriFor(dbName)], script(dbName, operations, { onError: 'continue' }));
      expect(out.code).not.toBe(0);
      expect(steps(out)).toEqual([
        expect.stringMatching(failedLine),
        'step 2/3 drop dups.old_1: not run: step 1 of the same change did not complete',
        'step 3/3 create dups.x_1: created',
        'summary: 1 done (1 created, 0 dropped, 0 hidden, 0 modified), 1 failed, 0 skipped, 0 kept, 1 not run, 0 warning(s)',
      ]);
      expect(await names()).toEqual(['_id_', 'old_1', 'x_1']);
    });
  });

  it('keeps a redundant index whose use it cannot show (FerretDB has no $indexStats; a new index on MongoDB is too recent)', async () => {
    await client.db(dbName).collection('kept').createIndex({ a: 1 }, { name: 'a_1' });
    const operations: PlanOperation[] = [{ kind: 'drop', collection: 'kept', index: 'a_1', reason: 'not in the design repository' }];
    const out = await runMongosh([uriFor(dbName)], script(dbName, operations));
    expect(out.code).toBe(0);
    expect(steps(out)).toEqual([
      expect.stringMatching(/^step 1\/1 drop kept\.a_1: kept: .+; force_drop to drop it anyway$/),
      'summary: 0 done (0 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 0 skipped, 1 kept, 0 not run, 0 warning(s)',
    ]);
    expect((await listIndexes('kept')).map((e) => e.name)).toContain('a_1');
  });

  it('skips a create whose name exists with another key, with a warning', async () => {
    const coll = client.db(dbName).collection('clash');
    await coll.insertOne({ a: 1, b: 1 });
    await coll.createIndex({ a: 1 }, { name: 'idx' });
    const operations: PlanOperation[] = [
      { kind: 'create', collection: 'clash', index: 'idx', spec: { key: { b: 1 }, name: 'idx' }, reason: 'test' },
    ];
    const out = await runMongosh([uriFor(dbName)], script(dbName, operations));
    expect(steps(out)).toEqual([
      'step 1/1 create clash.idx: WARNING: exists with a different key {"a":1}; skipped',
      'summary: 0 done (0 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 0 skipped, 0 kept, 0 not run, 1 warning(s)',
    ]);
  });

  it('a drop on a collection that does not exist is a skip', async () => {
    const operations: PlanOperation[] = [{ kind: 'drop', collection: 'nothing_here', index: 'x_1', reason: 'test' }];
    const out = await runMongosh([uriFor(dbName)], script(dbName, operations));
    expect(steps(out)).toEqual([
      'step 1/1 drop nothing_here.x_1: skipped (absent)',
      'summary: 0 done (0 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 1 skipped, 0 kept, 0 not run, 0 warning(s)',
    ]);
  });
});

interface StandIn {
  readonly dbName?: string;
  /** Each collection's getIndexes(). */
  readonly indexes?: Record<string, unknown[]>;
  /** Each collection's `$indexStats` documents, in Extended JSON (canonical: ops as $numberLong, since as $date); absent: it fails. */
  readonly stats?: Record<string, unknown[]>;
  /** What db.hello() answers. */
  readonly hello?: Record<string, unknown>;
  readonly uri?: string;
}

/**
 * A stand-in for mongosh's `db` (mongosh refuses `db = <not a Database>`, so
 * the unchanged script runs inside a function whose parameter is `db`): it
 * records every call that changes something and answers getIndexes,
 * `$indexStats`, hello and getURI from fixtures.
 */
function recordingHarness(script: string, standIn: StandIn): string {
  const fixtures = { dbName: 'x', indexes: {}, hello: { isWritablePrimary: true }, uri: 'mongodb://127.0.0.1:27017/x', ...standIn };
  return `const __calls = [];
const __fixtures = EJSON.parse(${JSON.stringify(JSON.stringify(fixtures))}, { relaxed: false });
const __fakeDb = {
  getName() { return __fixtures.dbName; },
  hello() { return __fixtures.hello; },
  getMongo() { return { getURI() { return __fixtures.uri; } }; },
  dropDatabase() { __calls.push({ dropDatabase: true }); return { ok: 1 }; },
  getCollection(c) {
    return {
      getIndexes() { return __fixtures.indexes[c] || []; },
      aggregate(pipeline) {
        if (!__fixtures.stats || !__fixtures.stats[c]) throw Object.assign(new Error('no $indexStats here'), { code: 238, codeName: 'NotImplemented' });
        return { toArray() { return __fixtures.stats[c]; } };
      },
      createIndex(key, options) { __calls.push({ createIndex: c, key: key, options: options }); return options.name; },
      dropIndex(name) { __calls.push({ dropIndex: c, name: name }); return { ok: 1 }; },
    };
  },
  runCommand(cmd) { __calls.push({ runCommand: cmd }); return { ok: 1 }; },
};
try {
  (function (db) {
${script}
  })(__fakeDb);
} finally {
  print('__CALLS__' + EJSON.stringify(__calls));
}
`;
}

async function recorded(
  script: string,
  standIn: StandIn = {},
): Promise<{ lines: string[]; calls: unknown[]; code: number; stderr: string }> {
  const out = await runMongosh(['--nodb'], recordingHarness(script, standIn));
  const marker = out.lines.find((line) => line.startsWith('__CALLS__'));
  if (!marker) throw new Error(`no recorded calls in: ${out.lines.join('\n')}\n${out.stderr}`);
  return {
    lines: out.lines.filter((line) => line !== marker).slice(BANNER_LINES),
    calls: JSON.parse(marker.slice('__CALLS__'.length)) as unknown[],
    code: out.code,
    stderr: out.stderr,
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => ({ $date: new Date(Date.now() - days * DAY_MS).toISOString() });
const stat = (name: string, ops: number, since: unknown) => ({
  name,
  key: {},
  host: 'h:27017',
  accesses: { ops: { $numberLong: String(ops) }, since },
});

describeWithMongosh('generated script in mongosh --nodb with a recording db', () => {
  it('sends every option of the kinds FerretDB refuses exactly, and collMod for modify/hide', async () => {
    const things = 'th"ings.v2 ✓';
    const real: ListIndexesEntry[] = [
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { created_at: 1 }, name: 'created_at_1', expireAfterSeconds: 3600 },
      { v: 2, key: { old: 1 }, name: 'old_1' },
    ];
    const desired: IndexDefinition[] = [
      {
        keys: [k('title', 'text'), k('body', 'text')],
        options: { weights: { title: 10 }, default_language: 'french', language_override: 'lang' },
      },
      { keys: [k('loc', '2dsphere')], options: { sphere_index_version: 3 } },
      { keys: [k('a', 'hashed')] },
      { keys: [k('created_at', 1)], options: { expire_after_seconds: 7200 } },
      { keys: [k('expires', 1)], options: { expire_after_seconds: 0 } },
      {
        keys: [k('case_id', 1)],
        options: { partial_filter_expression: { resolved: false, at: { $gte: { $date: '2024-01-01T00:00:00Z' } } } },
      },
      { keys: [k('name', 1)], options: { collation: { locale: 'fr', strength: 2, caseLevel: true } } },
      { keys: [k('flag', 1)], options: { hidden: true } },
      { keys: [k('$**', 1)], options: { wildcard_projection: { details: 1, 'meta.x': 0 } } },
    ];
    const plan = planCollection(diffCollection(things, desired, real), { hideBeforeDrop: true });
    const { lines, calls } = await recorded(script('app "prod"', plan.operations), {
      dbName: 'app "prod"',
      indexes: { [things]: real },
      stats: { [things]: [stat('old_1', 0, daysAgo(30))] },
    });

    expect(calls).toEqual([
      { runCommand: { collMod: things, index: { name: 'created_at_1', expireAfterSeconds: 7200 } } },
      { createIndex: things, key: { '$**': 1 }, options: { name: '$**_1', wildcardProjection: { details: 1, 'meta.x': 0 } } },
      { createIndex: things, key: { a: 'hashed' }, options: { name: 'a_hashed' } },
      {
        createIndex: things,
        key: { case_id: 1 },
        options: { name: 'case_id_1', partialFilterExpression: { resolved: false, at: { $gte: { $date: '2024-01-01T00:00:00Z' } } } },
      },
      { createIndex: things, key: { expires: 1 }, options: { name: 'expires_1', expireAfterSeconds: 0 } },
      { createIndex: things, key: { flag: 1 }, options: { name: 'flag_1', hidden: true } },
      { createIndex: things, key: { loc: '2dsphere' }, options: { name: 'loc_2dsphere', '2dsphereIndexVersion': 3 } },
      { createIndex: things, key: { name: 1 }, options: { name: 'name_1', collation: { locale: 'fr', strength: 2, caseLevel: true } } },
      {
        createIndex: things,
        key: { title: 'text', body: 'text' },
        options: { name: 'title_text_body_text', weights: { title: 10 }, default_language: 'french', language_override: 'lang' },
      },
      { runCommand: { collMod: things, index: { name: 'old_1', hidden: true } } },
    ]);
    expect(lines).toContain(`step 1/10 modify ${things}.created_at_1: modified (expireAfterSeconds 7200)`);
    expect(lines).toContain(`step 10/10 hide ${things}.old_1: hid (hidden true)`);
    expect(lines.at(-1)).toBe(
      'summary: 10 done (8 created, 0 dropped, 1 hidden, 1 modified), 0 failed, 0 skipped, 0 kept, 0 not run, 0 warning(s)',
    );
  });

  it('collMod sets prepareUnique (6.0+) as it sets hidden, and skips it once set', async () => {
    const before: ListIndexesEntry[] = [
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { email: 1 }, name: 'email_1' },
    ];
    const plan = planCollection(diffCollection('users', [{ keys: [k('email', 1)], options: { prepare_unique: true } }], before));
    const first = await recorded(script('app', plan.operations), { dbName: 'app', indexes: { users: before } });
    expect(first.calls).toEqual([{ runCommand: { collMod: 'users', index: { name: 'email_1', prepareUnique: true } } }]);
    expect(first.lines).toContain('step 1/1 modify users.email_1: modified (prepareUnique true)');

    const after: ListIndexesEntry[] = [before[0], { ...before[1], prepareUnique: true }];
    const again = await recorded(script('app', plan.operations), { dbName: 'app', indexes: { users: after } });
    expect(again.calls).toEqual([]);
    expect(again.lines).toContain('step 1/1 modify users.email_1: skipped (already up to date)');
  });

  it('a date in a partial filter reaches createIndex as a Date, not a string', async () => {
    const operations: PlanOperation[] = [
      {
        kind: 'create',
        collection: 'c',
        index: 'd_1',
        spec: { key: { d: 1 }, name: 'd_1', partialFilterExpression: { d: { $gt: { $date: '2024-01-01T00:00:00Z' } } } },
        reason: 'r',
      },
    ];
    const text = script('x', operations);
    const call = 'target.getCollection(step.collection).createIndex(step.key, step.options);';
    expect(text).toContain(call);
    const { lines } = await recorded(text.replace(call, "print('type ' + (step.options.partialFilterExpression.d.$gt instanceof Date));"));
    expect(lines).toContain('type true');
  });

  it('guards: existing same index, other key, absent drop/collMod; server-filled defaults are not differences', async () => {
    const indexes = {
      c: [
        { v: 2, key: { _id: 1 }, name: '_id_' },
        { v: 2, key: { name: 1 }, name: 'name_1', collation: FR_FILLED },
        {
          v: 2,
          key: { _fts: 'text', _ftsx: 1 },
          name: 't',
          weights: { a: 1, b: 2 },
          default_language: 'english',
          language_override: 'language',
          textIndexVersion: 3,
        },
        { v: 2, key: { x: 1 }, name: 'clash' },
        { v: 2, key: { ttl: 1 }, name: 'ttl_1', expireAfterSeconds: 60 },
      ],
    };
    const operations: PlanOperation[] = [
      {
        kind: 'create',
        collection: 'c',
        index: 'name_1',
        spec: { key: { name: 1 }, name: 'name_1', collation: { locale: 'fr' } },
        reason: 'r',
      },
      { kind: 'create', collection: 'c', index: 't', spec: { key: { a: 'text', b: 'text' }, name: 't', weights: { b: 2 } }, reason: 'r' },
      { kind: 'create', collection: 'c', index: 'clash', spec: { key: { y: 1 }, name: 'clash' }, reason: 'r' },
      { kind: 'drop', collection: 'c', index: 'gone_1', reason: 'r' },
      { kind: 'drop', collection: 'c', index: '_id_', reason: 'r' },
      { kind: 'modify', collection: 'c', index: 'ttl_1', changes: { expireAfterSeconds: 60 }, reason: 'r' },
      { kind: 'hide', collection: 'c', index: 'nope', changes: { hidden: true }, reason: 'r' },
    ];
    const { lines, calls } = await recorded(script('x', operations), { indexes });
    expect(calls).toEqual([]);
    expect(lines).toEqual([
      'step 1/7 create c.name_1: skipped (already exists)',
      'step 2/7 create c.t: skipped (already exists)',
      'step 3/7 create c.clash: WARNING: exists with a different key {"x":1}; skipped',
      'step 4/7 drop c.gone_1: skipped (absent)',
      'step 5/7 drop c._id_: WARNING: _id_ is never dropped; skipped',
      'step 6/7 modify c.ttl_1: skipped (already up to date)',
      'step 7/7 hide c.nope: skipped (absent)',
      'summary: 0 done (0 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 5 skipped, 0 kept, 0 not run, 2 warning(s)',
    ]);
  });

  describe('the usage check ($indexStats, which FerretDB 1.x lacks: its documented shape, one document per index and server)', () => {
    const indexes = { c: ['used', 'recent', 'idle', 'sharded', 'nostats', 'hideme'].map((name) => ({ v: 2, key: { [name]: 1 }, name })) };
    const stats = {
      c: [
        stat('used', 5, daysAgo(60)),
        stat('recent', 0, daysAgo(2)),
        stat('idle', 0, daysAgo(30)),
        // Two shards: unused on one, used on the other.
        stat('sharded', 0, daysAgo(30)),
        stat('sharded', 3, daysAgo(30)),
        stat('hideme', 1, daysAgo(30)),
      ],
    };
    const operations: PlanOperation[] = [
      ...['used', 'recent', 'idle', 'sharded', 'nostats'].map((index): PlanOperation => ({
        kind: 'drop',
        collection: 'c',
        index,
        reason: 'r',
      })),
      { kind: 'hide', collection: 'c', index: 'hideme', changes: { hidden: true }, reason: 'r' },
      // A drop in a replacement is not checked: its replacement (here already there) takes the queries.
      {
        kind: 'create',
        collection: 'c',
        index: 'idle',
        spec: { key: { idle: 1 }, name: 'idle' },
        step: 'replace used by idle 1/2',
        reason: 'r',
      },
      { kind: 'drop', collection: 'c', index: 'used', step: 'replace used by idle 2/2', reason: 'r' },
    ];

    it('keeps what was used or counted for fewer than unused_days, drops what was not, and says why', async () => {
      const { lines, calls, code } = await recorded(script('x', operations), { indexes, stats });
      expect(code).toBe(0);
      expect(lines).toEqual([
        expect.stringMatching(/^step 1\/8 drop c\.used: kept: used 5 time\(s\) since \S+Z; force_drop to drop it anyway$/),
        expect.stringMatching(/^step 2\/8 drop c\.recent: kept: unused, but counted only since \S+Z, less than 7 day\(s\); force_drop/),
        'step 3/8 drop c.idle: dropped',
        expect.stringMatching(/^step 4\/8 drop c\.sharded: kept: used 3 time\(s\) since /),
        'step 5/8 drop c.nostats: kept: its use cannot be read ($indexStats has no entry for it); force_drop to drop it anyway',
        expect.stringMatching(/^step 6\/8 hide c\.hideme: kept: used 1 time\(s\) since \S+; force_drop to hide it anyway$/),
        // The stand-in's indexes do not change: `idle` is still listed, so the create is a skip.
        'step 7/8 create c.idle: skipped (already exists)',
        'step 8/8 drop c.used: dropped',
        'summary: 2 done (0 created, 2 dropped, 0 hidden, 0 modified), 0 failed, 1 skipped, 5 kept, 0 not run, 0 warning(s)',
      ]);
      expect(calls).toEqual([
        { dropIndex: 'c', name: 'idle' },
        { dropIndex: 'c', name: 'used' },
      ]);
    });

    it('unused_days decides how long an unused index must have been watched; force_drop skips the check and says what it overrode', async () => {
      const relaxed = await recorded(script('x', operations.slice(1, 2), { unusedDays: 1 }), { indexes, stats });
      expect(relaxed.lines[0]).toBe('step 1/1 drop c.recent: dropped');
      const forced = await recorded(script('x', operations, { forceDrop: true }), { indexes, stats });
      expect(forced.lines[0]).toMatch(/^step 1\/8 drop c\.used: dropped \(force_drop: used 5 time\(s\) since \S+\)$/);
      expect(forced.lines[5]).toMatch(/^step 6\/8 hide c\.hideme: hid \(hidden true\) \(force_drop: used 1 time/);
      expect(forced.lines.at(-1)).toBe(
        'summary: 7 done (0 created, 6 dropped, 1 hidden, 0 modified), 0 failed, 1 skipped, 0 kept, 0 not run, 0 warning(s)',
      );
    });

    it('keeps everything when $indexStats fails (as on FerretDB), naming the server error', async () => {
      const { lines } = await recorded(script('x', operations.slice(0, 1)), { indexes });
      expect(lines[0]).toBe(
        'step 1/1 drop c.used: kept: its use cannot be read ($indexStats failed: Error: no $indexStats here (code 238 NotImplemented)); force_drop to drop it anyway',
      );
    });
  });

  describe('the server guard (a replica set, which FerretDB is not)', () => {
    const operations: PlanOperation[] = [{ kind: 'drop', collection: 'c', index: 'gone', reason: 'r' }];
    const hello = { setName: 'rs0', me: 'db2.example:27017', hosts: ['db1.example:27017', 'db2.example:27017'] };

    it('runs on a member of the expected set, found by host with or without the port', async () => {
      for (const expectedHost of ['db1.example:27017', 'DB2.example', 'seed.example']) {
        const out = await recorded(script('x', operations, { expectedReplicaSet: 'rs0', expectedHost }), {
          hello,
          uri: 'mongodb://user:secret@seed.example,db1.example:27017/x?replicaSet=rs0',
        });
        expect(out.code).toBe(0);
        expect(out.lines[0]).toBe('step 1/1 drop c.gone: skipped (absent)');
      }
    });

    it('refuses another set or another host, and never prints the credentials of the connection string', async () => {
      const uri = 'mongodb://user:secret@seed.example/x';
      const set = await recorded(script('x', operations, { expectedReplicaSet: 'rs-prod' }), { hello, uri });
      expect(set.code).not.toBe(0);
      expect(set.stderr).toContain('refusing to run: the server is in replica set "rs0", not in "rs-prod"; nothing was changed');
      const host = await recorded(script('x', operations, { expectedHost: 'db9.example' }), { hello, uri });
      expect(host.code).not.toBe(0);
      expect(host.stderr).toContain(
        'refusing to run: connected to ["db2.example:27017","db1.example:27017","db2.example:27017","seed.example"], not to "db9.example"',
      );
      expect(set.stderr + host.stderr).not.toContain('secret');
      expect(set.lines).toEqual([]);
    });
  });

  it('names from the definitions and the target cannot break out of their literals or comments', async () => {
    const evil = ['*/ db.dropDatabase() //', "x');db.dropDatabase();('", 'a\nb', 'c\u2028d'];
    const operations = evil.map((name, i): PlanOperation => ({
      kind: 'drop',
      collection: name,
      index: evil[(i + 1) % evil.length],
      reason: name,
    }));
    const indexes = Object.fromEntries(operations.map((op) => [op.collection, [{ v: 2, key: { a: 1 }, name: op.index }]]));
    const { calls, lines } = await recorded(script(evil[0], operations, { forceDrop: true }), { dbName: evil[0], indexes });
    expect(calls).toEqual(operations.map((op) => ({ dropIndex: op.collection, name: op.index })));
    expect(lines[2]).toBe(
      'step 3/4 drop "a\\nb"."c\u2028d": dropped (force_drop: its use cannot be read ($indexStats failed: Error: no $indexStats here (code 238 NotImplemented)))',
    );
  });

  it('a step the target cannot run is not run, and holds back the rest of its change', async () => {
    const operations: (PlanOperation & { unsupported?: string })[] = [
      {
        kind: 'create',
        collection: 'c',
        index: 'p_1',
        spec: { key: { p: 1 }, name: 'p_1', partialFilterExpression: { p: { $gt: 1 } } },
        step: 'replace old by p_1 1/2',
        reason: 'r',
        unsupported: 'FerretDB 1.x cannot build partial indexes',
      },
      { kind: 'drop', collection: 'c', index: 'old', step: 'replace old by p_1 2/2', reason: 'r' },
    ];
    const { lines, calls, code } = await recorded(script('x', operations), { indexes: { c: [{ v: 2, key: { old: 1 }, name: 'old' }] } });
    expect(code).toBe(0);
    expect(calls).toEqual([]);
    expect(lines).toEqual([
      'step 1/2 create c.p_1: not run: the target cannot run it: FerretDB 1.x cannot build partial indexes',
      'step 2/2 drop c.old: not run: step 1 of the same change did not complete',
      'summary: 0 done (0 created, 0 dropped, 0 hidden, 0 modified), 0 failed, 1 skipped, 0 kept, 1 not run, 0 warning(s)',
    ]);
  });
});
