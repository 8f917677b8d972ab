import { metricsRegistry } from '@ir/platform';
import { Gauge } from 'prom-client';
import type { MetricsRow } from '../drift/drift-snapshot.repository';

/**
 * Per database, the counts of its latest comparison, read from the drift snapshots that every
 * comparator replica shares: each replica exports the same fleet view, so queries take
 * `max by (database_id, project_id, database)` over the replicas. A database deleted from the
 * registry loses its snapshot, and so its series at the next scrape. One series per database
 * and gauge: the labels are the database's id, its project and its name (one name per database).
 */
const LABELS = ['database_id', 'project_id', 'database'] as const;

/** One read of the snapshots serves every gauge of a scrape (and any scrape this soon after). */
const READ_REUSE_MS = 5_000;

let readFleet: (() => Promise<MetricsRow[]>) | undefined;
let lastRead: { at: number; rows: Promise<MetricsRow[] | undefined> } | undefined;

/** The fleet's snapshots, or undefined when they cannot be read now (a scrape then keeps the last values). */
function fleetRows(): Promise<MetricsRow[] | undefined> {
  if (!readFleet) return Promise.resolve(undefined);
  if (!lastRead || Date.now() - lastRead.at > READ_REUSE_MS) {
    lastRead = { at: Date.now(), rows: readFleet().catch(() => undefined) };
  }
  return lastRead.rows;
}

function perDatabase(name: string, help: string, valueOf: (row: MetricsRow) => number): Gauge<(typeof LABELS)[number]> {
  return new Gauge({
    name,
    help,
    labelNames: LABELS,
    registers: [metricsRegistry],
    async collect() {
      const rows = await fleetRows();
      if (!rows) return;
      this.reset();
      for (const row of rows) {
        this.set({ database_id: row._id, project_id: row.project_id ?? '', database: row.database_name ?? '' }, valueOf(row));
      }
    },
  });
}

perDatabase(
  'index_registry_drift_missing_indexes',
  'Indexes the DR defines that the database lacks, at its latest compare',
  (r) => r.totals.missing,
);
perDatabase(
  'index_registry_drift_redundant_indexes',
  'Indexes the database has that the DR does not define, at its latest compare',
  (r) => r.totals.redundant,
);
perDatabase(
  'index_registry_drift_different_indexes',
  'Indexes whose options differ between the DR and the database, at its latest compare',
  (r) => r.totals.different,
);
perDatabase(
  'index_registry_drift_failed_collections',
  'Collections whose indexes could not be read at the database latest compare',
  (r) => r.totals.failed_collections,
);
perDatabase(
  'index_registry_drift_last_compare_timestamp_seconds',
  'When the database was last compared (Unix seconds); its age is time() minus this',
  (r) => new Date(r.compared_at).getTime() / 1000,
);

/** Where the per-database gauges read the fleet from; undefined stops exporting it. */
export function exportFleetDrift(read: (() => Promise<MetricsRow[]>) | undefined): void {
  readFleet = read;
  lastRead = undefined;
}
