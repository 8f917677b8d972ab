// Access control through the gateway: every role against every route of a project's database, a
// member of another project against the same routes (404, never 403), API keys as bearer tokens,
// tokens whose roles were reduced, and a second person's approval of a protected database's sync.
import { MongoClient } from 'mongodb';
import {
  api,
  authedApi,
  createTargetDatabase,
  defineIndex,
  eventually,
  expectNoStackTrace,
  freshIp,
  login,
  loggedInUser,
  refresh,
  registerUser,
  suffix,
  systemAdminToken,
  targetMongoUri,
  type AuthedApi,
  type TestUser,
} from './support/e2e-client';

type Role = 'viewer' | 'editor' | 'operator' | 'admin';
const ROLES: Role[] = ['viewer', 'editor', 'operator', 'admin'];

interface Member extends TestUser {
  access: string;
  refreshToken: string;
}

let admin: AuthedApi;
let projectId: string;
const members = {} as Record<Role, Member>;
let mongo: MongoClient;

async function member(role: Role): Promise<Member> {
  const user = await registerUser();
  const set = await admin.put(`/projects/${projectId}/members/${user.profile.id}`).send({ role });
  expect(set.status).toBe(200);
  const tokens = await login(user);
  return { ...user, access: tokens.access_token, refreshToken: tokens.refresh_token };
}

beforeAll(async () => {
  admin = authedApi(await systemAdminToken());
  const project = await admin.post('/projects').send({ name: `matrix_${suffix()}` });
  expect(project.status).toBe(201);
  projectId = project.body.id as string;
  for (const role of ROLES) members[role] = await member(role);
  mongo = await new MongoClient(targetMongoUri()).connect();
});

afterAll(async () => {
  await mongo?.close();
});

/** A fresh database of the project with one definition, as its admin registers it. */
async function fixture(): Promise<{ databaseId: string; definitionId: string; dbName: string }> {
  const owner = authedApi(members.admin.access);
  const dbName = `acl_${suffix()}`;
  const database = await createTargetDatabase(owner, { project_id: projectId, db_name: dbName });
  await defineIndex(owner, database.id, 'orders', [{ field: 'status', value: 1 }]);
  const listed = await owner.post('/indexes/list-by-collection').send({ database_id: database.id, collection: 'orders' });
  return { databaseId: database.id, definitionId: listed.body.items[0].id as string, dbName };
}

interface Route {
  readonly name: string;
  /** The least role that may; a lower one gets 403 naming `permission`. */
  readonly least: Role;
  readonly permission: string;
  readonly call: (
    client: AuthedApi,
    f: { databaseId: string; definitionId: string },
  ) => Promise<{ status: number; body: Record<string, any>; text: string }>;
}

// Written from the issue's description of each role, not from the code's table.
const ROUTES: Route[] = [
  { name: 'read a database', least: 'viewer', permission: 'databases:read', call: (c, f) => c.get(`/databases/${f.databaseId}`) },
  {
    name: 'list its collections',
    least: 'viewer',
    permission: 'databases:read',
    call: (c, f) => c.post('/databases/collections/list').send({ database_id: f.databaseId }),
  },
  { name: 'read a definition', least: 'viewer', permission: 'definitions:read', call: (c, f) => c.get(`/indexes/${f.definitionId}`) },
  {
    name: 'list definitions',
    least: 'viewer',
    permission: 'definitions:read',
    call: (c, f) => c.post('/indexes/list-by-collection').send({ database_id: f.databaseId, collection: 'orders' }),
  },
  {
    name: 'export the manifest',
    least: 'viewer',
    permission: 'definitions:read',
    call: (c, f) => c.get(`/databases/${f.databaseId}/manifest`),
  },
  {
    name: 'compare',
    least: 'viewer',
    permission: 'drift:read',
    call: (c, f) => c.post('/indexes/compare-by-database').send({ database_id: f.databaseId }),
  },
  { name: 'plan', least: 'viewer', permission: 'drift:read', call: (c, f) => c.post('/indexes/plan').send({ database_id: f.databaseId }) },
  {
    name: 'generate a script',
    least: 'viewer',
    permission: 'drift:read',
    call: (c, f) => c.post('/indexes/generate-script').send({ database_id: f.databaseId, mode: 'plan' }),
  },
  { name: 'the fleet drift overview', least: 'viewer', permission: 'drift:read', call: (c) => c.get(`/drift?project_id=${projectId}`) },
  {
    name: 'sync history',
    least: 'viewer',
    permission: 'syncs:read',
    call: (c, f) => c.get(`/indexes/sync-status/by-database/${f.databaseId}`),
  },
  {
    name: 'define an index',
    least: 'editor',
    permission: 'definitions:write',
    call: (c, f) =>
      c.post('/indexes').send({ database_id: f.databaseId, collection: 'orders', keys: [{ field: `f${suffix()}`, value: 1 }] }),
  },
  {
    name: 'change a definition',
    least: 'editor',
    permission: 'definitions:write',
    call: (c, f) => c.put(`/indexes/${f.definitionId}`).send({ keys: [{ field: 'status', value: -1 }] }),
  },
  {
    name: 'apply a manifest (dry run)',
    least: 'editor',
    permission: 'definitions:write',
    call: (c, f) => c.put(`/databases/${f.databaseId}/manifest?dry_run=true&allow_deletions=true`).send({ version: 1, collections: {} }),
  },
  {
    name: 'import',
    least: 'editor',
    permission: 'imports:run',
    call: (c, f) => c.post('/indexes/sync-from-database').send({ database_id: f.databaseId }),
  },
  {
    name: 'sync (dry run)',
    least: 'operator',
    permission: 'syncs:run',
    call: (c, f) => c.post('/indexes/sync-by-database').send({ database_id: f.databaseId, dry_run: true }),
  },
  {
    name: 'rename the database',
    least: 'admin',
    permission: 'databases:manage',
    call: (c, f) => c.put(`/databases/${f.databaseId}`).send({ description: `changed ${suffix()}` }),
  },
  { name: 'read the audit trail', least: 'admin', permission: 'audit:read', call: (c) => c.get(`/audit?project_id=${projectId}`) },
  { name: 'list API keys', least: 'admin', permission: 'api_keys:manage', call: (c) => c.get(`/projects/${projectId}/api-keys`) },
  { name: 'delete a definition', least: 'editor', permission: 'definitions:write', call: (c, f) => c.delete(`/indexes/${f.definitionId}`) },
  { name: 'delete the database', least: 'admin', permission: 'databases:manage', call: (c, f) => c.delete(`/databases/${f.databaseId}`) },
];

const SUCCESS = new Set([200, 201, 202]);

describe('the role matrix: every role against every route of its project', () => {
  it.each(ROLES)(
    '%s',
    async (role) => {
      const f = await fixture();
      const client = authedApi(members[role].access);
      const outcomes: string[] = [];
      const expected: string[] = [];
      // In order: a delete comes after what needs the thing deleted.
      for (const route of ROUTES) {
        const res = await route.call(client, f);
        const allowed = ROLES.indexOf(role) >= ROLES.indexOf(route.least);
        expected.push(`${route.name}: ${allowed ? 'allowed' : `403 ${route.permission}`}`);
        outcomes.push(
          `${route.name}: ${SUCCESS.has(res.status) ? 'allowed' : res.status === 403 ? `403 ${res.body.details?.permission}` : `${res.status} ${res.body.error}`}`,
        );
        if (res.status >= 400) expect(res.body.request_id).toEqual(expect.any(String));
      }
      expect(outcomes).toEqual(expected);
    },
    120_000,
  );
});

describe('a member of another project', () => {
  it('gets 404 for every operation on this project’s database and definitions, and sees none of them in lists', async () => {
    const f = await fixture();
    const stranger = await loggedInUser('admin');
    const client = authedApi(stranger.tokens.access_token);
    const statuses: string[] = [];
    for (const route of ROUTES.filter((r) => r.name !== 'list API keys')) {
      const res = await route.call(client, f);
      statuses.push(`${route.name}: ${res.status}`);
      expectNoStackTrace(res.text);
    }
    expect(statuses).toEqual(ROUTES.filter((r) => r.name !== 'list API keys').map((r) => `${r.name}: 404`));
    const listed = await client.post('/databases/list').send({});
    expect(listed.body.items.map((d: { id: string }) => d.id)).not.toContain(f.databaseId);
    expect((await client.get(`/databases/${f.databaseId}/drift`)).status).toBe(404);
    // The database and its definition are untouched.
    const owner = authedApi(members.admin.access);
    expect((await owner.get(`/indexes/${f.definitionId}`)).status).toBe(200);
  });
});

describe('API keys as bearer tokens', () => {
  it('act with their role in their project only, until revoked; invalid keys are rate-limited, valid ones are not', async () => {
    const f = await fixture();
    const owner = authedApi(members.admin.access);
    const created = await owner
      .post(`/projects/${projectId}/api-keys`)
      .send({ name: `ci-${suffix()}`, role: 'operator', expires_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    const ci = authedApi(key);
    expect((await ci.get(`/databases/${f.databaseId}`)).status).toBe(200);
    expect((await ci.post('/indexes/sync-by-database').send({ database_id: f.databaseId, dry_run: true })).status).toBe(202);
    expect((await ci.get(`/projects/${projectId}/api-keys`)).body.details).toEqual({ permission: 'api_keys:manage' });
    // More requests than the login rate limit allows: a valid key is not limited.
    for (let i = 0; i < 8; i++) expect((await ci.get(`/databases/${f.databaseId}`)).status).toBe(200);

    expect((await owner.delete(`/projects/${projectId}/api-keys/${created.body.id}`)).status).toBe(200);
    const refused = await ci.get(`/databases/${f.databaseId}`);
    expect({ status: refused.status, message: refused.body.message }).toEqual({
      status: 401,
      message: 'API key is invalid, revoked or expired',
    });

    // Guessing keys from one address costs what guessing passwords does (AUTH_RATE_LIMIT is 5/10s here).
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const guess = `irk_${'0'.repeat(8)}_${suffix().padEnd(43, 'x')}`;
      statuses.push(
        (await api().post('/databases/list').set('Authorization', `Bearer ${guess}`).set('X-Forwarded-For', ip).send({})).status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('tokens of a user whose roles were reduced', () => {
  it('are refused until refreshed; the refreshed token carries the new role', async () => {
    const demoted = await member('editor');
    const before = authedApi(demoted.access);
    expect((await before.post('/databases/list').send({})).status).toBe(200);
    expect((await admin.put(`/projects/${projectId}/members/${demoted.profile.id}`).send({ role: 'viewer' })).status).toBe(200);
    // Gateways learn of the change from auth's event stream, within moments.
    let stale = await before.post('/databases/list').send({});
    await eventually(async () => {
      stale = await before.post('/databases/list').send({});
      return stale.status === 401;
    }, 3_000);
    expect({ status: stale.status, reason: stale.body.details?.reason }).toEqual({ status: 401, reason: 'roles_changed' });
    const refreshed = await refresh(demoted.refreshToken);
    expect(refreshed.status).toBe(200);
    const after = authedApi(refreshed.body.access_token as string);
    const f = await fixture();
    const write = await after.post('/indexes').send({ database_id: f.databaseId, collection: 'orders', keys: [{ field: 'x', value: 1 }] });
    expect({ status: write.status, permission: write.body.details?.permission }).toEqual({ status: 403, permission: 'definitions:write' });
  });
});

describe('a protected database', () => {
  it('holds a sync that drops until another operator approves it; nobody approves their own', async () => {
    const f = await fixture();
    const owner = authedApi(members.admin.access);
    expect((await owner.put(`/databases/${f.databaseId}`).send({ protected: true })).body.protected).toBe(true);
    // A real index the DR does not have: the plan drops it.
    await mongo.db(f.dbName).collection('orders').createIndex({ legacy: 1 }, { name: 'legacy_1' });
    const requester = authedApi(members.operator.access);
    const second = authedApi((await member('operator')).access);

    const asked = await requester.post('/indexes/sync-by-database').send({ database_id: f.databaseId });
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('awaiting_approval');
    const syncId = asked.body.sync_id as string;
    const waiting = await requester.get(`/indexes/sync-status/${syncId}`);
    expect(waiting.body).toMatchObject({
      status: 'awaiting_approval',
      approval: { state: 'awaiting', reasons: ['drops orders.legacy_1'] },
    });

    const own = await requester.post(`/indexes/sync-status/${syncId}/approve`).send({});
    expect(own.status).toBe(403);
    expect(own.body.message).toContain('nobody approves their own sync');
    const byViewer = await authedApi(members.viewer.access).post(`/indexes/sync-status/${syncId}/approve`).send({});
    expect(byViewer.body.details).toEqual({ permission: 'syncs:approve' });

    const approved = await second.post(`/indexes/sync-status/${syncId}/approve`).send({ comment: 'checked with the team' });
    expect(approved.status).toBe(200);
    expect(approved.body.approval).toMatchObject({ state: 'approved', comment: 'checked with the team' });
    const deadline = Date.now() + 30_000;
    let view = approved.body as { status: string };
    while (!['completed', 'failed'].includes(view.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      view = (await requester.get(`/indexes/sync-status/${syncId}`)).body;
    }
    expect(view.status).toBe('completed');
    const names = (await mongo.db(f.dbName).collection('orders').listIndexes().toArray()).map((i) => i.name);
    expect(names).not.toContain('legacy_1');

    // Dry runs need no approval.
    const dry = await requester.post('/indexes/sync-by-database').send({ database_id: f.databaseId, dry_run: true });
    expect(dry.body.status).toBe('pending');
  }, 60_000);
});
