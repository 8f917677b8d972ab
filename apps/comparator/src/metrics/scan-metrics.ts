import { metricsRegistry } from '@ir/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

/** A compare's outcome: `ok`, or `failed` when it gave no result (the target or the registry could not be had). */
export type CompareOutcome = 'ok' | 'failed';

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Every live compare this replica ran: asked for (compare, plan, script) or scheduled. */
export const compareDuration = new Histogram({
  name: 'index_registry_compare_duration_seconds',
  help: 'Live compares of a database (reading its indexes and the DR, diffing, recording the drift), by outcome',
  labelNames: ['outcome'] as const,
  buckets: DURATION_BUCKETS,
  registers: [metricsRegistry],
});

/** Scheduled scans: the compare and the release of the database's lease. */
export const scanDuration = new Histogram({
  name: 'index_registry_scan_duration_seconds',
  help: 'Scheduled drift scans of a database from claim to release, by outcome of the compare',
  labelNames: ['outcome'] as const,
  buckets: DURATION_BUCKETS,
  registers: [metricsRegistry],
});

/**
 * Claims of due leases, by result: `claimed`, or `taken` when another replica claimed the lease
 * first (each a wasted round trip to the store): how much replicas collide over the same leases.
 */
export const scanClaims = new Counter({
  name: 'index_registry_scan_claims_total',
  help: 'Claims of due scan leases by this replica, by result: claimed, or taken (another replica claimed the lease first)',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

/** 1 while this replica's scheduled compares pause for foreground work (syncs, compares asked for), else 0. */
export const scansYielding = new Gauge({
  name: 'index_registry_scan_yielding',
  help: "1 while this replica's scheduled compares pause for foreground work (running syncs, compares, plans and scripts asked for)",
  registers: [metricsRegistry],
});

/** Pauses of the scheduled compares, by how they ended: the foreground work ended (`quiet`) or the pause reached DRIFT_SCAN_YIELD_MAX (`bound`). */
export const scanPauses = new Counter({
  name: 'index_registry_scan_pauses_total',
  help: 'Pauses of the scheduled compares for foreground work, by how they ended: quiet (the work ended) or bound (DRIFT_SCAN_YIELD_MAX reached)',
  labelNames: ['ended'] as const,
  registers: [metricsRegistry],
});

/** The scans due that no replica runs yet, as the shared leases say: the same on every replica. */
export interface WaitingScans {
  readonly count: number;
  readonly oldestDueAt?: Date;
}

let readWaiting: (() => Promise<WaitingScans>) | undefined;

async function waiting(): Promise<WaitingScans | undefined> {
  return readWaiting?.().catch(() => undefined);
}

new Gauge({
  name: 'index_registry_scan_lag_seconds',
  help: 'How long the most overdue scheduled scan has been due without a replica running it (0 when none is waiting)',
  registers: [metricsRegistry],
  async collect() {
    const scans = await waiting();
    if (scans) this.set(scans.oldestDueAt ? Math.max(0, (Date.now() - scans.oldestDueAt.getTime()) / 1000) : 0);
  },
});

new Gauge({
  name: 'index_registry_scans_waiting',
  help: 'Scheduled scans that are due and that no replica is running',
  registers: [metricsRegistry],
  async collect() {
    const scans = await waiting();
    if (scans) this.set(scans.count);
  },
});

/** Where the scan lag gauges read the leases from; undefined stops exporting them. */
export function exportScanLag(read: (() => Promise<WaitingScans>) | undefined): void {
  readWaiting = read;
}

/**
 * Lookups in the comparator's caches (`definitions`: a database's resolved DR definitions,
 * COMPARE_CACHED_DEFINITIONS; `collections`: a collection's last comparison, COMPARE_MEMO_COLLECTIONS),
 * by whether they hit: what the memory they hold buys, and whether their bounds fit the fleet.
 */
export const cacheLookups = new Counter({
  name: 'index_registry_compare_cache_lookups_total',
  help: "Lookups in the comparator's caches (definitions: resolved DR definitions per database; collections: last comparisons), by result (hit, miss)",
  labelNames: ['cache', 'result'] as const,
  registers: [metricsRegistry],
});
