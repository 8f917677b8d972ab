/**
 * The fleet overview on the test server (TEST_MONGODB_URI): scoping by the caller's projects,
 * filters, keyset paging, and the backfill of snapshots stored before the overview's fields.
 */
import { DomainError, ErrorCode, type CompareResult, type DriftTotals, type Principal } from '@ir/contracts';
import { runAs } from '@ir/messaging';
import { connectMongo } from '@ir/platform';
import { diffCollection } from '@ir/index-core';
import type { Connection } from 'mongoose';
import { Binary } from 'mongodb';
import { toComparison, totalsOf } from '../compare/comparison-view';
import { DriftOverviewBackfill } from './drift-overview-backfill';
import { driftSnapshotModel, packResult, type DriftSnapshotModel } from './drift-snapshot.model';
import { DriftSnapshotRepository } from './drift-snapshot.repository';
import { FleetDriftService } from './fleet-drift.service';

const P1 = '1'.repeat(24);
const P2 = '2'.repeat(24);
const idOf = (n: number) => n.toString(16).padStart(24, '0');
const viewerOf = (project: string): Principal => ({
  kind: 'user',
  id: `u${project[0]}`,
  name: 'ann',
  system_admin: false,
  projects: { [project]: 'viewer' },
});
const admin: Principal = { kind: 'user', id: 'root', name: 'root', system_admin: true, projects: {} };

function totals(partial: Partial<DriftTotals>): DriftTotals {
  return {
    collections: 2,
    failed_collections: 0,
    not_found_collections: 0,
    missing: 0,
    matched: 3,
    name_differs: 0,
    redundant: 0,
    different: 0,
    ...partial,
  };
}

describe('fleet drift overview', () => {
  let connection: Connection;
  let model: DriftSnapshotModel;
  let repository: DriftSnapshotRepository;
  let fleet: FleetDriftService;

  /** A snapshot as the tracker stores it, with the overview's fields. */
  async function seed(n: number, project: string | null, drift: boolean, counts: Partial<DriftTotals>): Promise<void> {
    await model.create({
      _id: idOf(n),
      version: 1,
      compared_at: new Date(Date.UTC(2026, 10, 1, 0, n)),
      result_deflated: packResult('{}'),
      result_hash: 'h',
      drift,
      fingerprint: 'f',
      project_id: project,
      database_name: `Shop ${n}`,
      db_name: `shop${n}`,
      totals: totals(counts),
    });
  }

  const page = (principal: Principal, query: Partial<Parameters<FleetDriftService['page']>[0]> = {}) =>
    runAs(principal, () => fleet.page({ limit: 50, ...query }));

  beforeAll(async () => {
    connection = await connectMongo({ uri: process.env.TEST_MONGODB_URI!, dbName: `comparator_fleet_${process.pid}_${Date.now()}` });
    model = driftSnapshotModel(connection);
    repository = new DriftSnapshotRepository(model);
    fleet = new FleetDriftService(repository);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });
  beforeEach(async () => {
    await model.deleteMany({});
    await seed(1, P1, true, { missing: 2, redundant: 1 });
    await seed(2, P1, false, {});
    await seed(3, P1, false, { failed_collections: 1 });
    await seed(4, P2, true, { different: 1, failed_collections: 1 });
    await seed(5, P2, false, { name_differs: 1 });
    await seed(6, null, true, { missing: 1 });
  });

  it('lists the databases of the projects where the caller reads drift, with their counts and nothing of the body', async () => {
    const { items, next_after } = await page(viewerOf(P1));
    expect(items.map((i) => i.database_id)).toEqual([idOf(1), idOf(2), idOf(3)]);
    expect(items[0]).toEqual({
      database_id: idOf(1),
      database_name: 'Shop 1',
      project_id: P1,
      db_name: 'shop1',
      drift: true,
      failed: false,
      totals: totals({ missing: 2, redundant: 1 }),
      compared_at: '2026-11-01T00:01:00.000Z',
    });
    expect(next_after).toBeNull();
    const rows = await repository.overviewPage({ all: true }, {}, 10);
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row).not.toHaveProperty('result_deflated');
  });

  it('shows another project nothing of these, and its own project_id is a 404 to a stranger', async () => {
    expect((await page(viewerOf(P2))).items.map((i) => i.database_id)).toEqual([idOf(4), idOf(5)]);
    expect((await page(viewerOf('3'.repeat(24)))).items).toEqual([]);
    const error = await page(viewerOf(P2), { project_id: P1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.notFound);
    expect((await page(admin, { project_id: P2 })).items.map((i) => i.database_id)).toEqual([idOf(4), idOf(5)]);
  });

  it('lists a snapshot stored before projects only to a caller of every project', async () => {
    expect((await page(admin)).items.map((i) => i.database_id)).toContain(idOf(6));
    expect((await page(viewerOf(P1))).items.map((i) => i.database_id)).not.toContain(idOf(6));
  });

  it('filters by drift state: drifted, failed (overlapping drifted), in_sync', async () => {
    const ids = async (state: 'drifted' | 'failed' | 'in_sync') => (await page(admin, { state })).items.map((i) => i.database_id);
    expect(await ids('drifted')).toEqual([idOf(1), idOf(4), idOf(6)]);
    expect(await ids('failed')).toEqual([idOf(3), idOf(4)]);
    expect(await ids('in_sync')).toEqual([idOf(2), idOf(5)]);
    expect((await page(viewerOf(P2), { state: 'failed' })).items).toMatchObject([{ database_id: idOf(4), failed: true, drift: true }]);
  });

  it('pages by database id with a cursor, to the end', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const { items, next_after } = await page(admin, { limit: 4, after });
      seen.push(...items.map((i) => i.database_id));
      if (next_after === null) break;
      expect(next_after).toBe(items.at(-1)?.database_id);
      after = next_after;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6].map(idOf));
    expect(await page(admin, { limit: 2, after: idOf(2), state: 'drifted' })).toMatchObject({
      items: [{ database_id: idOf(4) }, { database_id: idOf(6) }],
      next_after: null,
    });
  });

  it('counts once, from the body, a snapshot stored before the overview, and skips one whose body cannot be read', async () => {
    const entries = [
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { extra: 1 }, name: 'extra_1' },
    ];
    const collections = [
      toComparison(
        diffCollection('orders', [{ name: 'status_1', keys: [{ field: 'status', value: 1 }] }], entries),
        { exists: true },
        { unusedSince: new Date(0) },
      ),
    ];
    const body: Omit<CompareResult, 'compared_at'> = {
      database_id: idOf(7),
      database_name: 'Legacy',
      project_id: P1,
      db_name: 'legacy',
      source: 'live',
      usage: { supported: false },
      totals: totalsOf(collections),
      collections,
    };
    const legacy = { version: 3, compared_at: new Date(), result_hash: 'h', drift: true, fingerprint: 'f' };
    await model.collection.insertOne({ _id: idOf(7) as never, ...legacy, result_deflated: packResult(JSON.stringify(body)) });
    await model.collection.insertOne({ _id: idOf(8) as never, ...legacy, result_deflated: new Binary(Buffer.from('not deflate')) });
    expect((await page(viewerOf(P1))).items.map((i) => i.database_id)).not.toContain(idOf(7));

    const backfill = new DriftOverviewBackfill(repository);
    expect(await backfill.run()).toBe(1);
    expect((await page(viewerOf(P1))).items.at(-1)).toMatchObject({
      database_id: idOf(7),
      database_name: 'Legacy',
      db_name: 'legacy',
      totals: { missing: 1, redundant: 1, matched: 0 },
    });
    expect((await model.findById(idOf(7)).lean())?.version).toBe(3);
    expect(await backfill.run()).toBe(0);
  });
});
