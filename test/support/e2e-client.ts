// Helpers for the e2e specs: they drive the running system (started by
// e2e-global-setup.ts) through the gateway's HTTP API only.
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient, type Db } from 'mongodb';
import request from 'supertest';
import { checkedAgainstDocument } from './e2e-openapi';
import { E2E_ADMIN } from './e2e-settings';
import { natsConnectOptions, testNatsEndpoint } from './nats-login';

const execFileAsync = promisify(execFile);

export interface TokenPairBody {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  refresh_expires_in: number;
}

export interface ProfileBody {
  id: string;
  email: string;
  username: string;
  name: string | null;
  created_at: string;
  updated_at: string;
}

export interface TestUser {
  username: string;
  email: string;
  password: string;
  profile: ProfileBody;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e project (jest --selectProjects e2e), whose global setup starts the system`);
  return value;
}

export const gatewayUrl = (): string => requiredEnv('E2E_GATEWAY_URL');
export const apiUrl = (): string => requiredEnv('E2E_API_URL');
export const logDir = (): string => requiredEnv('E2E_LOG_DIR');
/** The services' DATA_DIR (auth keeps its key pair under keys/). */
export const dataDir = (): string => dirname(logDir());

/** The base URL of a service's own HTTP port (/health, /health/ready, /metrics) in the shared system. */
export function serviceUrl(
  service:
    'gateway' | 'auth' | 'registry' | 'comparator' | 'sync-executor' | 'audit' | 'entity-oplog' | 'entity-capture' | 'cache-replicator',
): string {
  const url = (JSON.parse(requiredEnv('E2E_SERVICE_URLS')) as Record<string, string>)[service];
  if (!url) throw new Error(`the e2e system has no ${service}`);
  return url;
}

/** supertest against the API base path (/api/doctor-manager-api/v1); every answer is checked against the OpenAPI document. */
export const api = () => checkedAgainstDocument(request(apiUrl()));
/** supertest against the gateway root (/health, /metrics, /docs). */
export const gateway = () => request(gatewayUrl());

/** A short random suffix for unique usernames and emails. */
export function suffix(): string {
  return randomBytes(5).toString('hex');
}

/**
 * A client address of its own, sent as X-Forwarded-For (the gateway trusts
 * loopback proxies), so each test gets its own rate-limit bucket.
 */
export function freshIp(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export function newCredentials(prefix = 'u'): { username: string; email: string; password: string } {
  const s = suffix();
  // Random, mixed case and 22 characters: past the password policy (12 characters, zxcvbn score 3).
  return { username: `${prefix}_${s}`, email: `${prefix}.${s}@example.test`, password: `Pw-${randomBytes(14).toString('base64url')}` };
}

export async function registerUser(
  overrides: Partial<{ username: string; email: string; password: string; name: string }> = {},
  ip = freshIp(),
): Promise<TestUser> {
  const creds = { ...newCredentials(), ...overrides };
  const res = await api().post('/auth/register').set('X-Forwarded-For', ip).send(creds);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { username: creds.username, email: creds.email, password: creds.password, profile: res.body as ProfileBody };
}

export async function login(user: { username: string; password: string }, ip = freshIp()): Promise<TokenPairBody> {
  const res = await api().post('/auth/login').set('X-Forwarded-For', ip).send({ username: user.username, password: user.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body as TokenPairBody;
}

export function refresh(refreshToken: string, ip = freshIp()) {
  return api().post('/auth/refresh-token').set('X-Forwarded-For', ip).send({ refresh_token: refreshToken });
}

export function getProfile(accessToken: string) {
  return api().get('/auth/profile').set('Authorization', `Bearer ${accessToken}`);
}

/** Registers a user and logs in; the user is in no project. */
export async function loggedInUserWithoutProject(): Promise<TestUser & { tokens: TokenPairBody }> {
  const user = await registerUser();
  return { ...user, tokens: await login(user) };
}

let adminToken: Promise<string> | undefined;

/** The shared system administrator's access token (logged in once per test file). */
export function systemAdminToken(): Promise<string> {
  adminToken ??= login(E2E_ADMIN).then((tokens) => tokens.access_token);
  return adminToken;
}

/**
 * Registers a user, has the system administrator create a project of its own with the user as
 * `role` in it, and logs the user in: its token carries the project. What most suites need: a user
 * who may register databases (in that project) and sees nobody else's.
 */
export async function loggedInUser(
  role: 'viewer' | 'editor' | 'operator' | 'admin' = 'admin',
): Promise<TestUser & { tokens: TokenPairBody; projectId: string }> {
  const user = await registerUser();
  const projectId = await projectWith(user.profile.id, role);
  return { ...user, tokens: await login(user), projectId };
}

/** A new project with the user as `role` in it, made by the system administrator. */
export async function projectWith(userId: string, role: 'viewer' | 'editor' | 'operator' | 'admin'): Promise<string> {
  const admin = authedApi(await systemAdminToken());
  const project = await admin.post('/projects').send({ name: `p_${suffix()}` });
  if (project.status !== 201) throw new Error(`create project failed: ${project.status} ${project.text}`);
  const member = await admin.put(`/projects/${project.body.id}/members/${userId}`).send({ role });
  if (member.status !== 200) throw new Error(`add member failed: ${member.status} ${member.text}`);
  return project.body.id as string;
}

/** Polls `check` until it returns true or the time is up; returns the last outcome. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 3000, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** An error answer must never leak a stack trace or source paths. */
export function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s*at /);
  expect(text).not.toMatch(/\bat \S+ \(/);
  expect(text).not.toMatch(/\.ts:\d+/);
  expect(text).not.toMatch(/\.js:\d+/);
  expect(text).not.toContain('node_modules');
}

/** An error answer: its status (and stable error code when given), a message and the request id, and no stack trace. */
export function expectError(res: { status: number; body: Record<string, unknown>; text: string }, status: number, error?: string): void {
  expect({ status: res.status, ...(error ? { error: res.body.error } : {}) }).toEqual({ status, ...(error ? { error } : {}) });
  expect(res.body).toMatchObject({
    statusCode: status,
    error: expect.any(String),
    message: expect.any(String),
    request_id: expect.any(String),
  });
  expectNoStackTrace(res.text);
}

export interface LogLine {
  service?: string;
  level?: string;
  message?: string;
  correlation_id?: string;
  trace_id?: string;
  [key: string]: unknown;
}

/** The JSON lines of one service's log so far (lines that are not JSON are skipped). */
export function readServiceLog(service: string): LogLine[] {
  const file = join(logDir(), `${service}.log`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** Base64url-decodes one part of a JWT. */
export function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as Record<string, unknown>;
}

// ---------- registry helpers (target databases, JetStream, the services' own databases) ----------

/** The private MongoDB-wire server (FerretDB) the tests also use as target database server. */
export const targetMongoUri = (): string => requiredEnv('TEST_MONGODB_URI');
export const testNatsUrl = (): string => requiredEnv('TEST_NATS_URL');

/** `mongodb://user:password@host...` from the test server's URI. */
export function uriWithCredentials(user: string, password: string, base = targetMongoUri()): string {
  return base.replace(/^mongodb:\/\//, `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@`);
}

/** A loopback port nothing listens on (bound, then freed). */
export async function freedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never answers (a hung database). */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** supertest calls with the caller's bearer token and a client address of its own. */
export function authedApi(accessToken: string) {
  const ip = freshIp();
  const wrap = (test: request.Test) => test.set('Authorization', `Bearer ${accessToken}`).set('X-Forwarded-For', ip);
  return {
    get: (path: string) => wrap(api().get(path)),
    post: (path: string) => wrap(api().post(path)),
    put: (path: string) => wrap(api().put(path)),
    delete: (path: string) => wrap(api().delete(path)),
  };
}
export type AuthedApi = ReturnType<typeof authedApi>;

export interface DatabaseBody {
  id: string;
  name: string;
  description: string;
  uri: string;
  db_name: string;
  created_at: string;
  updated_at: string;
  import_requested?: boolean;
  import_id?: string;
}

/** Registers a target database on the test server, with a database name of its own. */
export async function createTargetDatabase(client: AuthedApi, overrides: Record<string, unknown> = {}): Promise<DatabaseBody> {
  const res = await client
    .post('/databases')
    .send({ name: `db_${suffix()}`, uri: targetMongoUri(), db_name: `target_${suffix()}`, ...overrides });
  if (res.status !== 201) throw new Error(`create database failed: ${res.status} ${res.text}`);
  return res.body as DatabaseBody;
}

/** Defines an index in the DR through the gateway; throws unless it is created. */
export async function defineIndex(
  client: AuthedApi,
  databaseId: string,
  collection: string,
  keys: { field: string; value: number | string }[],
  extra: Record<string, unknown> = {},
): Promise<void> {
  const res = await client.post('/indexes').send({ database_id: databaseId, collection, keys, ...extra });
  if (res.status !== 201) throw new Error(`create index failed: ${res.status} ${res.text}`);
}

/** A driver connection to the test server (for target data and the services' own databases). */
export function mongoClient(): Promise<MongoClient> {
  return new MongoClient(targetMongoUri()).connect();
}

/** One service's own database: ir_e2e_<pid of the jest process that ran the global setup>_<service>. */
export async function serviceDb(client: MongoClient, service: 'auth' | 'registry' | 'sync_executor'): Promise<Db> {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  const wanted = [`ir_e2e_${process.pid}_${service}`, `ir_e2e_${process.ppid}_${service}`];
  const found = databases.map((d) => d.name).filter((name) => wanted.includes(name));
  if (found.length !== 1) throw new Error(`expected one of ${wanted.join(', ')}; found ${found.join(', ') || 'none'}`);
  return client.db(found[0]);
}

/** A connection to the test NATS, with the JetStream manager. */
export async function openJetStream(): Promise<{ nc: NatsConnection; jsm: JetStreamManager; close(): Promise<void> }> {
  const nc = await connect(natsConnectOptions(testNatsEndpoint()));
  const jsm = await jetstreamManager(nc);
  return { nc, jsm, close: () => nc.close() };
}

/** The stream's last sequence now: read messages after it to see only what a test caused. */
export async function streamLastSeq(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.last_seq;
}

/**
 * Waits for a message on `subject` stored after `afterSeq` whose JSON payload
 * satisfies `match`; undefined when none arrives in time.
 */
export async function findStreamMessage(
  jsm: JetStreamManager,
  stream: string,
  afterSeq: number,
  subject: string,
  match: (payload: Record<string, unknown>) => boolean,
  timeoutMs = 3000,
): Promise<StoredMsg | undefined> {
  let next = afterSeq + 1;
  let found: StoredMsg | undefined;
  await eventually(async () => {
    const last = await streamLastSeq(jsm, stream);
    for (; next <= last && !found; next++) {
      const msg = await jsm.streams.getMessage(stream, { seq: next }).catch(() => null);
      if (msg && msg.subject === subject && match(msg.json<Record<string, unknown>>())) found = msg;
    }
    return found !== undefined;
  }, timeoutMs);
  return found;
}

// ---------- comparator helpers (TCP relays, mongosh) ----------

/**
 * A TCP relay to the test server on a port of its own: a target registered
 * through it becomes unreachable once the relay is closed (registration
 * itself tests the connection, so a dead address cannot be registered).
 * `latencyMs` delays every answer, as a target far away would, so that a
 * test can act while a sync is under way.
 */
export async function tcpRelay(
  base = targetMongoUri(),
  { latencyMs = 0 }: { latencyMs?: number } = {},
): Promise<{ port: number; uri: string; close(): Promise<void> }> {
  const upstream = new URL(base);
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    const remote = netConnect({ host: upstream.hostname, port: Number(upstream.port || 27017) });
    track(remote);
    client.pipe(remote);
    if (latencyMs === 0) remote.pipe(client);
    // Timers of one duration fire in the order they were set, so the answers keep their order.
    else remote.on('data', (chunk: Buffer) => setTimeout(() => client.write(chunk), latencyMs));
    client.on('close', () => remote.destroy());
    remote.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const relayed = new URL(base);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(port);
  return {
    port,
    uri: relayed.toString(),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** mongosh's entry script (the devDependency), run with this Node. */
export function mongoshEntry(): string {
  return require.resolve('mongosh/bin/mongosh.js');
}

/** What a mongosh run gave: its exit code, the non-empty lines it printed, and its standard error. */
export interface MongoshRun {
  readonly code: number;
  readonly lines: string[];
  readonly stderr: string;
}

/** The test server's URI naming `dbName` (generated scripts run only on the database of the connection). */
export function targetUriFor(dbName: string, base = targetMongoUri()): string {
  const uri = new URL(base);
  uri.pathname = `/${encodeURIComponent(dbName)}`;
  return uri.toString();
}

/** Runs a script file with real mongosh connected to `dbName` on the test server, whatever its exit code. */
export async function mongoshRun(script: string, dbName: string): Promise<MongoshRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ir-e2e-mongosh-'));
  try {
    const file = join(dir, 'script.js');
    writeFileSync(file, script);
    const argv = [mongoshEntry(), targetUriFor(dbName), '--quiet', '--file', file];
    const outcome = await execFileAsync(process.execPath, argv, { timeout: 90_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: unknown; stdout?: string; stderr?: string }) => {
        if (typeof error.code !== 'number') throw error;
        return { code: error.code, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
      },
    );
    return { code: outcome.code, lines: outcome.stdout.split('\n').filter((line) => line.trim() !== ''), stderr: outcome.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a script with real mongosh connected to `dbName`; the non-empty lines it printed. Throws unless it exits 0. */
export async function runMongoshScript(script: string, dbName: string): Promise<string[]> {
  const run = await mongoshRun(script, dbName);
  if (run.code !== 0) throw new Error(`mongosh exited ${run.code}: ${run.stderr}\n${run.lines.join('\n')}`);
  return run.lines;
}
