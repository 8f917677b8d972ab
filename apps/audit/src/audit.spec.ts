// The audit service on a real NATS and the test MongoDB (FerretDB here): entries consumed from
// AUDIT_EVENTS are stored once, pruned by retention only, and read through AuditRpc.list within the
// caller's reach.
import {
  AuditEvents,
  AuditRpc,
  Durables,
  DomainError,
  Streams,
  type AuditEntry,
  type AuditQuery,
  type Principal,
  type Role,
} from '@ir/contracts';
import { BusClient, runAs } from '@ir/messaging';
import { randomUUID } from 'node:crypto';
import { AuditEntryRepository } from './entries/audit-entry.repository';
import { AuditRetention } from './retention/audit-retention.service';
import { startAuditApp, type AuditApp } from './testing/audit-app';

jest.setTimeout(30_000);

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);
const DAY_MS = 24 * 60 * 60 * 1000;
const member = (id: string, projects: Record<string, Role>): Principal => ({ kind: 'user', id, name: id, system_admin: false, projects });
const adminA = member('admin-a', { [A]: 'admin' });
const root: Principal = { kind: 'user', id: 'root', name: 'root', system_admin: true, projects: {} };

function entry(fields: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: randomUUID(),
    at: new Date().toISOString(),
    action: 'definition.updated',
    outcome: 'succeeded',
    actor: { kind: 'user', id: 'admin-a', name: 'admin-a' },
    project_id: A,
    target: { kind: 'definition', id: randomUUID() },
    request_id: randomUUID(),
    client_address: '192.0.2.1',
    service: 'registry',
    ...fields,
  };
}

/** The same instant written with a +01:00 offset, as a caller in another zone sends it. */
function inUtcPlusOne(iso: string): string {
  return new Date(Date.parse(iso) + 60 * 60_000).toISOString().replace('Z', '+01:00');
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('audit service', () => {
  let audit: AuditApp;
  let client: BusClient;
  let entries: AuditEntryRepository;

  const list = (principal: Principal, query: AuditQuery = {}) => runAs(principal, () => client.request(AuditRpc.list, query));
  const failure = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
    return { code: error.code, permission: error.details?.['permission'] };
  };

  beforeAll(async () => {
    audit = await startAuditApp();
    client = new BusClient(audit.bus, 5_000);
    entries = audit.app.get(AuditEntryRepository);
  });

  afterAll(async () => {
    await audit?.close();
  });

  describe('storing', () => {
    it('keeps an entry published on AUDIT_EVENTS, as it was recorded', async () => {
      const published = entry({ changes: { before: { keys: { 'address.city': 1 } }, after: { keys: { '$**': 1 } } }, details: { n: 1 } });
      await client.publish(AuditEvents.recorded, published, { msgId: published.id });
      const stored = await eventually('the entry to be stored', async () =>
        (await list(root, { project_id: A, limit: 100 })).items.find((e) => e.id === published.id),
      );
      expect(stored).toEqual(published);
    });

    it('stores a redelivered entry once, and acks every delivery', async () => {
      const once = entry({ target: { kind: 'database', id: 'redelivered' } });
      // Two messages with the same entry (as after a lost ack): JetStream's dedup is bypassed by distinct message ids.
      await client.publish(AuditEvents.recorded, once, { msgId: `${once.id}-1` });
      await client.publish(AuditEvents.recorded, once, { msgId: `${once.id}-2` });
      await eventually('both deliveries to be acked', async () => {
        const info = await audit.bus.jsm.consumers.info(Streams.auditEvents.name, Durables.audit.entries.name);
        return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
      });
      const stored = (await list(root, { project_id: A, limit: 100 })).items.filter((e) => e.target.id === 'redelivered');
      expect(stored).toHaveLength(1);
      expect(await entries.store(once)).toBe('already_stored');
    });
  });

  describe('retention', () => {
    it('prunes only the entries older than AUDIT_RETENTION_DAYS, in bounded deletes', async () => {
      const now = Date.now();
      const old = [400, 390, 380].map((days) => entry({ project_id: B, at: new Date(now - days * DAY_MS).toISOString() }));
      const kept = entry({ project_id: B, at: new Date(now - 300 * DAY_MS).toISOString() });
      for (const e of [...old, kept]) expect(await entries.store(e)).toBe('stored');

      // One bounded delete takes the oldest first.
      expect(await entries.deleteOlderThan(new Date(now - 365 * DAY_MS), 2)).toBe(2);
      expect((await list(root, { project_id: B, limit: 100 })).items.map((e) => e.id)).toEqual([kept.id, old[2].id]);

      expect(await audit.app.get(AuditRetention).prune(new Date(now))).toBe(1);
      expect((await list(root, { project_id: B, limit: 100 })).items.map((e) => e.id)).toEqual([kept.id]);
    });
  });

  describe('reading', () => {
    const C = 'c'.repeat(24);
    // Ten days ago, on the minute: well within the retention period.
    const t0 = Math.floor((Date.now() - 10 * DAY_MS) / 60_000) * 60_000;
    const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
    const alice = { kind: 'user', id: 'alice', name: 'alice' } as const;
    const key = { kind: 'api_key', id: 'key-1', name: 'ci' } as const;
    const inC = [
      entry({ project_id: C, at: at(1), action: 'database.created', actor: alice }),
      entry({ project_id: C, at: at(2), action: 'definition.created', actor: key }),
      entry({ project_id: C, at: at(3), action: 'definition.updated', actor: alice }),
      entry({ project_id: C, at: at(4), action: 'sync.requested', actor: key }),
      entry({ project_id: C, at: at(5), action: 'definition.updated', actor: alice }),
    ];
    const login = entry({ project_id: null, at: at(6), action: 'session.login', actor: alice, target: { kind: 'session', id: 's-1' } });
    const adminC = member('admin-c', { [C]: 'admin' });

    beforeAll(async () => {
      for (const e of [...inC, login]) await entries.store(e);
    });

    it('answers newest first, paged, with the total when counting is asked for', async () => {
      const first = await list(adminC, { project_id: C, limit: 2, count: 'true' });
      expect(first).toMatchObject({ page: 1, limit: 2, total: 5 });
      expect(first.items.map((e) => e.at)).toEqual([at(5), at(4)]);
      const third = await list(adminC, { project_id: C, limit: 2, page: 3 });
      expect(third).toMatchObject({ page: 3, total: 5 });
      expect(third.items.map((e) => e.at)).toEqual([at(1)]);
    });

    it('answers a first page by keyset without a total unless counting is asked for (a count reads every matching entry)', async () => {
      const first = await list(adminC, { project_id: C, limit: 2 });
      expect(first).toMatchObject({ page: 1, limit: 2, total: null, next_after: expect.any(String) });
      expect(first.items.map((e) => e.at)).toEqual([at(5), at(4)]);
      const next = await list(adminC, { project_id: C, limit: 2, after: first.next_after! });
      expect(next.items.map((e) => e.at)).toEqual([at(3), at(2)]);
    });

    it('filters by actor, action and time range', async () => {
      expect((await list(adminC, { project_id: C, actor_id: 'key-1' })).items.map((e) => e.at)).toEqual([at(4), at(2)]);
      expect((await list(adminC, { project_id: C, action: 'definition.updated' })).items.map((e) => e.at)).toEqual([at(5), at(3)]);
      const range = await list(adminC, { project_id: C, from: at(2), to: inUtcPlusOne(at(4)) });
      expect(range.items.map((e) => e.at)).toEqual([at(4), at(3), at(2)]);
      expect(
        (await list(adminC, { project_id: C, actor_id: 'alice', action: 'definition.updated', from: at(4) })).items.map((e) => e.at),
      ).toEqual([at(5)]);
    });

    it("without a project: the entries of the caller's admin projects; entries of no project for system administrators only", async () => {
      const adminAC = member('admin-ac', { [A]: 'viewer', [C]: 'admin' });
      const mine = await list(adminAC, { limit: 100, count: 'true' });
      expect(new Set(mine.items.map((e) => e.project_id))).toEqual(new Set([C]));
      expect(mine.total).toBe(5);
      expect((await list(adminAC, { action: 'session.login', count: 'true' })).total).toBe(0);
      expect((await list(root, { action: 'session.login' })).items.map((e) => e.id)).toEqual([login.id]);
      // Asking for one project never reaches entries of no project, even for a system administrator.
      expect((await list(root, { project_id: C, action: 'session.login', count: 'true' })).total).toBe(0);
    });

    it('refuses a role below admin with 403 naming audit:read, and a project the caller cannot see with 404', async () => {
      for (const role of ['viewer', 'editor', 'operator'] as const) {
        const caller = member(`${role}-c`, { [C]: role });
        expect(await failure(list(caller, { project_id: C }))).toEqual({ code: 'FORBIDDEN', permission: 'audit:read' });
        expect(await failure(list(caller))).toEqual({ code: 'FORBIDDEN', permission: 'audit:read' });
      }
      expect(await failure(list(adminA, { project_id: C }))).toEqual({ code: 'NOT_FOUND', permission: undefined });
      expect(await failure(runAs(undefined, () => client.request(AuditRpc.list, {})))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('refuses a time range that ends before it starts, and a page beyond the offset limit, naming the field', async () => {
      const reversed = await runAs(adminC, () => client.request(AuditRpc.list, { project_id: C, from: at(3), to: at(1) })).catch((e) => e);
      expect(reversed).toBeInstanceOf(DomainError);
      expect((reversed as DomainError).issues).toEqual([expect.objectContaining({ field: 'to' })]);
      const deep = await runAs(adminC, () => client.request(AuditRpc.list, { project_id: C, page: 1000, limit: 100 })).catch((e) => e);
      expect((deep as DomainError).issues).toEqual([expect.objectContaining({ field: 'page' })]);
    });
  });
});
