import { metricsRegistry } from '@ir/platform';
import { Gauge } from 'prom-client';
import type { OverviewRow } from '../drift/drift-snapshot.repository';

/**
 * Per database, the counts of its latest comparison, from the drift snapshots that every comparator
 * replica shares, as the fleet overview's copy in memory holds them (`ComparatorMetrics` keeps it
 * read): each replica
 * exports the same fleet view, so queries take `max by (database_id, project_id, database)` over
 * the replicas. A database deleted from the registry loses its snapshot, and so its series after
 * the next read. One series per database and gauge: the labels are the database's id, its project
 * and its name (one name per database).
 */
const LABELS = ['database_id', 'project_id', 'database'] as const;

/** Where the rows come from at scrape time (no I/O), or undefined: export none. */
let fleet: (() => readonly OverviewRow[] | undefined) | undefined;

function perDatabase(name: string, help: string, valueOf: (row: OverviewRow) => number): Gauge<(typeof LABELS)[number]> {
  return new Gauge({
    name,
    help,
    labelNames: LABELS,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      for (const row of fleet?.() ?? []) {
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

/** What the per-database gauges export from now on: the rows `source` gives at each scrape; undefined exports none. */
export function exportFleetDrift(source: (() => readonly OverviewRow[] | undefined) | undefined): void {
  fleet = source;
}
