// The audit trail through the gateway: each state-changing action done once, with a request id and a
// client address of its own, and the entries read straight from the AUDIT_EVENTS stream (an ordered
// consumer with the test credentials: the audit service that keeps them need not run). One entry per
// action, the right actor, project, target, request id and address, before/after for definitions and
// manifests, and no secret in any byte of any entry.
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { AuditEntry, Streams } from '@ir/contracts';
import { natsConnectOptions, testNatsEndpoint } from '@ir/testing';
import { api, eventually, freshIp, newCredentials, suffix, systemAdminToken, targetMongoUri, type ProfileBody } from './support/e2e-client';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One HTTP request, as sent: its request id and address are what its entries must carry. */
interface Sent {
  readonly requestId: string;
  readonly ip: string;
  readonly status: number;
  readonly body: any;
}

/** Someone calling the API from an address of their own, each request with a request id of its own. */
function caller(token?: string) {
  const ip = freshIp();
  return {
    ip,
    async send(method: Method, path: string, body?: unknown): Promise<Sent> {
      const requestId = `audit-${suffix()}`;
      let test = api()[method](path).set('X-Forwarded-For', ip).set('x-request-id', requestId);
      if (token) test = test.set('Authorization', `Bearer ${token}`);
      const res = body === undefined ? await test : await test.send(body as object);
      return { requestId, ip, status: res.status, body: res.body };
    },
  };
}
type Caller = ReturnType<typeof caller>;

const decoder = new TextDecoder();
/** Every entry stored on AUDIT_EVENTS since this file started, and its raw bytes as text. */
const entries: AuditEntry[] = [];
const raw: string[] = [];
/** Passwords, tokens and keys this file used: none may be in any entry. */
const secrets: string[] = [];

const of = (sent: Sent) => entries.filter((e) => e.request_id === sent.requestId);
const user = (profile: { id: string }) => expect.objectContaining({ kind: 'user', id: profile.id });

/** Waits until the request's entries are in, then a little more, so that a second entry would be seen too. */
async function entriesOf(sent: Sent, count = 1): Promise<AuditEntry[]> {
  await eventually(async () => of(sent).length >= count, 15_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return of(sent);
}

/** The one entry of a request: its action, outcome, request id and client address. */
async function onlyEntry(sent: Sent, action: string, outcome = 'succeeded'): Promise<AuditEntry> {
  const found = await entriesOf(sent);
  expect(found.map((e) => [e.action, e.outcome])).toEqual([[action, outcome]]);
  expect(found[0]).toMatchObject({ request_id: sent.requestId, client_address: sent.ip });
  return found[0];
}

let nc: NatsConnection;
let messages: ConsumerMessages;
let admin: Caller;
let adminId: string;

beforeAll(async () => {
  nc = await connect({ ...natsConnectOptions(testNatsEndpoint(), 'admin'), name: 'audit-trail-e2e' });
  const stream = Streams.auditEvents.name;
  const last = (await (await jetstreamManager(nc)).streams.info(stream)).state.last_seq;
  const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: last + 1 });
  messages = await consumer.consume();
  void (async () => {
    for await (const msg of messages) {
      const text = decoder.decode(msg.data);
      raw.push(text);
      entries.push(AuditEntry.parse(JSON.parse(text)));
    }
  })();
  const adminToken = await systemAdminToken();
  secrets.push(adminToken);
  admin = caller(adminToken);
  adminId = (await admin.send('get', '/auth/profile')).body.id as string;
});

afterAll(async () => {
  messages?.stop();
  await nc?.close();
});

/** Registers someone through the API (an action of its own); answers the profile and the password. */
async function register(): Promise<{ sent: Sent; profile: ProfileBody; password: string; username: string }> {
  const creds = newCredentials('audit');
  secrets.push(creds.password);
  const sent = await caller().send('post', '/auth/register', creds);
  expect(sent.status).toBe(201);
  return { sent, profile: sent.body as ProfileBody, password: creds.password, username: creds.username };
}

async function loggedIn(who: { username: string; password: string }): Promise<{ sent: Sent; api: Caller; access: string }> {
  const sent = await caller().send('post', '/auth/login', { username: who.username, password: who.password });
  expect(sent.status).toBe(200);
  secrets.push(sent.body.access_token, sent.body.refresh_token);
  return { sent, api: caller(sent.body.access_token), access: sent.body.access_token };
}

describe('the audit trail', () => {
  // Who acts: the system administrator, a project admin (ann), an operator (olga), a viewer (vic), an invitee (cy).
  let ann: Awaited<ReturnType<typeof register>>;
  let annApi: Caller;
  let olgaApi: Caller;
  let vicApi: Caller;
  let olga: Awaited<ReturnType<typeof register>>;
  let vic: Awaited<ReturnType<typeof register>>;
  let projectId: string;
  let databaseId: string;
  let dbName: string;
  let mongo: MongoClient;

  beforeAll(async () => {
    mongo = await new MongoClient(targetMongoUri()).connect();
  });
  afterAll(async () => {
    await mongo?.close();
  });

  describe('auth', () => {
    it('records a registration with the new user as actor and target, system-wide', async () => {
      ann = await register();
      const entry = await onlyEntry(ann.sent, 'user.registered');
      expect(entry).toMatchObject({
        actor: user(ann.profile),
        project_id: null,
        target: { kind: 'user', id: ann.profile.id },
        service: 'auth',
      });
    });

    it('records a project created (system-wide) and updated (in the project, before and after)', async () => {
      const created = await admin.send('post', '/projects', { name: `audit_${suffix()}` });
      expect(created.status).toBe(201);
      projectId = created.body.id;
      const entry = await onlyEntry(created, 'project.created');
      expect(entry).toMatchObject({ actor: user({ id: adminId }), project_id: null, target: { kind: 'project', id: projectId } });

      const renamed = `audit_renamed_${suffix()}`;
      const updated = await admin.send('patch', `/projects/${projectId}`, { name: renamed });
      expect(updated.status).toBe(200);
      const change = await onlyEntry(updated, 'project.updated');
      expect(change).toMatchObject({ project_id: projectId, target: { kind: 'project', id: projectId } });
      expect(change.changes).toEqual({
        before: expect.objectContaining({ name: created.body.name }),
        after: expect.objectContaining({ name: renamed }),
      });
    });

    it('records members added, their role changed and removed', async () => {
      const added = await admin.send('put', `/projects/${projectId}/members/${ann.profile.id}`, { role: 'admin' });
      expect(added.status).toBe(200);
      expect(await onlyEntry(added, 'member.added')).toMatchObject({
        project_id: projectId,
        target: { kind: 'member', id: ann.profile.id },
        details: { role: 'admin' },
      });
      olga = await register();
      vic = await register();
      const asViewer = await admin.send('put', `/projects/${projectId}/members/${olga.profile.id}`, { role: 'viewer' });
      await onlyEntry(asViewer, 'member.added');
      const promoted = await admin.send('put', `/projects/${projectId}/members/${olga.profile.id}`, { role: 'operator' });
      expect(await onlyEntry(promoted, 'member.role_changed')).toMatchObject({ details: { role: 'operator', previous_role: 'viewer' } });
      await onlyEntry(await admin.send('put', `/projects/${projectId}/members/${vic.profile.id}`, { role: 'viewer' }), 'member.added');
      const spare = await register();
      await onlyEntry(await admin.send('put', `/projects/${projectId}/members/${spare.profile.id}`, { role: 'viewer' }), 'member.added');
      const removed = await admin.send('delete', `/projects/${projectId}/members/${spare.profile.id}`);
      expect(removed.status).toBe(200);
      expect(await onlyEntry(removed, 'member.removed')).toMatchObject({
        project_id: projectId,
        target: { kind: 'member', id: spare.profile.id },
      });
    });

    it('records logins, a failed one with no actor and the login tried, and a password change', async () => {
      const session = await loggedIn(ann);
      annApi = session.api;
      const login = await onlyEntry(session.sent, 'session.login');
      expect(login).toMatchObject({ actor: user(ann.profile), project_id: null, target: { kind: 'session' } });

      const wrongPassword = `Pw-wrong-${suffix()}${suffix()}`;
      secrets.push(wrongPassword);
      const failed = await caller().send('post', '/auth/login', { username: ann.username, password: wrongPassword });
      expect(failed.status).toBe(401);
      const refused = await onlyEntry(failed, 'session.login', 'failed');
      expect(refused).toMatchObject({ actor: null, project_id: null, details: { username: ann.username } });

      const newPassword = `Pw-new-${suffix()}${suffix()}`;
      secrets.push(newPassword);
      const changed = await annApi.send('post', '/auth/password', { current_password: ann.password, new_password: newPassword });
      expect(changed.status).toBe(200);
      expect(await onlyEntry(changed, 'password.changed')).toMatchObject({
        actor: user(ann.profile),
        target: { kind: 'user', id: ann.profile.id },
      });

      olgaApi = (await loggedIn(olga)).api;
      vicApi = (await loggedIn(vic)).api;
    });

    it('records invitations created, revoked and accepted, never their token', async () => {
      const created = await annApi.send('post', '/invitations', {
        email: `audit.${suffix()}@example.test`,
        project_id: projectId,
        role: 'viewer',
      });
      expect(created.status).toBe(201);
      secrets.push(created.body.token);
      expect(await onlyEntry(created, 'invitation.created')).toMatchObject({
        actor: user(ann.profile),
        project_id: projectId,
        target: { kind: 'invitation', id: created.body.id },
      });
      const revoked = await annApi.send('delete', `/invitations/${created.body.id}`);
      expect(revoked.status).toBe(200);
      await onlyEntry(revoked, 'invitation.revoked');

      const cy = await register();
      const invited = await annApi.send('post', '/invitations', { email: cy.profile.email, project_id: projectId, role: 'viewer' });
      secrets.push(invited.body.token);
      await onlyEntry(invited, 'invitation.created');
      const accepted = await (await loggedIn(cy)).api.send('post', '/invitations/accept', { token: invited.body.token });
      expect(accepted.status).toBe(200);
      expect(await onlyEntry(accepted, 'invitation.accepted')).toMatchObject({
        actor: user(cy.profile),
        project_id: projectId,
        target: { kind: 'invitation', id: invited.body.id },
      });
    });

    it('records API keys created and revoked, never the key; a viewer’s try is recorded as denied', async () => {
      const expires = new Date(Date.now() + 86_400_000).toISOString();
      const created = await annApi.send('post', `/projects/${projectId}/api-keys`, { name: 'ci', role: 'editor', expires_at: expires });
      expect(created.status).toBe(201);
      secrets.push(created.body.key);
      expect(await onlyEntry(created, 'api_key.created')).toMatchObject({
        project_id: projectId,
        target: { kind: 'api_key', id: created.body.id, name: 'ci' },
      });
      const revoked = await annApi.send('delete', `/projects/${projectId}/api-keys/${created.body.id}`);
      expect(revoked.status).toBe(200);
      await onlyEntry(revoked, 'api_key.revoked');

      const denied = await vicApi.send('post', `/projects/${projectId}/api-keys`, { name: 'mine', role: 'viewer', expires_at: expires });
      expect(denied.status).toBe(403);
      expect(await onlyEntry(denied, 'api_key.created', 'denied')).toMatchObject({
        actor: user(vic.profile),
        project_id: projectId,
        details: { permission: 'api_keys:manage' },
      });
    });
  });

  describe('registry', () => {
    it('records a database created and updated by name and settings, never its URI', async () => {
      dbName = `audit_${suffix()}`;
      const created = await annApi.send('post', '/databases', {
        name: `db_${suffix()}`,
        uri: targetMongoUri(),
        db_name: dbName,
        project_id: projectId,
      });
      expect(created.status).toBe(201);
      databaseId = created.body.id;
      const entry = await onlyEntry(created, 'database.created');
      expect(entry).toMatchObject({
        actor: user(ann.profile),
        project_id: projectId,
        target: { kind: 'database', id: databaseId },
        service: 'registry',
      });
      expect(entry.changes).toEqual({
        before: null,
        after: { name: created.body.name, description: '', db_name: dbName, protected: false },
      });

      const updated = await annApi.send('put', `/databases/${databaseId}`, { protected: true, uri: targetMongoUri() });
      expect(updated.status).toBe(200);
      const change = await onlyEntry(updated, 'database.updated');
      expect(change.changes).toMatchObject({ before: { protected: false }, after: { protected: true } });
      expect(change.details).toEqual({ changed: ['protected'] });
    });

    it('records definitions created, updated and deleted with before and after as the API shows them', async () => {
      const created = await annApi.send('post', '/indexes', {
        database_id: databaseId,
        collection: 'orders',
        keys: [{ field: 'status', value: 1 }],
      });
      expect(created.status).toBe(201);
      const made = await onlyEntry(created, 'definition.created');
      expect(made).toMatchObject({ project_id: projectId, target: { kind: 'definition', id: created.body.id } });
      expect(made.changes).toEqual({ before: null, after: created.body });

      const updated = await annApi.send('put', `/indexes/${created.body.id}`, { options: { is_unique: true } });
      expect(updated.status).toBe(200);
      expect((await onlyEntry(updated, 'definition.updated')).changes).toEqual({ before: created.body, after: updated.body });

      const deleted = await annApi.send('delete', `/indexes/${created.body.id}`);
      expect(deleted.status).toBe(200);
      expect((await onlyEntry(deleted, 'definition.deleted')).changes).toEqual({ before: updated.body, after: null });
    });

    it('records a viewer’s definition as denied, with nothing written', async () => {
      const denied = await vicApi.send('post', '/indexes', {
        database_id: databaseId,
        collection: 'orders',
        keys: [{ field: 'x', value: 1 }],
      });
      expect(denied.status).toBe(403);
      expect(await onlyEntry(denied, 'definition.created', 'denied')).toMatchObject({
        actor: user(vic.profile),
        project_id: projectId,
        details: { permission: 'definitions:write' },
      });
    });

    it('records an applied manifest once with its counts and definitions; a dry run not at all', async () => {
      const manifest = {
        version: 1,
        collections: {
          orders: [
            { name: 'status_1', keys: [{ field: 'status', value: 1 }] },
            { name: 'sku_1', keys: [{ field: 'sku', value: 1 }] },
          ],
        },
      };
      const dry = await annApi.send('put', `/databases/${databaseId}/manifest?dry_run=true`, manifest);
      expect(dry.status).toBe(200);
      const applied = await annApi.send('put', `/databases/${databaseId}/manifest`, manifest);
      expect(applied.status).toBe(200);
      expect(applied.body.created).toHaveLength(2);
      const entry = await onlyEntry(applied, 'manifest.applied');
      expect(entry).toMatchObject({
        project_id: projectId,
        target: { kind: 'manifest', id: databaseId },
        details: { created: 2, updated: 0, deleted: 0, unchanged: 0, definitions_recorded: 2, definitions_omitted: 0 },
      });
      expect(entry.changes!.before).toEqual({});
      expect(
        Object.values(entry.changes!.after!)
          .map((d: any) => `${d.collection}.${d.name}`)
          .sort(),
      ).toEqual(['orders.sku_1', 'orders.status_1']);
      // The definitions it wrote are in its entry, not in entries of their own.
      expect(of(applied).filter((e) => e.action.startsWith('definition.'))).toEqual([]);
      expect(of(dry)).toEqual([]);
    });
  });

  describe('sync-executor', () => {
    async function ended(api: Caller, syncId: string): Promise<string> {
      let status = '';
      await eventually(async () => {
        status = (await api.send('get', `/indexes/sync-status/${syncId}`)).body.status;
        return ['completed', 'failed'].includes(status);
      }, 30_000);
      return status;
    }

    it('records a sync requested, a self-approval denied, approved by another, started and finished', async () => {
      // A real index the design does not have: the plan drops it, so the protected database's sync waits for approval.
      await mongo.db(dbName).collection('orders').createIndex({ legacy: 1 }, { name: 'legacy_1' });
      const asked = await olgaApi.send('post', '/indexes/sync-by-database', { database_id: databaseId });
      expect(asked.status).toBe(202);
      expect(asked.body.status).toBe('awaiting_approval');
      const syncId = asked.body.sync_id as string;
      expect(await onlyEntry(asked, 'sync.requested')).toMatchObject({
        actor: user(olga.profile),
        project_id: projectId,
        target: { kind: 'sync', id: syncId },
        details: { database_id: databaseId, dry_run: false, status: 'awaiting_approval' },
        service: 'sync-executor',
      });

      const own = await olgaApi.send('post', `/indexes/sync-status/${syncId}/approve`, {});
      expect(own.status).toBe(403);
      expect(await onlyEntry(own, 'sync.approved', 'denied')).toMatchObject({
        actor: user(olga.profile),
        target: { kind: 'sync', id: syncId },
      });

      const approved = await annApi.send('post', `/indexes/sync-status/${syncId}/approve`, { comment: 'ok' });
      expect(approved.status).toBe(200);
      expect(await ended(annApi, syncId)).toBe('completed');
      // The run is the executor's own work, for the approval's request: its entries carry that request's id.
      const found = await entriesOf(approved, 3);
      expect(found.map((e) => [e.action, e.outcome, e.actor?.kind])).toEqual([
        ['sync.approved', 'succeeded', 'user'],
        ['sync.started', 'succeeded', 'service'],
        ['sync.finished', 'succeeded', 'service'],
      ]);
      expect(found[0]).toMatchObject({ actor: user(ann.profile), client_address: approved.ip });
      expect(found[2]).toMatchObject({ project_id: projectId, target: { kind: 'sync', id: syncId }, details: { status: 'completed' } });
      expect(found[2].details!.requested_by).toMatchObject({ kind: 'user', id: olga.profile.id });
    }, 60_000);

    it('records a dry run requested, started and finished, and a sync withdrawn by its requester', async () => {
      const dry = await olgaApi.send('post', '/indexes/sync-by-database', { database_id: databaseId, dry_run: true });
      expect(dry.status).toBe(202);
      expect(await ended(olgaApi, dry.body.sync_id)).toBe('completed');
      const found = await entriesOf(dry, 3);
      expect(found.map((e) => e.action)).toEqual(['sync.requested', 'sync.started', 'sync.finished']);
      expect(found.every((e) => e.details?.dry_run === true)).toBe(true);

      await mongo.db(dbName).collection('orders').createIndex({ legacy2: 1 }, { name: 'legacy2_1' });
      const asked = await olgaApi.send('post', '/indexes/sync-by-database', { database_id: databaseId });
      expect(asked.body.status).toBe('awaiting_approval');
      await onlyEntry(asked, 'sync.requested');
      const rejected = await olgaApi.send('post', `/indexes/sync-status/${asked.body.sync_id}/reject`, { comment: 'not now' });
      expect(rejected.status).toBe(200);
      expect(await onlyEntry(rejected, 'sync.rejected')).toMatchObject({ target: { kind: 'sync', id: asked.body.sync_id } });
    }, 60_000);

    it('records an import requested and finished, and not each definition it wrote', async () => {
      await mongo.db(dbName).collection('customers').createIndex({ email: 1 }, { name: 'email_1' });
      const imported = await annApi.send('post', '/indexes/sync-from-database', { database_id: databaseId, collections: ['customers'] });
      expect(imported.status).toBe(200);
      expect(imported.body.counts.imported).toBe(1);
      const found = await entriesOf(imported, 2);
      expect(found.map((e) => [e.action, e.outcome])).toEqual([
        ['import.requested', 'succeeded'],
        ['import.finished', 'succeeded'],
      ]);
      expect(found[1]).toMatchObject({
        actor: user(ann.profile),
        project_id: projectId,
        target: { kind: 'import', id: imported.body.import_id },
        details: { imported: 1, skipped: 0, failed: 0 },
        client_address: imported.ip,
      });
    });

    it('records the import a new database asks for: requested by the registry for the caller, finished by the executor', async () => {
      const importedDb = `audit_import_${suffix()}`;
      await mongo.db(importedDb).collection('items').createIndex({ sku: 1 }, { name: 'sku_1' });
      const created = await annApi.send('post', '/databases', {
        name: `db_${suffix()}`,
        uri: targetMongoUri(),
        db_name: importedDb,
        project_id: projectId,
        import_indexes: true,
      });
      expect(created.status).toBe(201);
      const found = await entriesOf(created, 3);
      expect(found.map((e) => [e.action, e.outcome, e.service, e.actor?.kind])).toEqual([
        ['database.created', 'succeeded', 'registry', 'user'],
        ['import.requested', 'succeeded', 'registry', 'user'],
        ['import.finished', 'succeeded', 'sync-executor', 'service'],
      ]);
      expect(found[2]).toMatchObject({
        project_id: projectId,
        target: { kind: 'import', id: created.body.import_id },
        details: { imported: 1 },
      });
      expect((await annApi.send('delete', `/databases/${created.body.id}`)).status).toBe(200);
      await mongo.db(importedDb).dropDatabase();
    });

    it('records a database deleted', async () => {
      const deleted = await annApi.send('delete', `/databases/${databaseId}`);
      expect(deleted.status).toBe(200);
      expect(await onlyEntry(deleted, 'database.deleted')).toMatchObject({
        project_id: projectId,
        target: { kind: 'database', id: databaseId },
        changes: { before: expect.objectContaining({ db_name: dbName }), after: null },
      });
    });
  });

  it('keeps no target URI, password, token or API key in any byte of any entry', () => {
    expect(raw.length).toBeGreaterThan(30);
    expect(raw.filter((text) => text.includes('mongodb://') || text.includes('mongodb+srv://'))).toEqual([]);
    const { host } = new URL(targetMongoUri());
    expect(raw.filter((text) => text.includes(host))).toEqual([]);
    for (const secret of secrets.filter(Boolean)) expect(raw.filter((text) => text.includes(secret))).toEqual([]);
  });
});
