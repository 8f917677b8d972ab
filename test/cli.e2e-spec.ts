// The index-registry CLI, run as a child process against the running system, as an SRE and a CI job
// would: logins kept in a 0600 file under a home of its own, the README's story (databases and their
// drift, a manifest diffed and pushed, compare, plan, script, import, a followed sync, a protected
// database's approval, the audit log), the exit codes (0 nothing to change, 2 changes, 1 errors,
// 130 stopped following) and Ctrl-C leaving a sync running.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { CLI_SCHEMA_FILE, cliSchemaOf } from '../tools/infra/cli-client-schema';
import { cliUser, type CliRun, type CliUser } from './support/cli-runner';
import {
  authedApi,
  type AuthedApi,
  createTargetDatabase,
  eventually,
  expectNoStackTrace,
  freedPort,
  gatewayUrl,
  loggedInUser,
  mongoClient,
  registerUser,
  suffix,
  tcpRelay,
  targetMongoUri,
} from './support/e2e-client';

const json = <T>(run: CliRun): T => JSON.parse(run.stdout) as T;
const mode = (path: string): number => statSync(path).mode & 0o777;

let annApi: AuthedApi;
let ann: { username: string; password: string; projectId: string };
let olga: { username: string; password: string };
let annCli: CliUser;
let olgaCli: CliUser;
let mongo: MongoClient;
const dbNames: string[] = [];
/** The database the story's tests walk, in order. */
let story: { id: string; name: string; dbName: string };
// Each CLI run is a Node process of its own (about 0.3 s idle, several seconds on a loaded machine):
// the tests of many runs get more than the suite's 60 s.
jest.setTimeout(150_000);

async function database(overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string; dbName: string }> {
  const dbName = `cli_${suffix()}`;
  dbNames.push(dbName);
  const created = await createTargetDatabase(annApi, { name: `cli-${suffix()}`, db_name: dbName, project_id: ann.projectId, ...overrides });
  return { id: created.id, name: created.name, dbName };
}

async function putManifest(databaseId: string, collections: Record<string, unknown[]>): Promise<void> {
  const res = await annApi
    .put(`/databases/${databaseId}/manifest?allow_deletions=true`)
    .set('If-Match', '*')
    .send({ version: 1, collections });
  expect(res.status).toBe(200);
}

async function syncStatus(syncId: string): Promise<string> {
  return (await annApi.get(`/indexes/sync-status/${syncId}`)).body.status as string;
}

beforeAll(async () => {
  const admin = await loggedInUser('admin');
  ann = { username: admin.username, password: admin.password, projectId: admin.projectId };
  annApi = authedApi(admin.tokens.access_token);
  const second = await registerUser();
  expect((await annApi.put(`/projects/${ann.projectId}/members/${second.profile.id}`).send({ role: 'operator' })).status).toBe(200);
  olga = { username: second.username, password: second.password };
  annCli = cliUser();
  olgaCli = cliUser();
  mongo = await mongoClient();
});

afterAll(async () => {
  for (const name of dbNames) await mongo?.db(name).dropDatabase();
  await mongo?.close();
});

describe('the CLI', () => {
  it('is generated from the OpenAPI document the gateway serves: the checked-in client types are not stale', async () => {
    const served = readFileSync(process.env.E2E_OPENAPI_FILE!, 'utf8');
    // On failure: npm run cli:client regenerates packages/cli/src/api/schema.ts.
    expect(await cliSchemaOf(served)).toBe(readFileSync(CLI_SCHEMA_FILE, 'utf8'));
  });

  it('explains itself with --help and examples, and names what is wrong without a stack', async () => {
    const help = await annCli.run(['--help']);
    expect(help).toMatchObject({ code: 0 });
    expect(help.stdout).toMatch(/manifest[\s\S]*sync[\s\S]*Examples:[\s\S]*Exit codes: 0/);
    const diffHelp = await annCli.run(['manifest', 'diff', '--help']);
    expect(diffHelp.stdout).toContain('index-registry manifest diff -d orders-prod -f indexes/orders-prod.yaml');
    const typo = await annCli.run(['databses']);
    expect(typo).toMatchObject({ code: 1, stdout: '' });
    expect(typo.stderr).toContain("unknown command 'databses'");
    const notLoggedIn = await annCli.run(['projects']);
    expect(notLoggedIn).toMatchObject({ code: 1 });
    expect(notLoggedIn.stderr).toContain('error: no server given and nobody is logged in');
    const wrongPassword = await annCli.run(['login', '--server', gatewayUrl(), '-u', ann.username, '--password-stdin'], {
      input: 'not-the-password',
    });
    expect(wrongPassword).toMatchObject({ code: 1 });
    expect(wrongPassword.stderr).toMatch(/^error: login failed: 401 /);
    const closed = `http://127.0.0.1:${await freedPort()}`;
    const unreachable = await annCli.run(['login', '--server', closed, '-u', ann.username, '--password-stdin'], { input: 'x' });
    expect(unreachable.stderr).toContain(`error: cannot reach the server at ${closed}: ECONNREFUSED`);
    for (const run of [typo, notLoggedIn, wrongPassword, unreachable]) expectNoStackTrace(run.stderr);
  });

  it('logs in with a password into a 0600 file in a 0700 directory, and renews an expired access token with the refresh token', async () => {
    const loggedIn = await annCli.run(['login', '--server', gatewayUrl(), '-u', ann.username, '--password-stdin'], {
      input: `${ann.password}\n`,
    });
    expect(loggedIn).toMatchObject({ code: 0 });
    const file = join(annCli.configHome, 'index-registry', 'credentials.json');
    expect(loggedIn.stdout).toContain(`Logged in to ${gatewayUrl()} as ${ann.username}. Credentials saved in ${file}`);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(annCli.configHome, 'index-registry'))).toBe(0o700);

    const projects = await annCli.run(['projects', '--output', 'json']);
    expect(projects).toMatchObject({ code: 0 });
    expect(json<{ id: string; role: string }[]>(projects)).toEqual([expect.objectContaining({ id: ann.projectId, role: 'admin' })]);

    // An access token past its time: the next command renews it with the refresh token, and keeps the file private.
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...stored, access_token: 'expired', access_expires_at: 0 }));
    const renewed = await annCli.run(['projects']);
    expect(renewed).toMatchObject({ code: 0 });
    expect(renewed.stdout).toContain(ann.projectId);
    const after = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(after.refresh_token).not.toBe(stored.refresh_token);
    expect(after.access_expires_at).toBeGreaterThan(Date.now());
    expect(mode(file)).toBe(0o600);

    const olgaIn = await olgaCli.run(['login', '--server', gatewayUrl(), '-u', olga.username, '--password-stdin'], {
      input: olga.password,
    });
    expect(olgaIn).toMatchObject({ code: 0 });
  });

  it('lists the databases with their drift, pulls the manifest, diffs and pushes an edited one (exit codes 0, 2 and 1)', async () => {
    const db = (story = await database());
    await putManifest(db.id, {
      orders: [{ keys: [{ field: 'customer', value: 1 }] }],
      users: [{ keys: [{ field: 'email', value: 1 }] }],
    });
    // The live database has an index the design repository lacks (for import).
    await mongo.db(db.dbName).collection('orders').createIndex({ sku: 1 });

    const listed = await eventually(
      async () => {
        const run = await annCli.run(['databases', '--output', 'json']);
        const row = json<{ id: string; drift: { state: string } | null }[]>(run).find((d) => d.id === db.id);
        return run.code === 0 && row?.drift?.state === 'drifted';
      },
      15_000,
      500,
    );
    expect(listed).toBe(true);
    const table = await annCli.run(['databases']);
    expect(table.stdout).toMatch(new RegExp(`${db.name}.*drifted`));

    const pulled = join(annCli.home, 'manifest.yaml');
    const pull = await annCli.run(['manifest', 'pull', '-d', db.name, '-f', pulled]);
    expect(pull).toMatchObject({ code: 0 });
    expect(readFileSync(pulled, 'utf8')).toMatch(/collections:[\s\S]*orders:[\s\S]*customer/);
    expect(await annCli.run(['manifest', 'diff', '-d', db.name, '-f', pulled])).toMatchObject({ code: 0 });

    // What git now has: customer made unique, a new index on orders, users left out.
    const edited = join(annCli.home, 'manifest.json');
    writeFileSync(
      edited,
      JSON.stringify({
        version: 1,
        collections: {
          orders: [
            { keys: [{ field: 'customer', value: 1 }], options: { is_unique: true } },
            { keys: [{ field: 'created_at', value: -1 }] },
          ],
        },
      }),
    );
    const diff = await annCli.run(['manifest', 'diff', '-d', db.name, '-f', edited]);
    expect(diff).toMatchObject({ code: 2 });
    expect(diff.stdout.split('\n').slice(0, 4)).toEqual([
      '  + orders.created_at_-1',
      '  ~ orders.customer_1',
      '      options.is_unique: (none) -> true',
      '  - users.email_1',
    ]);
    expect(diff.stdout).toContain('Plan: 1 to create, 1 to change, 1 to delete (0 unchanged).');
    const coloured = await annCli.run(['manifest', 'diff', '-d', db.id, '-f', edited], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[32m  + orders.created_at_-1');
    const diffJson = await annCli.run(['manifest', 'diff', '-d', db.name, '-f', edited, '--output', 'json']);
    expect(diffJson).toMatchObject({ code: 2 });
    expect(json<{ changes: boolean; deleted: unknown[] }>(diffJson)).toMatchObject({
      changes: true,
      deleted: [{ collection: 'users', name: 'email_1' }],
    });

    const refused = await annCli.run(['manifest', 'push', '-d', db.name, '-f', edited]);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stderr).toContain('leaves out 1 definition(s)');
    expect(refused.stderr).toContain('hint: pass --allow-deletions');
    expect(await annCli.run(['manifest', 'push', '-d', db.name, '-f', edited, '--dry-run'])).toMatchObject({ code: 2 });
    const pushed = await annCli.run(['manifest', 'push', '-d', db.name, '-f', edited, '--allow-deletions']);
    expect(pushed).toMatchObject({ code: 0 });
    expect(pushed.stdout).toContain(`Applied to ${db.name}.`);
    expect(await annCli.run(['manifest', 'diff', '-d', db.name, '-f', edited])).toMatchObject({ code: 0 });
  });

  it('compares, plans, writes the script and dry-runs an import of the database', async () => {
    const db = story;
    const broken = join(annCli.home, 'broken.json');
    writeFileSync(broken, '{"version": 1, "collections": {"orders": [{"keys": []}]}}');
    const invalid = await annCli.run(['manifest', 'diff', '-d', db.name, '-f', broken]);
    expect(invalid).toMatchObject({ code: 1 });
    expect(invalid.stderr).toMatch(
      /^error: the dry run of the manifest failed: 400 VALIDATION_FAILED: invalid manifest: collections\.orders\[0\]\.keys: must have at least one key \(request [0-9a-f-]+\)\n$/,
    );
    const unknown = await annCli.run(['compare', '-d', 'no-such-database']);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('error: no database named "no-such-database" in your projects');

    const compare = await annCli.run(['compare', '-d', db.name]);
    expect(compare).toMatchObject({ code: 2 });
    expect(compare.stdout).toContain('  + orders.customer_1  (missing on the database)');
    expect(compare.stdout).toContain('  - orders.sku_1  (redundant: not in the design repository)');
    const plan = await annCli.run(['plan', '-d', db.name, '--output', 'json']);
    expect(json<{ operations: { kind: string; collection: string; index: string }[] }>(plan).operations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'create', collection: 'orders', index: 'customer_1' }),
        expect.objectContaining({ kind: 'drop', collection: 'orders', index: 'sku_1' }),
      ]),
    );
    const scriptFile = join(annCli.home, 'plan.js');
    expect(await annCli.run(['script', '-d', db.name, '-f', scriptFile])).toMatchObject({ code: 0 });
    expect(readFileSync(scriptFile, 'utf8')).toContain('createIndex');
    const imported = await annCli.run(['import', '-d', db.name, '--dry-run', '--output', 'json']);
    expect(imported).toMatchObject({ code: 0 });
    expect(json<{ dry_run: boolean; created: { collection: string; name: string }[] }>(imported)).toMatchObject({
      dry_run: true,
      created: [{ collection: 'orders', name: 'sku_1' }],
    });
  });

  it('syncs the database, following its progress to the end; the compare then finds no drift (exit 0)', async () => {
    const db = story;
    const followed = await annCli.run(['sync', '-d', db.name, '--follow']);
    expect(followed).toMatchObject({ code: 0 });
    expect(followed.stderr).toMatch(/sync [0-9a-f]{24}: completed 100% 3\/3 steps/);
    expect(followed.stdout).toMatch(/Sync [0-9a-f]{24}: completed 100%/);
    expect(await annCli.run(['compare', '-d', db.name])).toMatchObject({ code: 0 });
  });

  it('Ctrl-C while following leaves the sync running and prints how to follow it again', async () => {
    // A target 40 ms away with 30 indexes to build: the sync lasts long enough to be interrupted.
    const relay = await tcpRelay(targetMongoUri(), { latencyMs: 40 });
    try {
      const db = await database({ uri: relay.uri });
      await putManifest(db.id, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${i}`, [{ keys: [{ field: 'a', value: 1 }] }]])));
      const following = annCli.start(['sync', '-d', db.name, '--follow']);
      const syncId = await new Promise<string>((resolve, reject) => {
        const poll = setInterval(() => {
          const match = /sync ([0-9a-f]{24}): running/.exec(following.running());
          if (match) {
            clearInterval(poll);
            resolve(match[1]);
          }
        }, 50);
        void following.done.then(() => {
          clearInterval(poll);
          reject(new Error(`the CLI ended before the sync ran: ${following.running()}`));
        });
      });
      following.child.kill('SIGINT');
      const interrupted = await following.done;
      expect(interrupted).toMatchObject({ code: 130 });
      expect(interrupted.stderr).toContain(
        `sync ${syncId} keeps running on the server. Follow it again with:\n  index-registry sync follow ${syncId}`,
      );
      expect(['pending', 'running']).toContain(await syncStatus(syncId));

      const again = await annCli.run(['sync', 'follow', syncId, '--output', 'json'], { timeoutMs: 45_000 });
      expect(again).toMatchObject({ code: 0 });
      expect(json<{ status: string; progress: number }>(again)).toMatchObject({ status: 'completed', progress: 100 });
    } finally {
      await relay.close();
    }
  });

  it('a protected database: the sync waits for a second operator, who approves it and follows it; the audit log shows both', async () => {
    const db = await database({ protected: true });
    await putManifest(db.id, { orders: [{ keys: [{ field: 'customer', value: 1 }] }] });
    // A sync that would drop an index waits for a second operator (creates alone do not).
    await mongo.db(db.dbName).collection('orders').createIndex({ sku: 1 });
    const requested = await annCli.run(['sync', '-d', db.name]);
    expect(requested).toMatchObject({ code: 0 });
    const syncId = /Started sync ([0-9a-f]{24})/.exec(requested.stdout)![1];
    expect(requested.stdout).toContain(`awaiting approval (the database is protected)`);
    expect(requested.stdout).toContain(`index-registry sync approve ${syncId}`);
    const own = await annCli.run(['sync', 'approve', syncId]);
    expect(own).toMatchObject({ code: 1 });
    expect(own.stderr).toMatch(/^error: approving sync [0-9a-f]{24} failed: 403 /);

    const approved = await olgaCli.run(['sync', 'approve', syncId, '-m', 'reviewed', '--follow', '--output', 'json']);
    expect(approved).toMatchObject({ code: 0 });
    expect(json<{ status: string; approval: { state: string } }>(approved)).toMatchObject({
      status: 'completed',
      approval: { state: 'approved' },
    });

    const audit = await annCli.run(['audit', '--project', ann.projectId, '--limit', '50', '--output', 'json']);
    const actions = json<{ action: string }[]>(audit).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['sync.requested', 'sync.approved', 'manifest.applied']));
  });

  it('lists the whole fleet past one page of the API (100 databases), each with its drift', async () => {
    // 101 more databases in Ann's project, one at a time: each connection is tested first, and the
    // shared test machine's load makes a 2 s connect timeout (TARGET_CONNECT_TIMEOUT) fail four at once.
    const fleet: string[] = [];
    const fleetIds: string[] = [];
    for (let i = 0; i < 101; i += 1) {
      const created = await createTargetDatabase(annApi, {
        name: `fleet-${i}-${suffix()}`,
        db_name: 'cli_fleet',
        project_id: ann.projectId,
      });
      fleet.push(created.name);
      fleetIds.push(created.id);
    }
    const total = ((await annApi.post('/databases/list').send({ project_id: ann.projectId, limit: 1 })).body as { total: number }).total;
    expect(total).toBeGreaterThan(100);
    const listed = await annCli.run(['databases', '--project', ann.projectId, '--output', 'json']);
    expect(listed).toMatchObject({ code: 0 });
    const rows = json<{ id: string; name: string; drift: { state: string } | null }[]>(listed);
    expect(rows).toHaveLength(total);
    expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining(fleet));
    // The story's database, compared and synced earlier, keeps its drift state however the pages fall.
    expect(rows.find((row) => row.id === story.id)?.drift).toMatchObject({ state: 'in_sync' });
    // The suites after this one share the system: its scheduled scans need not carry these.
    for (const id of fleetIds) await annApi.delete(`/databases/${id}`).expect(200);
    // About 200 requests, 101 of them connecting to the target: minutes on a loaded 2-core machine.
  }, 400_000);

  it('takes an API key from the environment (CI) or stores one, and logs out', async () => {
    const key = await annApi
      .post(`/projects/${ann.projectId}/api-keys`)
      .send({ name: `ci-${suffix()}`, role: 'viewer', expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(key.status).toBe(201);
    const ci = cliUser();
    const fromEnv = await ci.run(['databases', '--output', 'json'], {
      env: { INDEX_REGISTRY_SERVER: gatewayUrl(), INDEX_REGISTRY_API_KEY: key.body.key },
    });
    expect(fromEnv).toMatchObject({ code: 0 });
    expect(json<unknown[]>(fromEnv).length).toBeGreaterThan(0);
    const stored = await ci.run(['login', '--server', gatewayUrl(), '--api-key', key.body.key as string]);
    expect(stored).toMatchObject({ code: 0 });
    expect(await ci.run(['projects'])).toMatchObject({ code: 0 });

    const out = await annCli.run(['logout']);
    expect(out).toMatchObject({ code: 0, stdout: 'Logged out (session revoked on the server).\n' });
    const after = await annCli.run(['projects']);
    expect(after).toMatchObject({ code: 1 });
    expect(after.stderr).toContain('error: no server given and nobody is logged in');
  });
});
