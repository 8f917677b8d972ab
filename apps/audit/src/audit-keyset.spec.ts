// Keyset pages of the trail (GET /audit?after=…, or count=false), read bucket by bucket on the test
// MongoDB (FerretDB here): the same entries in the same order as the counted offset pages, across
// hours, days and projects, with the filters, and for entries stored before buckets existed.
import { AuditRpc, DomainError, type AuditEntry, type AuditPage, type AuditQuery, type Principal, type Role } from '@ir/contracts';
import { runAs, BusClient } from '@ir/messaging';
import { randomUUID } from 'node:crypto';
import { splitMarkOf, timeAt } from './entries/audit-bucket';
import { AuditBucketBackfill } from './entries/audit-bucket-backfill.service';
import { AuditCalendarRepository, SPLIT_AT } from './entries/audit-calendar.repository';
import { AUDIT_CALENDAR_MODEL, BACKFILLED_ID, BUCKETS_BACKFILLED_ID, type AuditCalendarModel } from './entries/audit-calendar.model';
import { AUDIT_ENTRY_MODEL, type AuditEntryModel } from './entries/audit-entry.model';
import { toAuditEntryDocument } from './entries/audit-entry-view';
import { AuditEntryRepository } from './entries/audit-entry.repository';
import { startAuditApp, type AuditApp } from './testing/audit-app';
import { auditEntryOf } from './testing/audit-entry-fixture';

jest.setTimeout(60_000);

const P = 'd'.repeat(24);
const Q = 'e'.repeat(24);
const S = 'a'.repeat(24);
const HOUR_MS = 60 * 60 * 1000;
const member = (id: string, projects: Record<string, Role>): Principal => ({ kind: 'user', id, name: id, system_admin: false, projects });
const adminPQ = member('admin-pq', { [P]: 'admin', [Q]: 'admin' });
const root: Principal = { kind: 'user', id: 'root', name: 'root', system_admin: true, projects: {} };

// Twenty days ago at 22:30 UTC: the entries below cross midnights and leave empty hours and days between them.
const t0 = Math.floor((Date.now() - 20 * 24 * HOUR_MS) / (24 * HOUR_MS)) * 24 * HOUR_MS + 22.5 * HOUR_MS;
const at = (hours: number) => new Date(t0 + hours * HOUR_MS).toISOString();

const entry = (fields: Partial<AuditEntry>): AuditEntry => auditEntryOf({ at: at(0), project_id: P, ...fields });

describe('audit keyset pages', () => {
  let audit: AuditApp;
  let client: BusClient;
  const list = (principal: Principal, query: AuditQuery) => runAs(principal, () => client.request(AuditRpc.list, query));

  /** Every keyset page of `query`, `limit` at a time, from the first (count=false) to the last. */
  async function walk(principal: Principal, query: AuditQuery, limit: number): Promise<AuditPage[]> {
    const pages = [await list(principal, { ...query, limit, count: 'false' })];
    while (pages.at(-1)!.next_after !== null) pages.push(await list(principal, { ...query, limit, after: pages.at(-1)!.next_after! }));
    return pages;
  }
  const ids = (pages: AuditPage[]) => pages.flatMap((page) => page.items.map((e) => e.id));
  /** The same list as one counted offset page: what every keyset walk must equal. */
  const offsetIds = async (principal: Principal, query: AuditQuery) =>
    (await list(principal, { ...query, limit: 100, count: 'true' })).items.map((e) => e.id);

  // Two entries share an instant (ordered by id); P has entries 3 days apart, Q in between.
  const inP = [0, 0.2, 0.2, 1, 1.7, 2, 26, 74, 74.1, 75].map((h, i) =>
    entry({
      at: at(h),
      action: i % 3 === 0 ? 'sync.requested' : 'definition.updated',
      actor: { kind: 'user', id: i % 2 ? 'bob' : 'alice', name: 'x' },
    }),
  );
  // Q also has entries among the minutes of a busy project S, newer than all the others: a caller in P and Q
  // reads eight of S's minutes in the merged lane (one of them with Q's entry) and the rest project by project.
  const minutes = (m: number) => 76 + m / 60;
  const inQ = [0.5, 30, 50, 73, minutes(5), minutes(2 + 1 / 6), minutes(1.5)].map((h) => entry({ project_id: Q, at: at(h) }));
  const inS = Array.from({ length: 10 }, (_, m) => entry({ project_id: S, at: at(minutes(m)) }));
  const ofNoProject = [entry({ project_id: null, action: 'session.login', at: at(1.5) })];

  beforeAll(async () => {
    audit = await startAuditApp();
    client = new BusClient(audit.bus, 5_000);
    const entries = audit.app.get(AuditEntryRepository);
    for (const e of [...inP, ...inQ, ...inS, ...ofNoProject]) await entries.store(e);
  });

  afterAll(async () => {
    await audit?.close();
  });

  it('pages one project newest first to its end, the same entries in the same order as the offset pages, without a total', async () => {
    const pages = await walk(adminPQ, { project_id: P }, 3);
    expect(ids(pages)).toEqual(await offsetIds(adminPQ, { project_id: P }));
    expect(ids(pages)).toHaveLength(inP.length);
    expect(pages.map((page) => page.total)).toEqual([null, null, null, null]);
  });

  it('merges the projects of a caller in several, newest first', async () => {
    const pages = await walk(adminPQ, {}, 4);
    expect(ids(pages)).toEqual(await offsetIds(adminPQ, {}));
    expect(ids(pages)).toHaveLength(inP.length + inQ.length);
    // A caller in one of them sees only its entries.
    expect(ids(await walk(member('admin-q', { [Q]: 'admin' }), {}, 2))).toEqual(await offsetIds(adminPQ, { project_id: Q }));
  });

  it("walks a system administrator's unscoped list by keyset: every project, and the entries of no project", async () => {
    const pages = await walk(root, {}, 5);
    expect(ids(pages)).toEqual(await offsetIds(root, {}));
    expect(ids(pages)).toHaveLength(inP.length + inQ.length + inS.length + ofNoProject.length);
    expect(ids(await walk(root, { action: 'session.login' }, 5))).toEqual(ofNoProject.map((e) => e.id));
  });

  it('keeps to the filters and the time range, across days', async () => {
    for (const query of [
      { action: 'sync.requested' as const },
      { actor_id: 'bob' },
      { from: at(1), to: at(74.05) },
      { project_id: P, from: at(0.2), to: at(0.2) },
      { actor_id: 'alice', action: 'definition.updated' as const, to: at(74) },
    ]) {
      expect({ query, ids: ids(await walk(adminPQ, query, 2)) }).toEqual({ query, ids: await offsetIds(adminPQ, query) });
    }
  });

  it('answers next_after on a counted page too, to go on by keyset', async () => {
    const first = await list(adminPQ, { project_id: P, limit: 4, count: 'true' });
    expect(first).toMatchObject({ total: inP.length, next_after: expect.any(String) });
    const rest = await list(adminPQ, { project_id: P, limit: 100, after: first.next_after! });
    expect([...first.items, ...rest.items].map((e) => e.id)).toEqual(await offsetIds(adminPQ, { project_id: P }));
    expect(rest.next_after).toBeNull();
  });

  it('refuses a cursor that is not one, and a cursor with a page, naming the field', async () => {
    for (const query of [{ after: 'yesterday' }, { after: `${at(0)}~${randomUUID()}`, page: 2 }]) {
      const error = await list(adminPQ, query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).issues).toEqual([expect.objectContaining({ field: 'after' })]);
    }
  });

  it('finds entries stored before buckets existed once the backfill has filed them', async () => {
    const R = 'f'.repeat(24);
    const older = [3, 2, 1].map((h) => entry({ project_id: R, at: at(h) }));
    const model = audit.app.get<AuditEntryModel>(AUDIT_ENTRY_MODEL);
    // As stored by the version before buckets: no bucket, no minute.
    await model.insertMany(older.map((e) => ({ ...toAuditEntryDocument(e), bucket: undefined, minute: undefined })));
    await audit.app.get<AuditCalendarModel>(AUDIT_CALENDAR_MODEL).deleteOne({ _id: BACKFILLED_ID });
    const adminR = member('admin-r', { [R]: 'admin' });

    const backfill = new AuditBucketBackfill(audit.app.get(AuditEntryRepository), audit.app.get(AuditCalendarRepository), {
      AUDIT_BUCKET_SWEEP_INTERVAL: 60_000,
    });
    expect(await backfill.done()).toBe(false);
    expect(await backfill.bucketsDone()).toBe(false);
    // A sweep out of batches stops before the end of the trail: no mark yet.
    expect(await backfill.sweep(0)).toBe(0);
    expect(await backfill.done()).toBe(false);
    // Upgraded from the version of buckets alone (its mark there): one project's pages read buckets meanwhile.
    await audit.app.get<AuditCalendarModel>(AUDIT_CALENDAR_MODEL).create({ _id: BUCKETS_BACKFILLED_ID });
    expect(await backfill.bucketsDone()).toBe(true);
    expect(await backfill.done()).toBe(false);
    expect(await backfill.sweep()).toBe(older.length);
    expect(await backfill.done()).toBe(true);
    expect((await model.find({ project_id: R, minute: { $exists: false } }).lean()).length).toBe(0);
    expect(ids(await walk(adminR, {}, 2))).toEqual(older.map((e) => e.id));
  });

  it('reads a busy minute one second at a time, the same pages as counted, and a late second of it too', async () => {
    const [X, Y] = ['1'.repeat(24), '2'.repeat(24)];
    const adminXY = member('admin-xy', { [X]: 'admin', [Y]: 'admin' });
    // One closed minute: X's entries past SPLIT_AT (X's minute and every project's split), Y's a few (its own minute whole).
    const start = t0 + 90 * HOUR_MS + 7 * 60_000;
    const inMinute = (ms: number, fields: Partial<AuditEntry>) => entry({ at: new Date(start + ms).toISOString(), ...fields });
    const busy = Array.from({ length: SPLIT_AT + 30 }, (_, i) =>
      inMinute(((i * 7_919) % 55_000) + (i % 5 === 0 ? 0 : 500), {
        project_id: i % 6 === 0 ? Y : X,
        action: i % 4 ? 'definition.updated' : 'sync.requested',
      }),
    );
    const entries = audit.app.get(AuditEntryRepository);
    // Sixteen at once, as the consumer stores them.
    for (let i = 0; i < busy.length; i += 16) await Promise.all(busy.slice(i, i + 16).map((e) => entries.store(e)));
    // Split minutes are read by their seconds once the start-up sweep has marked every entry's second filed.
    const backfill = audit.app.get(AuditBucketBackfill);
    for (let tries = 0; !(await backfill.secondsDone()) && tries < 100; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await backfill.secondsDone()).toBe(true);
    const calendar = audit.app.get<AuditCalendarModel>(AUDIT_CALENDAR_MODEL);
    const minute = timeAt(new Date(start), 2);
    expect(await calendar.exists({ _id: `${X}:${splitMarkOf(minute)}` })).not.toBeNull();
    expect(await calendar.exists({ _id: `${Y}:${splitMarkOf(minute)}` })).toBeNull();
    const counted = async (principal: Principal, query: AuditQuery) => [
      ...(await offsetIds(principal, query)),
      ...(await list(principal, { ...query, limit: 100, page: 2, count: 'true' })).items.map((e) => e.id),
    ];
    for (const query of [
      {},
      { project_id: X },
      { project_id: Y },
      { action: 'sync.requested' as const },
      { to: new Date(start + 30_000).toISOString() },
    ]) {
      expect({ query, ids: ids(await walk(adminXY, query, 20)) }).toEqual({ query, ids: await counted(adminXY, query) });
    }
    expect(ids(await walk(adminXY, {}, 50))).toHaveLength(busy.length);

    // A late entry in a second of the minute that held none (its copy is kept by now): every walk finds it.
    const late = inMinute(57_300, { project_id: X });
    await entries.store(late);
    for (const query of [{}, { project_id: X }]) {
      const walked = ids(await walk(adminXY, query, 20));
      expect({ query, first: walked[0], ids: walked }).toEqual({ query, first: late.id, ids: await counted(adminXY, query) });
    }
  });
});
