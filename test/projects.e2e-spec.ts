// Projects, roles, invitations, the password policy and API keys through the gateway, on a system of
// this file's own with the default registration policy (invite): its first user is the first to
// register on an empty system. The API key's verification is asked over the bus, as a gateway asks it.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { ApiKeyEvents, AuthApiKeyRpc, AuthProjectRpc, DomainError, ErrorCode, MembershipEvents, Streams } from '@ir/contracts';
import { BusClient, NatsBus } from '@ir/messaging';
import { MongoClient, type Db } from 'mongodb';
import request from 'supertest';
import { checkedAgainstDocument } from './support/e2e-openapi';
import { E2E_SERVICE_ENV, natsCredentials, startPrivateNats, startSystem, type PrivateNats, type RunningSystem } from '@ir/testing';
import { expectNoStackTrace, findStreamMessage, freshIp, jwtPart, streamLastSeq, suffix, targetMongoUri } from './support/e2e-client';

interface Account {
  id: string;
  username: string;
  email: string;
  password: string;
  access: string;
  refresh: string;
}

let nats: PrivateNats;
let system: RunningSystem;
let natsBus: NatsBus;
let bus: BusClient;
let jsm: JetStreamManager;
let mongo: MongoClient;
let authDb: Db;

const dbPrefix = `ir_projects_${process.pid}`;
// Checked against the OpenAPI document like every e2e answer (test/support/e2e-openapi.ts).
const api = () => checkedAgainstDocument(request(system.apiUrl));
const as = (token: string) => {
  const ip = freshIp();
  const wrap = (test: request.Test) => test.set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', ip);
  return {
    get: (path: string) => wrap(api().get(path)),
    post: (path: string) => wrap(api().post(path)),
    put: (path: string) => wrap(api().put(path)),
    patch: (path: string) => wrap(api().patch(path)),
    delete: (path: string) => wrap(api().delete(path)),
  };
};
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function credentials(prefix: string) {
  const s = suffix();
  return { username: `${prefix}_${s}`, email: `${prefix}.${s}@example.test`, password: `Correct-Horse-${s}-Battery` };
}

function register(body: Record<string, unknown>) {
  return api().post('/auth/register').set('X-Forwarded-For', freshIp()).send(body);
}

async function logIn(user: { username: string; password: string }) {
  const res = await api().post('/auth/login').set('X-Forwarded-For', freshIp()).send({ username: user.username, password: user.password });
  expect(res.status).toBe(200);
  return { access: res.body.access_token as string, refresh: res.body.refresh_token as string };
}

/** Registers (invited by `inviter`, into a project when given) and logs in. */
async function account(prefix: string, inviter?: Account, into?: { project_id: string; role: string }): Promise<Account> {
  const creds = credentials(prefix);
  const invitation = inviter ? (await invite(inviter, { email: creds.email, ...into })).token : undefined;
  const res = await register({ ...creds, invitation });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, ...creds, ...(await logIn(creds)) };
}

/** A new access token for the account, with its roles as they are now. */
async function refreshed(user: Account): Promise<Account> {
  const res = await api().post('/auth/refresh-token').set('X-Forwarded-For', freshIp()).send({ refresh_token: user.refresh });
  expect(res.status).toBe(200);
  return { ...user, access: res.body.access_token as string, refresh: res.body.refresh_token as string };
}

async function invite(by: Account, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await as(by.access).post('/invitations').send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; token: string };
}

function expectRefused(res: request.Response, status: number, details: Record<string, unknown>): void {
  expect({ status: res.status, details: res.body.details }).toEqual({ status, details });
  expect(res.body.request_id).toEqual(expect.any(String));
  expectNoStackTrace(res.text);
}

const claimsOf = (token: string) => jwtPart(token, 1) as { sa: boolean; projects: Record<string, string> };

beforeAll(async () => {
  nats = await startPrivateNats('ir-projects-e2e-');
  const dataDir = mkdtempSync(join(tmpdir(), 'ir-projects-system-'));
  const { AUTH_REGISTRATION: _open, ...env } = E2E_SERVICE_ENV;
  system = await startSystem({
    natsUrl: nats.url,
    natsCredentialsDir: nats.credentialsDir,
    mongoUri: targetMongoUri(),
    postgresUrl: process.env.TEST_POSTGRES_URL!,
    dbPrefix,
    dataDir,
    logDir: join(dataDir, 'logs'),
    trustProxy: true,
    env,
  });
  natsBus = await NatsBus.connect({ servers: nats.url, name: 'projects-e2e', credentials: natsCredentials(nats) });
  bus = new BusClient(natsBus, 5000);
  jsm = await jetstreamManager(natsBus.nc);
  mongo = await new MongoClient(targetMongoUri()).connect();
  authDb = mongo.db(`${dbPrefix}_auth`);
}, 120_000);

afterAll(async () => {
  await mongo?.close();
  await natsBus?.nc.close();
  await system?.stop();
  await nats?.stop();
});

let root: Account;
let defaultProjectId: string;

describe('the first user', () => {
  it('registers without an invitation, becomes system administrator and admin of the default project', async () => {
    await expect(bus.request(AuthProjectRpc.default, {})).rejects.toMatchObject({ code: ErrorCode.notFound });

    root = await account('root');
    defaultProjectId = (await bus.request(AuthProjectRpc.default, {})).id;
    expect(claimsOf(root.access)).toMatchObject({ sa: true, projects: { [defaultProjectId]: 'admin' } });

    const projects = await as(root.access).get('/projects');
    expect(projects.status).toBe(200);
    expect(projects.body).toMatchObject({
      items: [{ id: defaultProjectId, name: 'default', role: 'admin', created_by: root.id }],
      total: 1,
    });
  });
});

describe('registration by invitation (AUTH_REGISTRATION=invite)', () => {
  it('refuses a registration without an invitation, storing nothing', async () => {
    const creds = credentials('uninvited');
    expectRefused(await register(creds), 403, { reason: 'invitation_required' });
    expect(await authDb.collection('users').countDocuments({ email: creds.email })).toBe(0);
  });

  it('admits the invited address once, and refuses another address, a reused and an expired token', async () => {
    const creds = credentials('invited');
    const invitation = await invite(root, { email: creds.email });
    expect(invitation.token).toMatch(/^iri_[A-Za-z0-9_-]{43}$/);
    const pending = await as(root.access).get('/invitations');
    expect(pending.body.items).toContainEqual(expect.objectContaining({ id: invitation.id, email: creds.email, project_id: null }));
    expect(JSON.stringify(pending.body)).not.toContain(invitation.token);

    expectRefused(await register({ ...credentials('other'), invitation: invitation.token }), 403, { reason: 'invitation_email_mismatch' });
    expect((await register({ ...creds, invitation: invitation.token })).status).toBe(201);
    expectRefused(await register({ ...creds, username: `again_${suffix()}`, invitation: invitation.token }), 403, {
      reason: 'invitation_invalid',
    });
    expect((await as(root.access).get('/invitations')).body.items.map((i: { id: string }) => i.id)).not.toContain(invitation.id);

    const late = credentials('late');
    const expiring = await invite(root, { email: late.email });
    await authDb.collection('invitations').updateOne({ _id: expiring.id as never }, { $set: { expires_at: new Date(Date.now() - 1000) } });
    expectRefused(await register({ ...late, invitation: expiring.token }), 403, { reason: 'invitation_invalid' });

    const revokedCreds = credentials('revoked');
    const revoked = await invite(root, { email: revokedCreds.email });
    expect((await as(root.access).delete(`/invitations/${revoked.id}`)).body).toEqual({ revoked: true });
    expectRefused(await register({ ...revokedCreds, invitation: revoked.token }), 403, { reason: 'invitation_invalid' });
  });

  it('lets a project admin invite into its project only, with a role, and nobody else into the system', async () => {
    const admin = await account('padmin', root, { project_id: defaultProjectId, role: 'admin' });
    const viewer = await account('pviewer', root, { project_id: defaultProjectId, role: 'viewer' });
    expect(claimsOf(admin.access)).toEqual(expect.objectContaining({ sa: false, projects: { [defaultProjectId]: 'admin' } }));

    expectRefused(
      await as(admin.access)
        .post('/invitations')
        .send({ email: credentials('s').email }),
      403,
      { permission: 'system_admin' },
    );
    expectRefused(
      await as(viewer.access)
        .post('/invitations')
        .send({ email: credentials('s').email, project_id: defaultProjectId, role: 'viewer' }),
      403,
      {
        permission: 'members:manage',
      },
    );
    const joiner = await account('joiner', admin, { project_id: defaultProjectId, role: 'editor' });
    expect(claimsOf(joiner.access).projects).toEqual({ [defaultProjectId]: 'editor' });
  });

  it('lets a person with an account accept an invitation into a project, logged in with its own address', async () => {
    const project = await as(root.access)
      .post('/projects')
      .send({ name: `accepting-${suffix()}` });
    const person = await account('accepter', root);
    const invitation = await invite(root, { email: person.email, project_id: project.body.id, role: 'operator' });

    const res = await as(person.access).post('/invitations/accept').send({ token: invitation.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ project_id: project.body.id, role: 'operator' });
    expect(claimsOf((await refreshed(person)).access).projects).toEqual({ [project.body.id]: 'operator' });
    expectRefused(await as(person.access).post('/invitations/accept').send({ token: invitation.token }), 403, {
      reason: 'invitation_invalid',
    });
  });
});

describe('projects and memberships', () => {
  it('reflects creation and every membership change in a refreshed token, and announces each change', async () => {
    const created = await as(root.access)
      .post('/projects')
      .send({ name: `payments-${suffix()}`, description: 'the money' });
    expect(created.status).toBe(201);
    const projectId = created.body.id as string;
    expect(created.body).toMatchObject({ description: 'the money', role: 'admin', created_by: root.id });

    let bob = await account('bob', root);
    expectRefused(
      await as(bob.access)
        .post('/projects')
        .send({ name: `bobs-${suffix()}` }),
      403,
      { permission: 'system_admin' },
    );
    expect((await as(bob.access).get(`/projects/${projectId}`)).status).toBe(404);

    const seq = await streamLastSeq(jsm, Streams.authEvents.name);
    const added = await as(root.access).put(`/projects/${projectId}/members/${bob.id}`).send({ role: 'editor' });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ user_id: bob.id, username: bob.username, role: 'editor' });
    const announced = await findStreamMessage(
      jsm,
      Streams.authEvents.name,
      seq,
      MembershipEvents.changed.subject,
      (p) => p.user_id === bob.id,
    );
    // Bob gains a role: rights granted (his old tokens only hold less, and stay good).
    expect(announced?.json()).toEqual({ user_id: bob.id, project_id: projectId, changed_at: expect.any(String), rights: 'granted' });

    // The token signed before the change knows nothing of it; the refreshed one does.
    expect((await as(bob.access).get(`/projects/${projectId}`)).status).toBe(404);
    bob = await refreshed(bob);
    expect(claimsOf(bob.access).projects).toEqual({ [projectId]: 'editor' });
    expect((await as(bob.access).get(`/projects/${projectId}`)).body).toMatchObject({ id: projectId, role: 'editor' });
    const members = await as(bob.access).get(`/projects/${projectId}/members`);
    expect(members.body.items.map((m: { user_id: string; role: string }) => [m.user_id, m.role])).toEqual([
      [root.id, 'admin'],
      [bob.id, 'editor'],
    ]);
    expectRefused(await as(bob.access).patch(`/projects/${projectId}`).send({ description: 'mine' }), 403, {
      permission: 'project:manage',
    });

    await as(root.access).put(`/projects/${projectId}/members/${bob.id}`).send({ role: 'admin' }).expect(200);
    bob = await refreshed(bob);
    const renamed = await as(bob.access).patch(`/projects/${projectId}`).send({ description: 'ours' });
    expect(renamed.body).toMatchObject({ description: 'ours', role: 'admin' });

    await as(root.access).delete(`/projects/${projectId}/members/${bob.id}`).expect(200);
    bob = await refreshed(bob);
    expect(claimsOf(bob.access).projects).toEqual({});
    expect((await as(bob.access).get(`/projects/${projectId}`)).status).toBe(404);
    expect((await as(bob.access).get('/projects')).body).toMatchObject({ items: [], total: 0 });
  });

  it('keeps the last admin of a project: neither demoted, removed nor leaving', async () => {
    const projectId = (
      await as(root.access)
        .post('/projects')
        .send({ name: `lonely-${suffix()}` })
    ).body.id as string;
    const self = `/projects/${projectId}/members/${root.id}`;
    expectRefused(await as(root.access).put(self).send({ role: 'operator' }), 409, { reason: 'last_admin' });
    expectRefused(await as(root.access).delete(self), 409, { reason: 'last_admin' });

    let dana = await account('dana', root);
    await as(root.access).put(`/projects/${projectId}/members/${dana.id}`).send({ role: 'admin' }).expect(200);
    expect((await as(root.access).delete(self)).body).toEqual({ removed: true });
    dana = await refreshed(dana);
    expectRefused(await as(dana.access).put(`/projects/${projectId}/members/${dana.id}`).send({ role: 'viewer' }), 409, {
      reason: 'last_admin',
    });
    // A system administrator sees the project still, though it left it (its refreshed token says so).
    root = await refreshed(root);
    expect((await as(root.access).get(`/projects/${projectId}`)).body).toMatchObject({ id: projectId, role: null });
  });
});

describe('the password policy', () => {
  it.each([
    ['11 characters', () => 'Vq7#mZ2!rT9', 'too_small'],
    ['a common one', () => 'passwordpassword', 'weak_password'],
    ['one containing the username', (username: string) => `${username}-Vq7#mZ2!`, 'weak_password'],
  ])('refuses %s with 400 naming password', async (_what, password, rule) => {
    const creds = credentials('weak');
    const res = await register({ ...creds, password: password(creds.username) });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ field: 'password', rule, message: expect.any(String) }]);
    expectNoStackTrace(res.text);
  });

  it("says why in zxcvbn's words", async () => {
    const res = await register({ ...credentials('weak'), password: 'passwordpassword' });
    expect(res.body.issues[0].message).toMatch(/^is too easy to guess: .*(repeat|common|guess)/i);
  });

  it('accepts a strong one, and changes it given the current one, ending the other sessions', async () => {
    const user = await account('strong', root);
    const other = await logIn(user);

    expect(
      (await as(user.access).post('/auth/password').send({ current_password: 'not-it', new_password: 'Vq7#mZ2!rT9p-x' })).body.issues,
    ).toEqual([expect.objectContaining({ field: 'current_password', rule: 'mismatch' })]);
    expect(
      (await as(user.access).post('/auth/password').send({ current_password: user.password, new_password: 'passwordpassword' })).body
        .issues,
    ).toEqual([expect.objectContaining({ field: 'new_password', rule: 'weak_password' })]);

    const changed = await as(user.access).post('/auth/password').send({ current_password: user.password, new_password: 'Vq7#mZ2!rT9p-x' });
    expect(changed.status).toBe(200);
    expect(changed.body.revoked_sessions).toBeGreaterThanOrEqual(1);
    expect((await api().post('/auth/refresh-token').set('X-Forwarded-For', freshIp()).send({ refresh_token: other.refresh })).status).toBe(
      401,
    );
    await refreshed(user);
    await logIn({ username: user.username, password: 'Vq7#mZ2!rT9p-x' });
  });
});

describe('the API key life cycle', () => {
  const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

  it('shows a key once, lists it without its secret, verifies it, records its use, and refuses it once revoked', async () => {
    const keys = `/projects/${defaultProjectId}/api-keys`;
    const created = await as(root.access)
      .post(keys)
      .send({ name: 'ci', role: 'operator', expires_at: inMs(86_400_000) });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^irk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.slice(4, 12)).toBe(created.body.id);
    const secret = key.slice(13);

    const listed = await as(root.access).get(keys);
    const entry = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(entry).toMatchObject({ name: 'ci', role: 'operator', project_id: defaultProjectId, revoked_at: null, last_used_at: null });
    expect(entry.key).toBeUndefined();
    expect(listed.text).not.toContain(secret);
    const stored = await authDb.collection('api_keys').findOne({ _id: created.body.id as never });
    expect(JSON.stringify(stored)).not.toContain(secret);

    await expect(bus.request(AuthApiKeyRpc.verify, { key_hash: sha256(key) })).resolves.toEqual({
      kind: 'api_key',
      id: created.body.id,
      name: 'ci',
      projects: { [defaultProjectId]: 'operator' },
    });
    const used = (await as(root.access).get(keys)).body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(Date.now() - Date.parse(used.last_used_at)).toBeLessThan(60_000);

    const seq = await streamLastSeq(jsm, Streams.authEvents.name);
    const revoked = await as(root.access).delete(`${keys}/${created.body.id}`);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    const announced = await findStreamMessage(
      jsm,
      Streams.authEvents.name,
      seq,
      ApiKeyEvents.revoked.subject,
      (p) => p.key_id === created.body.id,
    );
    expect(announced?.json()).toEqual({ key_id: created.body.id, revoked_at: revoked.body.revoked_at });
    await expect(bus.request(AuthApiKeyRpc.verify, { key_hash: sha256(key) })).rejects.toMatchObject({ code: ErrorCode.unauthenticated });
  });

  it('refuses an unknown key, an expired one, and an expiry past AUTH_API_KEY_MAX_TTL', async () => {
    const keys = `/projects/${defaultProjectId}/api-keys`;
    const unknown = await bus
      .request(AuthApiKeyRpc.verify, { key_hash: sha256(`irk_00000000_${'A'.repeat(43)}`) })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(DomainError);
    expect(unknown).toMatchObject({ code: ErrorCode.unauthenticated, message: 'API key is invalid, expired or revoked' });

    const tooLong = await as(root.access)
      .post(keys)
      .send({ name: 'forever', role: 'viewer', expires_at: inMs(366 * 86_400_000) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.issues).toEqual([expect.objectContaining({ field: 'expires_at', rule: 'out_of_range' })]);

    const brief = await as(root.access)
      .post(keys)
      .send({ name: 'brief', role: 'viewer', expires_at: inMs(2_000) });
    expect(brief.status).toBe(201);
    await expect(bus.request(AuthApiKeyRpc.verify, { key_hash: sha256(brief.body.key) })).resolves.toMatchObject({ id: brief.body.id });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await expect(bus.request(AuthApiKeyRpc.verify, { key_hash: sha256(brief.body.key) })).rejects.toMatchObject({
      code: ErrorCode.unauthenticated,
    });
  });

  it('lets only those who manage keys see them: 403 naming api_keys:manage for an editor, 404 for a stranger', async () => {
    const editor = await account('keyeditor', root, { project_id: defaultProjectId, role: 'editor' });
    const stranger = await account('keystranger', root);
    const keys = `/projects/${defaultProjectId}/api-keys`;
    expectRefused(await as(editor.access).get(keys), 403, { permission: 'api_keys:manage' });
    expectRefused(
      await as(editor.access)
        .post(keys)
        .send({ name: 'x', role: 'viewer', expires_at: inMs(60_000) }),
      403,
      {
        permission: 'api_keys:manage',
      },
    );
    expect((await as(stranger.access).get(keys)).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('describes the new routes', async () => {
    const doc = await request(system.gatewayUrl).get('/docs/openapi.json').expect(200);
    const paths = Object.keys(doc.body.paths as Record<string, unknown>).map((p) => p.replace(/^\/api\/doctor-manager-api\/v1/, ''));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/projects',
        '/projects/{id}',
        '/projects/{id}/members',
        '/projects/{id}/members/{user_id}',
        '/projects/{id}/api-keys',
        '/projects/{id}/api-keys/{key_id}',
        '/invitations',
        '/invitations/{id}',
        '/invitations/accept',
        '/auth/password',
      ]),
    );
  });
});
