// The README's whole story with the index-registry CLI alone, from an empty system (of this file's
// own, registration by invitation as by default): the first user registers and logs in, registers a
// target database (its URI piped as a secret), pushes a manifest and compares; invites a second
// operator, who registers with the token; the database is made protected and its sync waits for
// that operator's approval. Then the project's API keys and members, and the error paths: a bad
// URI is exit 1 with the API's field message, never a stack nor the URI's password.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { E2E_SERVICE_ENV, startPrivateNats, startSystem, type PrivateNats, type RunningSystem } from '@ir/testing';
import { cliUser, type CliRun, type CliUser } from './support/cli-runner';
import { expectNoStackTrace, freedPort, mongoClient, suffix, targetMongoUri } from './support/e2e-client';

const json = <T>(run: CliRun): T => JSON.parse(run.stdout) as T;
/** The exit code, with the CLI's standard error in the failure message when it is not the one expected. */
const expectExit = (run: CliRun, code: number): void =>
  expect({ code: run.code, stderr: run.code === code ? '' : run.stderr }).toEqual({ code, stderr: '' });
const password = (): string => `Correct-Horse-${suffix()}-Battery`;

let nats: PrivateNats;
let system: RunningSystem;
let mongo: MongoClient;
const dbName = `cli_new_${suffix()}`;
const ann = { username: `ann_${suffix()}`, email: `ann.${suffix()}@example.test`, password: password() };
const bob = { username: `bob_${suffix()}`, email: `bob.${suffix()}@example.test`, password: password(), id: '' };
let annCli: CliUser;
let bobCli: CliUser;
let syncId: string;
// A private system to start, and many CLI processes (each a Node start, seconds on a loaded machine).
jest.setTimeout(150_000);

beforeAll(async () => {
  nats = await startPrivateNats('ir-cli-new-e2e-');
  const dataDir = mkdtempSync(join(tmpdir(), 'ir-cli-new-system-'));
  // The default registration policy (invite); the CLI logs in from one address, so a higher login rate limit.
  const { AUTH_REGISTRATION: _open, ...env } = E2E_SERVICE_ENV;
  system = await startSystem({
    natsUrl: nats.url,
    natsCredentialsDir: nats.credentialsDir,
    mongoUri: targetMongoUri(),
    postgresUrl: process.env.TEST_POSTGRES_URL!,
    dbPrefix: `ir_cli_new_${process.pid}`,
    dataDir,
    logDir: join(dataDir, 'logs'),
    env: { ...env, AUTH_RATE_LIMIT: '50/10s' },
  });
  mongo = await mongoClient();
  annCli = cliUser();
  bobCli = cliUser();
}, 150_000);

afterAll(async () => {
  await mongo?.db(dbName).dropDatabase();
  await mongo?.close();
  await system?.stop();
  await nats?.stop();
});

const register = (cli: CliUser, user: { username: string; email: string; password: string }, extra: string[] = []) =>
  cli.run(['register', '--server', system.gatewayUrl, '-u', user.username, '--email', user.email, '--password-stdin', ...extra], {
    input: `${user.password}\n`,
  });
const login = (cli: CliUser, user: { username: string; password: string }) =>
  cli.run(['login', '--server', system.gatewayUrl, '-u', user.username, '--password-stdin'], { input: `${user.password}\n` });

describe('the CLI from nothing', () => {
  it('registers the first user of an empty system, who logs in as the admin of the default project', async () => {
    const registered = await register(annCli, ann, ['--name', 'Ann']);
    expectExit(registered, 0);
    expect(registered.stdout).toMatch(new RegExp(`^Registered ${ann.username} \\(user id [0-9a-f-]{36}\\) on `));
    expect(registered.stdout).toContain(`index-registry login --server ${system.gatewayUrl} --username ${ann.username}`);
    expect(registered.stdout + registered.stderr).not.toContain(ann.password);

    // After the first user, registration needs an invitation.
    const uninvited = await register(bobCli, bob);
    expectExit(uninvited, 1);
    expect(uninvited.stderr).toMatch(/^error: registering failed: 403 /);
    expectNoStackTrace(uninvited.stderr);

    expectExit(await login(annCli, ann), 0);
    const projects = await annCli.run(['projects', '--output', 'json']);
    expect(json<{ name: string; role: string }[]>(projects)).toEqual([expect.objectContaining({ name: 'default', role: 'admin' })]);
  });

  it('refuses a bad connection URI with the API field message, and never shows the password of a URI', async () => {
    const add = (uri: string) =>
      annCli.run(['databases', 'add', '--name', `bad-${suffix()}`, '--db-name', 'x', '--uri-stdin'], { input: `${uri}\n` });
    const malformed = await add('http://sre:Hunter2-malformed@example.test/');
    expect(malformed).toMatchObject({ code: 1, stdout: '' });
    expect(malformed.stderr).toMatch(/^error: registering the database failed: 400 VALIDATION_FAILED: .*\buri\b/);
    const unreachable = await add(`mongodb://sre:Hunter2-unreachable@127.0.0.1:${await freedPort()}/`);
    expect(unreachable).toMatchObject({ code: 1, stdout: '' });
    expect(unreachable.stderr).toMatch(/^error: registering the database failed: (502|504) /);
    const empty = await add('');
    expectExit(empty, 1);
    expect(empty.stderr).toBe('error: the connection URI is empty\n');
    const noTerminal = await annCli.run(['databases', 'add', '--name', 'x', '--db-name', 'x']);
    expect(noTerminal.stderr).toBe('error: no terminal to ask the connection URI at\nhint: pipe it with --uri-stdin\n');
    // The gateway names the unreachable target by its URI with the password masked ("at mongodb://sre:****@..."),
    // which the stack pattern would take for a frame: it is checked as one error line instead.
    for (const run of [malformed, empty, noTerminal]) expectNoStackTrace(run.stderr);
    for (const run of [malformed, unreachable, empty, noTerminal]) {
      expect(run.stderr).toMatch(/^error: [^\n]+\n(hint: [^\n]+\n)?$/);
      expect(run.stderr).not.toContain('Hunter2');
    }
    expect(json<unknown[]>(await annCli.run(['databases', '--output', 'json']))).toEqual([]);
  });

  it('registers the target database, tests it, pushes a manifest and compares (exit 2: missing on the database)', async () => {
    const added = await annCli.run(['databases', 'add', '--name', 'shop', '--db-name', dbName, '--uri-stdin', '--output', 'json'], {
      input: `${targetMongoUri()}\n`,
    });
    expectExit(added, 0);
    expect(json<{ name: string; protected: boolean }>(added)).toMatchObject({ name: 'shop', protected: false });
    // The live database has an index the design repository will not define: a sync would drop it.
    await mongo.db(dbName).collection('orders').createIndex({ sku: 1 });
    const tested = await annCli.run(['databases', 'test', 'shop']);
    expectExit(tested, 0);
    expect(tested.stdout).toMatch(/^Connected to shop \((ferretdb|mongodb)[^)]*\): \d+ collection\(s\)\.\n$/);

    const manifest = join(annCli.home, 'shop.yaml');
    writeFileSync(manifest, 'version: 1\ncollections:\n  orders:\n    - keys:\n        - { field: customer, value: 1 }\n');
    const pushed = await annCli.run(['manifest', 'push', '-d', 'shop', '-f', manifest]);
    expectExit(pushed, 0);
    expect(pushed.stdout).toContain('Applied to shop.');
    const compare = await annCli.run(['compare', '-d', 'shop']);
    expectExit(compare, 2);
    expect(compare.stdout).toContain('  + orders.customer_1  (missing on the database)');
    expect(compare.stdout).toContain('  - orders.sku_1  (redundant: not in the design repository)');
  });

  it('invites a second operator, who registers with the token; the protected database sync waits for their approval', async () => {
    const invited = await annCli.run(['invitations', 'create', bob.email, '--output', 'json']);
    expectExit(invited, 0);
    const { token } = json<{ token: string }>(invited);
    expect(token).toMatch(/^iri_/);
    const registered = await register(bobCli, bob, ['--invitation', token, '--output', 'json']);
    expectExit(registered, 0);
    bob.id = json<{ id: string }>(registered).id;
    const added = await annCli.run(['members', 'add', bob.id, '--role', 'operator']);
    expect(added).toMatchObject({ code: 0, stdout: `${bob.username} is operator in default.\n` });
    expectExit(await login(bobCli, bob), 0);

    expectExit(await annCli.run(['databases', 'update', 'shop', '--protected']), 0);
    // The sync would drop orders.sku_1: on a protected database it waits for a second operator.
    const requested = await annCli.run(['sync', '-d', 'shop']);
    expectExit(requested, 0);
    syncId = /Started sync ([0-9a-f]{24})/.exec(requested.stdout)![1];
    expect(requested.stdout).toContain('awaiting approval (the database is protected)');

    const approved = await bobCli.run(['sync', 'approve', syncId, '-m', 'checked', '--follow', '--output', 'json']);
    expectExit(approved, 0);
    expect(json<{ status: string; approval: { state: string } }>(approved)).toMatchObject({
      status: 'completed',
      approval: { state: 'approved' },
    });
    expectExit(await annCli.run(['compare', '-d', 'shop']), 0);
  });

  it("manages the project's API keys (shown once), members and single definitions, and removes the database only when confirmed", async () => {
    const created = await annCli.run(['api-keys', 'create', 'ci', '--role', 'viewer', '--expires', '1d', '--output', 'json']);
    expectExit(created, 0);
    const key = json<{ id: string; key: string }>(created);
    const ci = cliUser();
    const asKey = { env: { INDEX_REGISTRY_SERVER: system.gatewayUrl, INDEX_REGISTRY_API_KEY: key.key } };
    expect(json<{ name: string }[]>(await ci.run(['databases', '--output', 'json'], asKey))).toEqual([
      expect.objectContaining({ name: 'shop' }),
    ]);
    const listed = await annCli.run(['api-keys', 'list']);
    expect(listed.stdout).toContain(key.id);
    expect(listed.stdout).not.toContain(key.key);
    expectExit(await annCli.run(['api-keys', 'revoke', key.id]), 0);
    const revoked = await ci.run(['databases'], asKey);
    expectExit(revoked, 1);
    expect(revoked.stderr).toMatch(/^error: (listing databases|reading the drift) failed: 401 UNAUTHENTICATED/);
    const badExpiry = await annCli.run(['api-keys', 'create', 'ci', '--role', 'viewer', '--expires', 'soon']);
    expectExit(badExpiry, 1);
    expect(badExpiry.stderr).toContain('--expires must be a duration such as 90d or 12h');

    expectExit(await annCli.run(['members', 'set-role', bob.username, '--role', 'viewer']), 0);
    const members = json<{ username: string; role: string }[]>(await annCli.run(['members', 'list', '--output', 'json']));
    expect(members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: ann.username, role: 'admin' }),
        expect.objectContaining({ username: bob.username, role: 'viewer' }),
      ]),
    );
    const lastAdmin = await annCli.run(['members', 'remove', ann.username, '--yes']);
    expectExit(lastAdmin, 1);
    expect(lastAdmin.stderr).toMatch(/^error: removing the member failed: 409 /);

    // One definition at a time, without a manifest file.
    const defined = await annCli.run(['indexes', 'add', '-d', 'shop', '-c', 'orders', '--keys', 'status:1,created_at:-1', '--unique']);
    expectExit(defined, 0);
    expect(defined.stdout).toMatch(/^Defined orders\.status_1_created_at_-1 on shop \(id [0-9a-f]{24}\)\.\n$/);
    const listedIndexes = json<{ name: string; options: Record<string, unknown> }[]>(
      await annCli.run(['indexes', 'list', '-d', 'shop', '-c', 'orders', '--output', 'json']),
    );
    expect(listedIndexes).toContainEqual(expect.objectContaining({ name: 'status_1_created_at_-1', options: { is_unique: true } }));
    const badKeys = await annCli.run(['indexes', 'add', '-d', 'shop', '-c', 'orders', '--keys', 'status:up']);
    expectExit(badKeys, 1);
    expect(badKeys.stderr).toBe('error: --keys: the direction of status must be 1, -1, text, 2dsphere, 2d or hashed (got "up")\n');
    const duplicate = await annCli.run(['indexes', 'add', '-d', 'shop', '-c', 'orders', '--keys', 'status:1,created_at:-1']);
    expectExit(duplicate, 1);
    expect(duplicate.stderr).toMatch(/^error: defining the index failed: 409 /);
    expectExit(await annCli.run(['indexes', 'remove', 'status_1_created_at_-1', '-d', 'shop', '-c', 'orders']), 0);
    const gone = await annCli.run(['indexes', 'remove', 'status_1_created_at_-1', '-d', 'shop', '-c', 'orders']);
    expect(gone.stderr).toContain('error: no index named status_1_created_at_-1 is defined on shop.orders');

    const unconfirmed = await annCli.run(['databases', 'remove', 'shop']);
    expectExit(unconfirmed, 1);
    expect(unconfirmed.stderr).toBe('error: no terminal to ask for confirmation at\nhint: pass --yes to confirm in advance\n');
    const removed = await annCli.run(['databases', 'remove', 'shop', '--yes']);
    expect(removed).toMatchObject({ code: 0, stdout: 'Removed shop and its 1 index definition(s).\n' });
    expect(json<unknown[]>(await annCli.run(['databases', '--output', 'json']))).toEqual([]);
  });
});
