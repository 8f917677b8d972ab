/**
 * The generated scripts run in real mongosh (the npm package `mongosh`, a
 * devDependency): (a) against the test server (FerretDB, or MONGODB_URI's
 * real MongoDB) for the index kinds FerretDB supports, twice, to show that
 * the script does its job and that a second run changes nothing; (b) with
 * `--nodb` against a recording stand-in for `db`, to see the exact
 * createIndex / dropIndex / collMod calls for the kinds FerretDB refuses
 * (TTL, partial, collation, hidden, text, 2dsphere, hashed, wildcard).
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
import { renderScript } from './script';
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

async function runMongosh(args: string[], script: string): Promise<string[]> {
  const file = join(dir, `script-${Date.now()}-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, script);
  const { stdout } = await run(process.execPath, [mongosh.path as string, ...args, '--quiet', '--file', file], { timeout: 90_000 });
  return stdout.split('\n').filter((line) => line.trim() !== '');
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

  const listIndexes = async (): Promise<ListIndexesEntry[]> =>
    (await client.db(dbName).collection(collection).listIndexes().toArray()) as unknown as ListIndexesEntry[];
  const shape = (entries: ListIndexesEntry[]) =>
    entries
      .map((e) => ({ name: e.name, key: JSON.stringify(e.key), unique: e.unique === true }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));

  it('brings the collection to the DR, and a second run changes nothing', async () => {
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
    const script = renderScript({ dbName, operations: plan.operations });
    const label = (name: string) => `${collection}.${name}`;

    const first = await runMongosh([uri as string], script);
    expect(first).toEqual([
      `created ${label('email_1__ir_tmp')}`,
      `dropped ${label('email_1')}`,
      `created ${label('email_1')}`,
      `dropped ${label('email_1__ir_tmp')}`,
      `created ${label('sku_1_qty_-1')}`,
      `dropped ${label('legacy_1')}`,
      'summary: 3 created, 3 dropped, 0 modified, 0 hidden, 0 skipped, 0 warnings',
    ]);
    const after = await listIndexes();
    const again = diffCollection(collection, desired, after);
    expect({
      missing: again.missing.length,
      different: again.different.length,
      redundant: again.redundant.length,
      matched: again.matched.length,
    }).toEqual({
      missing: 0,
      different: 0,
      redundant: 0,
      matched: 4,
    });

    const second = await runMongosh([uri as string], script);
    expect(second).toEqual([
      `skipped ${label('email_1__ir_tmp')} (email_1 is already rebuilt)`,
      `skipped ${label('email_1')} (email_1 is already rebuilt)`,
      `skipped ${label('email_1')} (already exists)`,
      `skipped ${label('email_1__ir_tmp')} (absent)`,
      `skipped ${label('sku_1_qty_-1')} (already exists)`,
      `skipped ${label('legacy_1')} (absent)`,
      'summary: 0 created, 0 dropped, 0 modified, 0 hidden, 6 skipped, 0 warnings',
    ]);
    expect(shape(await listIndexes())).toEqual(shape(after));
  });

  it('skips a create whose name exists with another key, with a warning', async () => {
    const coll = client.db(dbName).collection('clash');
    await coll.insertOne({ a: 1, b: 1 });
    await coll.createIndex({ a: 1 }, { name: 'idx' });
    const operations: PlanOperation[] = [
      { kind: 'create', collection: 'clash', index: 'idx', spec: { key: { b: 1 }, name: 'idx' }, reason: 'test' },
    ];
    const out = await runMongosh([uri as string], renderScript({ dbName, operations }));
    expect(out[0]).toBe('WARNING: clash.idx exists with a different key {"a":1}; skipped');
    expect(out[1]).toBe('summary: 0 created, 0 dropped, 0 modified, 0 hidden, 0 skipped, 1 warnings');
  });

  it('a drop on a collection that does not exist is a skip', async () => {
    const operations: PlanOperation[] = [{ kind: 'drop', collection: 'nothing_here', index: 'x_1', reason: 'test' }];
    const out = await runMongosh([uri as string], renderScript({ dbName, operations }));
    expect(out).toEqual([
      'skipped nothing_here.x_1 (absent)',
      'summary: 0 created, 0 dropped, 0 modified, 0 hidden, 1 skipped, 0 warnings',
    ]);
  });
});

/**
 * A stand-in for mongosh's `db` (mongosh refuses `db = <not a Database>`, so
 * the unchanged script runs inside a function whose parameter is `db`): it
 * records every call and answers getIndexes from a fixture.
 */
function recordingHarness(script: string, fixtures: Record<string, unknown[]>): string {
  return `const __calls = [];
const __fixtures = ${JSON.stringify(fixtures)};
const __fakeDb = {
  getSiblingDB(name) {
    __calls.push({ getSiblingDB: name });
    return {
      getCollection(c) {
        return {
          getIndexes() { return __fixtures[c] || []; },
          createIndex(key, options) { __calls.push({ createIndex: c, key: key, options: options }); return options.name; },
          dropIndex(name) { __calls.push({ dropIndex: c, name: name }); return { ok: 1 }; },
        };
      },
      runCommand(cmd) { __calls.push({ runCommand: cmd }); return { ok: 1 }; },
    };
  },
};
(function (db) {
${script}
})(__fakeDb);
print('__CALLS__' + EJSON.stringify(__calls));
`;
}

async function recorded(script: string, fixtures: Record<string, unknown[]>): Promise<{ lines: string[]; calls: unknown[] }> {
  const out = await runMongosh(['--nodb'], recordingHarness(script, fixtures));
  const marker = out.find((line) => line.startsWith('__CALLS__'));
  if (!marker) throw new Error(`no recorded calls in: ${out.join('\n')}`);
  return { lines: out.filter((line) => line !== marker), calls: JSON.parse(marker.slice('__CALLS__'.length)) as unknown[] };
}

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
    const { lines, calls } = await recorded(renderScript({ dbName: 'app "prod"', operations: plan.operations }), { [things]: real });

    expect(calls).toEqual([
      { getSiblingDB: 'app "prod"' },
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
    expect(lines).toContain(`modified ${things}.created_at_1 (expireAfterSeconds 7200)`);
    expect(lines).toContain(`hid ${things}.old_1 (hidden true)`);
    expect(lines[lines.length - 1]).toBe('summary: 8 created, 0 dropped, 1 modified, 1 hidden, 0 skipped, 0 warnings');
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
    const script = renderScript({ dbName: 'x', operations }).replace(
      'target.getCollection(collection).createIndex(key, options);',
      "print('type ' + (options.partialFilterExpression.d.$gt instanceof Date));",
    );
    const { lines } = await recorded(script, {});
    expect(lines).toContain('type true');
  });

  it('guards: existing same index, other key, absent drop/collMod; server-filled defaults are not differences', async () => {
    const fixtures = {
      c: [
        { v: 2, key: { _id: 1 }, name: '_id_' },
        {
          v: 2,
          key: { name: 1 },
          name: 'name_1',
          collation: FR_FILLED,
        },
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
    const { lines, calls } = await recorded(renderScript({ dbName: 'x', operations }), fixtures);
    expect(calls).toEqual([{ getSiblingDB: 'x' }]);
    expect(lines).toEqual([
      'skipped c.name_1 (already exists)',
      'skipped c.t (already exists)',
      'WARNING: c.clash exists with a different key {"x":1}; skipped',
      'skipped c.gone_1 (absent)',
      'WARNING: c._id_ is never dropped; skipped',
      'skipped c.ttl_1 (already up to date)',
      'skipped c.nope (absent)',
      'summary: 0 created, 0 dropped, 0 modified, 0 hidden, 5 skipped, 2 warnings',
    ]);
  });
});
