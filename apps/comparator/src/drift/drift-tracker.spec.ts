/**
 * The latest result per database, on the test server (TEST_MONGODB_URI from
 * the unit globalSetup). Event delivery itself is covered end to end in
 * test/comparator-drift.e2e-spec.ts; here the publisher only records.
 */
import { DriftDetected, DriftEvents, DriftResolved, servicePrincipal, type CompareResult, type EventContract } from '@ir/contracts';
import { runAs, type BusClient } from '@ir/messaging';
import { connectMongo } from '@ir/platform';
import { diffCollection } from '@ir/index-core';
import type { Connection } from 'mongoose';
import { Binary } from 'mongodb';
import { deflateSync } from 'node:zlib';
import { failedComparison, toComparison, totalsOf } from '../compare/comparison-view';
import { driftSnapshotModel, type DriftSnapshotModel } from './drift-snapshot.model';
import { DriftSnapshotRepository } from './drift-snapshot.repository';
import { withMethod } from '../testing/with-method';
import { DriftTracker } from './drift-tracker.service';

const DATABASE_ID = 'a'.repeat(24);

function resultAt(comparedAt: string, realIndexes: string[]): CompareResult {
  const entries = [
    { v: 2, key: { _id: 1 }, name: '_id_' },
    ...realIndexes.map((field) => ({ v: 2, key: { [field]: 1 }, name: `${field}_1` })),
  ];
  const diff = diffCollection('orders', [{ name: 'status_1', keys: [{ field: 'status', value: 1 }] }], entries);
  const collections = [toComparison(diff, { exists: true }, { unusedSince: new Date(0) })];
  return {
    database_id: DATABASE_ID,
    database_name: 'Shop (production)',
    project_id: 'p'.repeat(24),
    db_name: 'shop',
    source: 'live',
    compared_at: comparedAt,
    usage: { supported: false, reason: 'test' },
    totals: totalsOf(collections),
    collections,
  };
}

describe('DriftTracker', () => {
  let connection: Connection;
  let snapshots: DriftSnapshotModel;
  let published: { subject: string; payload: unknown; msgId: string }[];
  let tracker: DriftTracker;

  beforeAll(async () => {
    connection = await connectMongo({ uri: process.env.TEST_MONGODB_URI!, dbName: `comparator_drift_${process.pid}_${Date.now()}` });
    snapshots = driftSnapshotModel(connection);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });
  beforeEach(async () => {
    await snapshots.deleteMany({});
    published = [];
    const bus = {
      publish: async (contract: EventContract, payload: unknown, opts: { msgId: string }) => {
        published.push({ subject: contract.subject, payload, msgId: opts.msgId });
      },
    };
    tracker = new DriftTracker(new DriftSnapshotRepository(snapshots), bus as unknown as BusClient);
  });

  it('keeps the latest result and announces drift once per distinct drift', async () => {
    await tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['extra']), 'replace');
    await tracker.record(resultAt('2026-11-01T00:10:00.000Z', ['extra']), 'replace');
    const latest = await tracker.latest(DATABASE_ID);
    expect(latest).toMatchObject({ compared_at: '2026-11-01T00:10:00.000Z', drift: true, totals: { missing: 1, redundant: 1 } });
    expect(published.map((p) => p.subject)).toEqual([DriftEvents.detected.subject]);
  });

  it('moves only the time of a compare that found what the last one found', async () => {
    await tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['status']), 'replace');
    // Stand in a recognizable body under the same hash: if the next record rewrote the body, this one would be gone.
    const stored = await snapshots.findById(DATABASE_ID).lean();
    const marker = { ...resultAt('2026-11-01T00:00:00.000Z', ['status']), db_name: 'marker', compared_at: undefined };
    await snapshots.updateOne({ _id: DATABASE_ID }, { $set: { result_deflated: new Binary(deflateSync(JSON.stringify(marker))) } });

    await tracker.record(resultAt('2026-11-01T00:10:00.000Z', ['status']), 'replace');
    const unchanged = await tracker.latest(DATABASE_ID);
    expect(unchanged).toMatchObject({ db_name: 'marker', compared_at: '2026-11-01T00:10:00.000Z', drift: false });
    expect((await snapshots.findById(DATABASE_ID).lean())?.version).toBe((stored?.version ?? 0) + 1);

    await tracker.record(resultAt('2026-11-01T00:20:00.000Z', ['status', 'extra']), 'replace');
    const changed = await tracker.latest(DATABASE_ID);
    expect(changed).toMatchObject({ db_name: 'shop', compared_at: '2026-11-01T00:20:00.000Z', drift: true, totals: { redundant: 1 } });
  });

  it('keeps the database and its counts beside the body on every record, for the fleet overview', async () => {
    await tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['extra']), 'replace');
    const overview = { project_id: 'p'.repeat(24), database_name: 'Shop (production)', db_name: 'shop' };
    expect(await snapshots.findById(DATABASE_ID).lean()).toMatchObject({
      ...overview,
      drift: true,
      totals: { collections: 1, failed_collections: 0, missing: 1, redundant: 1, different: 0, name_differs: 0 },
    });
    // A compare that finds the same moves only the time, and keeps the counts; one that finds another rewrites them.
    await tracker.record(resultAt('2026-11-01T00:10:00.000Z', ['extra']), 'replace');
    await tracker.onApplicationShutdown();
    expect(await snapshots.findById(DATABASE_ID).lean()).toMatchObject({ ...overview, totals: { missing: 1, redundant: 1 } });
    await tracker.record({ ...resultAt('2026-11-01T00:20:00.000Z', ['status']), database_name: 'Shop (renamed)' }, 'replace');
    expect(await snapshots.findById(DATABASE_ID).lean()).toMatchObject({
      database_name: 'Shop (renamed)',
      drift: false,
      totals: { missing: 0, redundant: 0, matched: 1 },
    });
  });

  it('answers at once for the result it last stored and moves its time after; a write of another replica in between is not lost', async () => {
    const bus = { publish: async () => undefined } as unknown as BusClient;
    // Every update takes 300 ms, so that whether the caller waited for one shows.
    const slowUpdates = withMethod(snapshots, 'updateOne', (updateOne) => async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return updateOne(...args);
    });
    const slow = new DriftTracker(new DriftSnapshotRepository(slowUpdates), bus);
    await slow.record(resultAt('2026-11-01T00:00:00.000Z', ['status']), 'replace');
    let started = performance.now();
    await slow.record(resultAt('2026-11-01T00:10:00.000Z', ['status']), 'replace');
    expect(performance.now() - started).toBeLessThan(150);
    expect(await slow.latest(DATABASE_ID)).toMatchObject({ compared_at: '2026-11-01T00:10:00.000Z', totals: { redundant: 0 } });

    // Another replica stores a different result; this one, still remembering its own, compares again.
    await new DriftTracker(new DriftSnapshotRepository(snapshots), bus).record(
      resultAt('2026-11-01T00:20:00.000Z', ['status', 'extra']),
      'replace',
    );
    started = performance.now();
    await slow.record(resultAt('2026-11-01T00:30:00.000Z', ['status']), 'replace');
    expect(performance.now() - started).toBeLessThan(150);
    // Its write finds the other version, reads it, and stores its own result whole.
    expect(await slow.latest(DATABASE_ID)).toMatchObject({
      compared_at: '2026-11-01T00:30:00.000Z',
      drift: false,
      totals: { redundant: 0 },
    });

    // A result that differs from the one it last stored is waited for.
    started = performance.now();
    await slow.record(resultAt('2026-11-01T00:40:00.000Z', ['status', 'extra']), 'replace');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('does not take a snapshot deleted and created again by another replica for the one it remembers', async () => {
    const bus = { publish: async () => undefined } as unknown as BusClient;
    await tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['status']), 'replace');
    // Another replica forgets the database and stores another result under the same version, 1.
    const other = new DriftTracker(new DriftSnapshotRepository(snapshots), bus);
    await other.forget(DATABASE_ID);
    await other.record(resultAt('2026-11-01T00:10:00.000Z', ['status', 'extra']), 'replace');
    expect((await snapshots.findById(DATABASE_ID).lean())?.version).toBe(1);

    await tracker.record(resultAt('2026-11-01T00:20:00.000Z', ['status']), 'replace');
    // Its body is stored whole, not only its time over the other replica's body.
    expect(await tracker.latest(DATABASE_ID)).toMatchObject({
      compared_at: '2026-11-01T00:20:00.000Z',
      drift: false,
      totals: { redundant: 0 },
    });
  });

  it('recordSoon does not make the caller wait, and latest sees the record all the same', async () => {
    tracker.recordSoon(resultAt('2026-11-01T00:00:00.000Z', ['status']), 'replace');
    tracker.recordSoon(resultAt('2026-11-01T00:10:00.000Z', ['status', 'extra']), 'replace');
    // Written one after the other: the later compare is the latest.
    expect(await tracker.latest(DATABASE_ID)).toMatchObject({ compared_at: '2026-11-01T00:10:00.000Z', totals: { redundant: 1 } });
    await tracker.onApplicationShutdown();
  });

  it('merges a compare of some collections into the stored result', async () => {
    await tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['status']), 'replace');
    const other = resultAt('2026-11-01T00:05:00.000Z', []);
    other.collections = other.collections.map((c) => ({ ...c, collection: 'users' }));
    await tracker.record(other, 'merge');
    const latest = await tracker.latest(DATABASE_ID);
    expect(latest.collections.map((c) => c.collection)).toEqual(['orders', 'users']);
    expect(latest).toMatchObject({
      compared_at: '2026-11-01T00:05:00.000Z',
      drift: true,
      totals: { collections: 2, matched: 1, missing: 1 },
    });
  });

  it('announces the same drift again once it was resolved, under a message id of its own', async () => {
    await tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['extra']), 'replace');
    await tracker.record(resultAt('2026-11-01T00:10:00.000Z', ['status']), 'replace');
    await tracker.record(resultAt('2026-11-01T00:20:00.000Z', ['extra']), 'replace');
    expect(published.map((p) => p.subject)).toEqual([
      DriftEvents.detected.subject,
      DriftEvents.resolved.subject,
      DriftEvents.detected.subject,
    ]);
    // JetStream drops a message whose id it stored within its duplicate window (2 minutes): the ids must differ.
    expect(new Set(published.map((p) => p.msgId)).size).toBe(3);
  });

  it('does not announce again a drift the last event reported when a compare in between could not read its collection', async () => {
    await tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['extra']), 'replace');
    const unread = [failedComparison('orders', 'TIMEOUT', 'the target did not answer in time')];
    await tracker.record({ ...resultAt('2026-11-01T00:05:00.000Z', ['extra']), collections: unread, totals: totalsOf(unread) }, 'replace');
    await tracker.record(resultAt('2026-11-01T00:10:00.000Z', ['extra']), 'replace');
    expect(published.map((p) => p.subject)).toEqual([DriftEvents.detected.subject]);
    // A drift that does change is news again, and its end too.
    await tracker.record(resultAt('2026-11-01T00:15:00.000Z', []), 'replace');
    await tracker.record(resultAt('2026-11-01T00:20:00.000Z', ['status']), 'replace');
    expect(published.map((p) => p.subject)).toEqual([
      DriftEvents.detected.subject,
      DriftEvents.detected.subject,
      DriftEvents.resolved.subject,
    ]);
  });

  it('records nothing for a collection neither on the target nor in the DR, and nothing at all when that is every one', async () => {
    const misspelt = resultAt('2026-11-01T00:00:00.000Z', ['status']);
    const notFound = toComparison(diffCollection('ordres', [], []), { exists: false }, { unusedSince: new Date(0) });
    await tracker.record({ ...misspelt, collections: [notFound], totals: totalsOf([notFound]) }, 'merge');
    expect(await snapshots.countDocuments({})).toBe(0);
    await tracker.record({ ...misspelt, collections: [...misspelt.collections, notFound] }, 'merge');
    const latest = await tracker.latest(DATABASE_ID);
    expect(latest.collections.map((c) => c.collection)).toEqual(['orders']);
    expect(latest.totals).toMatchObject({ collections: 1, not_found_collections: 0 });
    expect(published).toEqual([]);
  });

  it('events name the database, its project and whose compare it was, and what changed since the previous event', async () => {
    const user = { kind: 'user' as const, id: 'u1', name: 'ann', system_admin: false, projects: {} };
    // status_1 missing, extra_1 redundant; then extra_1 dropped and other_1 created; then everything fixed.
    await runAs(user, () => tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['extra']), 'replace'));
    await runAs(servicePrincipal('comparator'), () => tracker.record(resultAt('2026-11-01T00:10:00.000Z', ['other']), 'replace'));
    await runAs(user, () => tracker.record(resultAt('2026-11-01T00:20:00.000Z', ['status']), 'replace'));
    const [first, second, resolved] = published.map((p) => p.payload as Record<string, unknown>);
    expect(DriftDetected.safeParse(first).error).toBeUndefined();
    expect(first).toMatchObject({
      database_name: 'Shop (production)',
      project_id: 'p'.repeat(24),
      db_name: 'shop',
      actor: { kind: 'user', id: 'u1', name: 'ann' },
      totals: { missing: 1, redundant: 1, name_differs: 0 },
      since_previous: {
        appeared: [
          { collection: 'orders', index: 'status_1', change: 'missing' },
          { collection: 'orders', index: 'extra_1', change: 'redundant' },
        ],
        resolved: [],
      },
    });
    expect(second).toMatchObject({
      actor: { kind: 'service', id: 'comparator' },
      since_previous: {
        appeared: [{ collection: 'orders', index: 'other_1', change: 'redundant' }],
        resolved: [{ collection: 'orders', index: 'extra_1', change: 'redundant' }],
      },
    });
    expect(DriftResolved.safeParse(resolved).error).toBeUndefined();
    expect(resolved).toMatchObject({
      database_name: 'Shop (production)',
      actor: { kind: 'user', id: 'u1' },
      since_previous: {
        appeared: [],
        resolved: [
          { collection: 'orders', index: 'status_1', change: 'missing' },
          { collection: 'orders', index: 'other_1', change: 'redundant' },
        ],
      },
    });
  });

  it('knows what the previous event said from the stored snapshot, on another replica', async () => {
    await tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['extra']), 'replace');
    const other = new DriftTracker(new DriftSnapshotRepository(snapshots), {
      publish: async (contract: EventContract, payload: unknown, opts: { msgId: string }) => {
        published.push({ subject: contract.subject, payload, msgId: opts.msgId });
      },
    } as unknown as BusClient);
    await other.record(resultAt('2026-11-01T00:10:00.000Z', []), 'replace');
    expect(published.at(-1)?.payload).toMatchObject({
      since_previous: { appeared: [], resolved: [{ collection: 'orders', index: 'extra_1', change: 'redundant' }] },
    });
  });

  it('leaves since_previous out after a snapshot with drift stored before it was kept', async () => {
    await tracker.record(resultAt('2026-11-01T00:00:00.000Z', ['extra']), 'replace');
    await snapshots.updateOne({ _id: DATABASE_ID }, { $unset: { announced_changes: 1 } });
    const fresh = new DriftTracker(new DriftSnapshotRepository(snapshots), {
      publish: async (contract: EventContract, payload: unknown, opts: { msgId: string }) => {
        published.push({ subject: contract.subject, payload, msgId: opts.msgId });
      },
    } as unknown as BusClient);
    await fresh.record(resultAt('2026-11-01T00:10:00.000Z', ['other']), 'replace');
    expect(published).toHaveLength(2);
    expect(published[1].payload).not.toHaveProperty('since_previous');
    expect(published[1].payload).toMatchObject({ changes: expect.any(Array), fingerprint: expect.any(String) });
  });
});
