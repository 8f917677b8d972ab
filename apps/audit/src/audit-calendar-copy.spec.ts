// The replica's copy of the closed audit calendar (AuditCalendarCopy) and the periodic sweep of
// entries stored without a bucket, on the test MongoDB (FerretDB here): a copy never hides an entry
// a writer recorded, and an older replica's entries reach the keyset pages without a restart.
import { AuditRpc, type AuditEntry, type AuditPage, type AuditQuery, type Principal, type Role } from '@ir/contracts';
import { runAs, BusClient } from '@ir/messaging';
import { timeAt } from './entries/audit-bucket';
import { AuditBucketBackfill } from './entries/audit-bucket-backfill.service';
import { AUDIT_CALENDAR_MODEL, type AuditCalendarModel } from './entries/audit-calendar.model';
import { AUDIT_ENTRY_MODEL, type AuditEntryModel } from './entries/audit-entry.model';
import { toAuditEntryDocument } from './entries/audit-entry-view';
import { AuditEntryRepository } from './entries/audit-entry.repository';
import { startAuditApp, type AuditApp } from './testing/audit-app';
import { auditEntryOf } from './testing/audit-entry-fixture';

jest.setTimeout(60_000);

const P = 'b'.repeat(24);
const Q = 'c'.repeat(24);
const HOUR_MS = 60 * 60 * 1000;
const member = (id: string, projects: Record<string, Role>): Principal => ({ kind: 'user', id, name: id, system_admin: false, projects });
const adminP = member('admin-p', { [P]: 'admin' });
const adminPQ = member('admin-pq', { [P]: 'admin', [Q]: 'admin' });
// Ten days ago at 10:20 UTC: a closed day and hour by any replica's clock.
const t0 = Math.floor((Date.now() - 10 * 24 * HOUR_MS) / (24 * HOUR_MS)) * 24 * HOUR_MS + 10 * HOUR_MS + 20 * 60_000;
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

const entry = (fields: Partial<AuditEntry>): AuditEntry => auditEntryOf({ at: at(0), project_id: P, ...fields });

describe('the copy of the closed audit calendar, and the sweeps', () => {
  let audit: AuditApp;
  let client: BusClient;
  let entries: AuditEntryRepository;
  const list = (principal: Principal, query: AuditQuery) => runAs(principal, () => client.request(AuditRpc.list, query));
  /** The ids of every keyset page of the caller's list, 2 at a time. */
  async function walk(principal: Principal): Promise<string[]> {
    const pages: AuditPage[] = [await list(principal, { limit: 2, count: 'false' })];
    while (pages.at(-1)!.next_after !== null) pages.push(await list(principal, { limit: 2, after: pages.at(-1)!.next_after! }));
    return pages.flatMap((page) => page.items.map((e) => e.id));
  }
  /** Stores `e` as a writer that bypasses the calendar's record would: its minute in the calendar, no token change. */
  async function storeBehindTheCopy(e: AuditEntry): Promise<void> {
    const when = new Date(e.at);
    const [day, hour, minute] = [0, 1, 2].map((level) => timeAt(when, level));
    const calendar = audit.app.get<AuditCalendarModel>(AUDIT_CALENDAR_MODEL);
    for (const scope of [e.project_id!, '*']) await calendar.create({ _id: `${scope}:${minute}`, parent: `${scope}:${hour}`, day });
    await audit.app.get<AuditEntryModel>(AUDIT_ENTRY_MODEL).create(toAuditEntryDocument(e));
  }

  beforeAll(async () => {
    audit = await startAuditApp({ AUDIT_BUCKET_SWEEP_INTERVAL: '1s' });
    client = new BusClient(audit.bus, 5_000);
    entries = audit.app.get(AuditEntryRepository);
    // Keyset pages read the buckets once the start-up sweep has marked the trail filed.
    const backfill = audit.app.get(AuditBucketBackfill);
    for (let tries = 0; !(await backfill.done()) && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  });

  afterAll(async () => {
    await audit?.close();
  });

  it('reads closed hours from its copy, and reads them again once a late entry is recorded', async () => {
    const first = entry({ at: at(0) });
    await entries.store(first);
    // Both lanes copy the closed day and hour: one project's, and every project's (`*`).
    expect(await walk(adminP)).toEqual([first.id]);
    expect(await walk(adminPQ)).toEqual([first.id]);

    // Another minute of that hour, recorded without changing the token: the copies do not know of it (they are used).
    const unseen = entry({ at: at(5) });
    await storeBehindTheCopy(unseen);
    expect(await walk(adminP)).toEqual([first.id]);
    expect(await walk(adminPQ)).toEqual([first.id]);

    // A late entry, recorded as every writer records (a redelivery after an outage, another replica): every copy reads again.
    const late = entry({ project_id: Q, at: at(10) });
    await entries.store(late);
    expect(await walk(adminP)).toEqual([unseen.id, first.id]);
    expect(await walk(adminPQ)).toEqual([late.id, unseen.id, first.id]);
  });

  it('never copies an open hour: an entry of a new minute of it is on the next walk', async () => {
    const R = 'd'.repeat(24);
    const adminR = member('admin-r', { [R]: 'admin' });
    const earlier = entry({ project_id: R, at: new Date(Date.now() - 2 * 60_000).toISOString() });
    await entries.store(earlier);
    expect(await walk(adminR)).toEqual([earlier.id]);
    const now = entry({ project_id: R, at: new Date().toISOString() });
    await entries.store(now);
    expect(await walk(adminR)).toEqual([now.id, earlier.id]);
  });

  it("files an older replica's entries (no bucket, no calendar) at the next sweep, without a restart", async () => {
    const T = 'f'.repeat(24);
    const adminT = member('admin-t', { [T]: 'admin' });
    const filed = entry({ project_id: T, at: at(30) });
    await entries.store(filed);
    const older = entry({ project_id: T, at: at(31) });
    // As an older replica stores it during a rolling upgrade: no bucket, no minute, not in the calendar.
    await audit.app
      .get<AuditEntryModel>(AUDIT_ENTRY_MODEL)
      .create({ ...toAuditEntryDocument(older), bucket: undefined, minute: undefined });
    // The sweep runs every second here (AUDIT_BUCKET_SWEEP_INTERVAL).
    const deadline = Date.now() + 15_000;
    let seen = await walk(adminT);
    while (seen.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = await walk(adminT);
    }
    expect(seen).toEqual([older.id, filed.id]);
  });
});
