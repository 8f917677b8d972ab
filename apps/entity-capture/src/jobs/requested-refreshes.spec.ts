import type { OplogChange } from '@ir/contracts';
import { JobScheduler } from '@ir/platform';
import { startFerretCapture, type FerretCaptureFixture } from '../../../../test/support/ferret-capture-fixture';
import { RequestedRefreshes } from './requested-refreshes';

const until = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
};

// The source is a real FerretDB; the oplog manager is these arrays (the request's storage and clearing
// on PostgreSQL are soft-refresh-request.spec.ts; the whole path through the gateway, entity-services.e2e-spec.ts).
describe('soft refreshes asked for on request (real FerretDB)', () => {
  const T1 = '2026-12-02T06:00:00.001Z';
  const T2 = '2026-12-02T06:00:05.002Z';
  let source: FerretCaptureFixture;
  let appended: OplogChange[];
  let scheduler: JobScheduler;
  const acknowledged: [string, string][] = [];
  let acknowledge: (entity: string, requestedAt: string) => Promise<void>;
  let requested: RequestedRefreshes;
  const upserts = () => appended.map((c) => [c.operation, c.documentId, c.data]);

  beforeAll(async () => {
    source = await startFerretCapture('requested');
    appended = source.appended;
    scheduler = new JobScheduler();
    requested = new RequestedRefreshes(scheduler, source.capture, (name, at) => acknowledge(name, at));
  }, 60_000);
  beforeEach(() => {
    appended.length = 0;
    acknowledged.length = 0;
    acknowledge = async (name, at) => void acknowledged.push([name, at]);
  });
  afterAll(async () => {
    await scheduler?.stop();
    await source?.stop();
  });

  it('nothing is scanned without a request, nor for an entity scanning (its own scan does it)', async () => {
    requested.sync([{ name: 'things', state: 'scanned' }]);
    requested.sync([{ name: 'other', state: 'scanning', soft_refresh_requested_at: T1 }]);
    expect(requested.requested()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(appended).toEqual([]);
  });

  it('a pending request is scanned at once as upserts, then acknowledged by its time; read again before its clearing, not rescanned', async () => {
    requested.sync([{ name: 'things', state: 'scanned', soft_refresh_requested_at: T1 }]);
    expect(requested.requested()).toEqual(['things']);
    expect(await until(() => acknowledged.length === 1, 10_000)).toBe(true);
    expect(acknowledged).toEqual([['things', T1]]);
    expect(upserts()).toEqual([
      ['upsert', '1', { v: 1 }],
      ['upsert', '2', { v: 2 }],
    ]);
    requested.sync([{ name: 'things', state: 'scanned', soft_refresh_requested_at: T1 }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(appended).toHaveLength(2);
    // Cleared in entity-oplog: the job goes.
    requested.sync([{ name: 'things', state: 'scanned' }]);
    expect(requested.requested()).toEqual([]);
    expect(scheduler.has('entity-soft-refresh:things')).toBe(false);
  });

  it('a request read while a scan is under way gets a scan of its own (the first may have read a document before it)', async () => {
    acknowledge = async (name, at) => {
      acknowledged.push([name, at]);
      // The newer request, read before this run ends.
      if (at === T1) requested.sync([{ name: 'things', state: 'scanned', soft_refresh_requested_at: T2 }]);
    };
    requested.sync([{ name: 'things', state: 'scanned', soft_refresh_requested_at: T1 }]);
    expect(await until(() => acknowledged.length === 2, 10_000)).toBe(true);
    expect(acknowledged).toEqual([
      ['things', T1],
      ['things', T2],
    ]);
    expect(appended).toHaveLength(4);
    requested.sync([]);
  });

  it('a newer request read after a run, before the older one was seen cleared, is scanned at once', async () => {
    requested.sync([{ name: 'things', state: 'scanned', soft_refresh_requested_at: T1 }]);
    expect(await until(() => acknowledged.length === 1, 10_000)).toBe(true);
    requested.sync([{ name: 'things', state: 'scanned', soft_refresh_requested_at: T2 }]);
    // Well before the job's 10 s recheck.
    expect(await until(() => acknowledged.length === 2, 3_000)).toBe(true);
    expect(acknowledged).toEqual([
      ['things', T1],
      ['things', T2],
    ]);
    requested.sync([]);
  });

  it('a failed acknowledgement is retried after a backoff, the scan done again (upserts: the same cache)', async () => {
    let failures = 1;
    acknowledge = async (name, at) => {
      if (failures-- > 0) throw new Error('entity-oplog unreachable');
      acknowledged.push([name, at]);
    };
    requested.sync([{ name: 'things', state: 'scanned', soft_refresh_requested_at: T1 }]);
    expect(await until(() => appended.length === 2, 10_000)).toBe(true);
    expect(acknowledged).toEqual([]);
    // The retry comes after the 10 s backoff (± 10 %).
    expect(await until(() => acknowledged.length === 1, 20_000)).toBe(true);
    expect(acknowledged).toEqual([['things', T1]]);
    expect(appended).toHaveLength(4);
    requested.sync([]);
  }, 40_000);
});
