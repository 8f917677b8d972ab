/**
 * The comparator's fleet-wide gauges on the test server (TEST_MONGODB_URI): per database, the counts
 * and the compare time of its stored snapshot, gone with the snapshot; the scan lag from the leases.
 */
import type { DriftTotals } from '@ir/contracts';
import { connectMongo, metricsRegistry } from '@ir/platform';
import type { Connection } from 'mongoose';
import { driftSnapshotModel, packResult, type DriftSnapshotModel } from '../drift/drift-snapshot.model';
import { DriftSnapshotRepository } from '../drift/drift-snapshot.repository';
import { scanClaimModel, scanLeaseModel, type ScanLeaseModel } from '../scan/scan-lease.model';
import { ScanLeaseRepository } from '../scan/scan-lease.repository';
import { ComparatorMetrics } from './comparator-metrics';

const PROJECT = 'a'.repeat(24);
const idOf = (n: number) => n.toString(16).padStart(24, '0');

async function values(name: string): Promise<{ labels: Record<string, string | number | undefined>; value: number }[]> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels: { ...labels }, value }));
}

describe('comparator metrics', () => {
  let connection: Connection;
  let snapshots: DriftSnapshotModel;
  let leases: ScanLeaseModel;
  let metrics: ComparatorMetrics;

  async function seed(n: number, comparedAt: Date, counts: Partial<DriftTotals>): Promise<void> {
    await snapshots.create({
      _id: idOf(n),
      version: 1,
      compared_at: comparedAt,
      result_deflated: packResult('{}'),
      result_hash: 'h',
      drift: true,
      fingerprint: 'f',
      project_id: PROJECT,
      database_name: `shop ${n}`,
      db_name: `shop${n}`,
      totals: {
        collections: 1,
        failed_collections: 0,
        not_found_collections: 0,
        missing: 0,
        matched: 0,
        name_differs: 0,
        redundant: 0,
        different: 0,
        ...counts,
      },
    });
  }

  beforeAll(async () => {
    connection = await connectMongo({ uri: process.env.TEST_MONGODB_URI!, dbName: `comparator_metrics_${process.pid}_${Date.now()}` });
    snapshots = driftSnapshotModel(connection);
    leases = scanLeaseModel(connection);
    metrics = new ComparatorMetrics(new DriftSnapshotRepository(snapshots), new ScanLeaseRepository(leases, scanClaimModel(connection)));
    metrics.onApplicationBootstrap();
  });
  afterAll(async () => {
    await metrics.onApplicationShutdown();
    await connection.dropDatabase();
    await connection.close();
  });

  it("export each database's counts and compare time, labelled by id, project and name, until its snapshot is deleted", async () => {
    const comparedAt = new Date(Date.UTC(2026, 11, 1, 12, 0, 0));
    await seed(1, comparedAt, { missing: 2, redundant: 1, different: 3, failed_collections: 1 });
    await seed(2, comparedAt, {});
    await metrics.refresh();
    const labels = { database_id: idOf(1), project_id: PROJECT, database: 'shop 1' };
    expect(await values('index_registry_drift_missing_indexes')).toEqual(
      expect.arrayContaining([
        { labels, value: 2 },
        { labels: { ...labels, database_id: idOf(2), database: 'shop 2' }, value: 0 },
      ]),
    );
    expect(await values('index_registry_drift_redundant_indexes')).toContainEqual({ labels, value: 1 });
    expect(await values('index_registry_drift_different_indexes')).toContainEqual({ labels, value: 3 });
    expect(await values('index_registry_drift_failed_collections')).toContainEqual({ labels, value: 1 });
    expect(await values('index_registry_drift_last_compare_timestamp_seconds')).toContainEqual({
      labels,
      value: comparedAt.getTime() / 1000,
    });

    await snapshots.deleteOne({ _id: idOf(1) });
    await metrics.refresh();
    const left = await values('index_registry_drift_missing_indexes');
    expect(left.map((v) => v.labels.database_id)).toEqual([idOf(2)]);
  });

  it('give the scan lag as the time the most overdue unclaimed scan has waited, and how many wait', async () => {
    const now = Date.now();
    await leases.create([
      { _id: idOf(1), next_scan_at: new Date(now - 90_000) },
      { _id: idOf(2), next_scan_at: new Date(now - 30_000) },
      // Claimed by a replica that runs it: not waiting.
      { _id: idOf(3), next_scan_at: new Date(now - 600_000), claimed_by: 'r', claimed_until: new Date(now + 60_000) },
      { _id: idOf(4), next_scan_at: new Date(now + 60_000) },
    ]);
    const [lag] = await values('index_registry_scan_lag_seconds');
    expect(lag.value).toBeGreaterThanOrEqual(90);
    expect(lag.value).toBeLessThan(120);
    expect(await values('index_registry_scans_waiting')).toEqual([{ labels: {}, value: 2 }]);

    await leases.deleteMany({ _id: { $in: [idOf(1), idOf(2)] } });
    expect(await values('index_registry_scan_lag_seconds')).toEqual([{ labels: {}, value: 0 }]);
  });
});
