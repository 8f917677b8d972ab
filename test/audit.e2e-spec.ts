// The audit trail through the gateway: entries a service records on AUDIT_EVENTS (here with an
// AuditTrail of the test's own, as a service's is) are kept by the audit service and read with
// GET /audit, within the caller's reach; no route changes or deletes an entry.
import { ServiceName, type AuditEntry, type Principal } from '@ir/contracts';
import { AuditTrail, BusClient, NatsBus, runAs, type AuditRecord } from '@ir/messaging';
import { runWithRequestContext } from '@ir/platform';
import { natsCredentials, testNatsEndpoint } from '@ir/testing';
import request from 'supertest';
import {
  api,
  apiUrl,
  authedApi,
  eventually,
  expectError,
  login,
  loggedInUser,
  registerUser,
  suffix,
  systemAdminToken,
  type AuthedApi,
} from './support/e2e-client';

type Page = { items: AuditEntry[]; page: number; limit: number; total: number | null; next_after: string | null };

let bus: NatsBus;
let trail: AuditTrail;
let sysAdmin: AuthedApi;
let adminA: AuthedApi;
let adminB: AuthedApi;
let projectA: string;
let projectB: string;
const below = {} as Record<'viewer' | 'editor' | 'operator', AuthedApi>;
/** Actor ids of this run's entries: every assertion filters by them, so entries recorded by real actions meanwhile never count. */
const tag = suffix();
const aliceId = `alice-${tag}`;
const keyId = `key-${tag}`;
/** The entries as the audit service keeps them, by request id. */
const recorded = new Map<string, AuditEntry>();

/** Records one entry as a service does, acting for `principal` in an HTTP request with this id and address. */
async function record(principal: Principal, entry: AuditRecord, requestId: string, address: string): Promise<void> {
  const before = Date.now();
  await runWithRequestContext({ correlationId: requestId, clientAddress: address }, () => runAs(principal, () => trail.record(entry)));
  // Entries a millisecond apart at least: newest-first order is then the order they were recorded in.
  while (Date.now() <= before) await new Promise((resolve) => setTimeout(resolve, 1));
}

const get = (client: AuthedApi, query: string) => client.get(`/audit${query ? `?${query}` : ''}`);
const items = async (client: AuthedApi, query: string): Promise<Page> => {
  const res = await get(client, query);
  expect({ status: res.status, query }).toEqual({ status: 200, query });
  return res.body as Page;
};

beforeAll(async () => {
  sysAdmin = authedApi(await systemAdminToken());
  const a = await loggedInUser('admin');
  const b = await loggedInUser('admin');
  projectA = a.projectId;
  projectB = b.projectId;
  adminA = authedApi(a.tokens.access_token);
  adminB = authedApi(b.tokens.access_token);
  for (const role of ['viewer', 'editor', 'operator'] as const) {
    const user = await registerUser();
    expect((await adminA.put(`/projects/${projectA}/members/${user.profile.id}`).send({ role })).status).toBe(200);
    below[role] = authedApi((await login(user)).access_token);
  }

  const endpoint = testNatsEndpoint();
  bus = await NatsBus.connect({ servers: endpoint.servers, name: 'audit-e2e', credentials: natsCredentials(endpoint) });
  trail = new AuditTrail(new BusClient(bus, 5000), ServiceName.registry);
  const alice: Principal = {
    kind: 'user',
    id: aliceId,
    name: 'alice',
    system_admin: false,
    projects: { [projectA]: 'admin', [projectB]: 'admin' },
  };
  const key: Principal = { kind: 'api_key', id: keyId, name: 'ci', projects: { [projectA]: 'editor' } };
  const database = { kind: 'database', id: `db-${tag}`, name: 'orders' } as const;
  await record(
    alice,
    { action: 'database.created', outcome: 'succeeded', projectId: projectA, target: database },
    `r1-${tag}`,
    '198.51.100.1',
  );
  await record(
    key,
    {
      action: 'definition.updated',
      outcome: 'succeeded',
      projectId: projectA,
      target: { kind: 'definition', id: `def-${tag}` },
      changes: { before: { keys: { 'address.city': 1 } }, after: { keys: { 'address.city': -1 } } },
    },
    `r2-${tag}`,
    '198.51.100.2',
  );
  await record(
    alice,
    { action: 'sync.requested', outcome: 'denied', projectId: projectA, target: { kind: 'sync', id: `s-${tag}` } },
    `r3-${tag}`,
    '198.51.100.1',
  );
  await record(
    alice,
    { action: 'definition.updated', outcome: 'succeeded', projectId: projectB, target: { kind: 'definition', id: `defb-${tag}` } },
    `r4-${tag}`,
    '198.51.100.1',
  );
  await record(
    alice,
    {
      action: 'session.login',
      outcome: 'succeeded',
      projectId: null,
      target: { kind: 'session', id: `sess-${tag}` },
      actor: { kind: 'user', id: aliceId, name: 'alice' },
    },
    `r5-${tag}`,
    '198.51.100.9',
  );
  // The audit service consumes them asynchronously: wait until all five are kept.
  const kept = await eventually(async () => {
    const [alices, keys] = [await get(sysAdmin, `actor_id=${aliceId}&count=true`), await get(sysAdmin, `actor_id=${keyId}&count=true`)];
    return alices.body.total === 4 && keys.body.total === 1;
  }, 15_000);
  expect(kept).toBe(true);
  for (const actor of [aliceId, keyId]) {
    for (const entry of (await items(sysAdmin, `actor_id=${actor}`)).items) recorded.set(entry.request_id, entry);
  }
}, 60_000);

afterAll(async () => {
  await bus?.drain();
});

describe('GET /audit', () => {
  it('shows what a service recorded: actor, project, action, target, request id, client address, service, outcome', async () => {
    const page = await items(adminA, `project_id=${projectA}&actor_id=${aliceId}`);
    expect(page.items.map((e) => e.action)).toEqual(['sync.requested', 'database.created']);
    expect(page.items[1]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: expect.any(String),
      action: 'database.created',
      outcome: 'succeeded',
      actor: { kind: 'user', id: aliceId, name: 'alice' },
      project_id: projectA,
      target: { kind: 'database', id: `db-${tag}`, name: 'orders' },
      request_id: `r1-${tag}`,
      client_address: '198.51.100.1',
      service: 'registry',
    });
    expect(page.items[0].outcome).toBe('denied');
    const byKey = await items(adminA, `project_id=${projectA}&actor_id=${keyId}`);
    expect(byKey.items).toEqual([
      expect.objectContaining({
        actor: { kind: 'api_key', id: keyId, name: 'ci' },
        changes: { before: { keys: { 'address.city': 1 } }, after: { keys: { 'address.city': -1 } } },
      }),
    ]);
  });

  it('filters by action, actor and time range, and pages newest first with the total', async () => {
    const updates = await items(adminA, `project_id=${projectA}&action=definition.updated&actor_id=${keyId}`);
    expect(updates.items.map((e) => e.request_id)).toEqual([`r2-${tag}`]);
    expect((await items(adminA, `project_id=${projectA}&action=definition.updated&actor_id=${aliceId}&count=true`)).total).toBe(0);

    const first = await items(adminA, `project_id=${projectA}&actor_id=${aliceId}&limit=1&count=true`);
    expect({ total: first.total, page: first.page, limit: first.limit, ids: first.items.map((e) => e.request_id) }).toEqual({
      total: 2,
      page: 1,
      limit: 1,
      ids: [`r3-${tag}`],
    });
    // Without count=true a first page is a keyset page: no total, its next page by cursor.
    const keyset = await items(adminA, `project_id=${projectA}&actor_id=${aliceId}&limit=1`);
    expect({ total: keyset.total, ids: keyset.items.map((e) => e.request_id) }).toEqual({ total: null, ids: [`r3-${tag}`] });
    const second = await items(
      adminA,
      `project_id=${projectA}&actor_id=${aliceId}&limit=1&after=${encodeURIComponent(keyset.next_after!)}`,
    );
    expect(second.items.map((e) => e.request_id)).toEqual([`r1-${tag}`]);
    expect((await items(adminA, `project_id=${projectA}&actor_id=${aliceId}&limit=1&page=2`)).items.map((e) => e.request_id)).toEqual([
      `r1-${tag}`,
    ]);

    const [created, synced] = [recorded.get(`r1-${tag}`)!, recorded.get(`r3-${tag}`)!];
    const window = `from=${encodeURIComponent(created.at)}&to=${encodeURIComponent(created.at)}`;
    expect((await items(adminA, `project_id=${projectA}&actor_id=${aliceId}&${window}`)).items.map((e) => e.request_id)).toEqual([
      `r1-${tag}`,
    ]);
    const after = await items(adminA, `project_id=${projectA}&actor_id=${aliceId}&from=${encodeURIComponent(synced.at)}`);
    expect(after.items.map((e) => e.request_id)).toEqual([`r3-${tag}`]);
  });

  it("without project_id, a project admin sees its projects' entries only, and no entry of no project", async () => {
    const mine = await items(adminA, `actor_id=${aliceId}`);
    expect(mine.items.map((e) => e.request_id)).toEqual([`r3-${tag}`, `r1-${tag}`]);
    expect(new Set(mine.items.map((e) => e.project_id))).toEqual(new Set([projectA]));
    const theirs = await items(adminB, `actor_id=${aliceId}`);
    expect(theirs.items.map((e) => e.request_id)).toEqual([`r4-${tag}`]);
  });

  it('a system administrator also sees entries of no project (logins, registrations)', async () => {
    const all = await items(sysAdmin, `actor_id=${aliceId}`);
    expect(all.items.map((e) => e.request_id)).toEqual([`r5-${tag}`, `r4-${tag}`, `r3-${tag}`, `r1-${tag}`]);
    const logins = await items(sysAdmin, `action=session.login&actor_id=${aliceId}`);
    expect(logins.items).toEqual([
      expect.objectContaining({ project_id: null, client_address: '198.51.100.9', target: { kind: 'session', id: `sess-${tag}` } }),
    ]);
  });

  it('refuses viewers, editors and operators with 403 naming audit:read, and another project with 404', async () => {
    for (const role of ['viewer', 'editor', 'operator'] as const) {
      for (const query of [`project_id=${projectA}`, '']) {
        const res = await get(below[role], query);
        expectError(res, 403, 'FORBIDDEN');
        expect({ role, query, details: res.body.details }).toEqual({ role, query, details: { permission: 'audit:read' } });
      }
    }
    const other = await get(adminA, `project_id=${projectB}`);
    expectError(other, 404, 'NOT_FOUND');
    expect(other.text).not.toContain(aliceId);
    expectError(await api().get('/audit'), 401);
  });

  it('refuses a bad query with a 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['verbose=1', 'verbose'],
      ['action=database.renamed', 'action'],
      ['limit=101', 'limit'],
      ['page=0', 'page'],
      ['from=yesterday', 'from'],
      [`project_id=${projectA}&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`, 'to'],
      [`project_id=${projectA}&page=1000&limit=100`, 'page'],
    ];
    for (const [query, field] of cases) {
      const res = await get(adminA, query);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect({ query, issues: res.body.issues }).toEqual({ query, issues: expect.arrayContaining([expect.objectContaining({ field })]) });
    }
  });

  it('has no route that changes or deletes an entry', async () => {
    const token = await systemAdminToken();
    const created = recorded.get(`r1-${tag}`)!;
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      for (const path of ['/audit', '/audit/:id']) {
        const res = await request(apiUrl())
          [method](path.replace(':id', created.id))
          .set('Authorization', `Bearer ${token}`)
          .send({ action: 'database.deleted' });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
    }
    expect((await items(sysAdmin, `actor_id=${aliceId}`)).items.find((e) => e.id === created.id)).toEqual(created);
  });
});
