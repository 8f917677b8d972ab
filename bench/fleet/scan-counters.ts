import { scrape, totalOf, type Scrape } from '../../test/support/metrics-scrape';
import { round } from '../load';

/** A comparator replica whose /metrics a scan is read from. */
export interface ComparatorEndpoint {
  readonly name: string;
  readonly url: string;
}

/**
 * What one replica did during a scan, from its counters: claims it won and lost to the other
 * replica, the scans it ran, the share of its workers' time spent in scans (claim to release; the
 * rest went to reading due leases, claiming, pausing for syncs, and waiting for the next round),
 * its pauses for foreground work, and its definitions cache's hits (a miss reads the database's
 * definitions from the registry).
 */
export interface ReplicaScanCounters {
  readonly claimed: number;
  readonly taken: number;
  readonly scans: number;
  readonly mean_scan_ms: number;
  readonly workers_busy: number;
  readonly pauses: number;
  readonly definitions_hits: number;
  readonly definitions_misses: number;
}

/** Reads every replica's scan counters now; `since` of the reading gives each one's share of what followed. */
export async function readScanCounters(replicas: readonly ComparatorEndpoint[]): Promise<ScanCounterReading> {
  return new ScanCounterReading(await Promise.all(replicas.map(async (r) => ({ name: r.name, url: r.url, scrape: await scrape(r.url) }))));
}

export class ScanCounterReading {
  constructor(private readonly readings: readonly { name: string; url: string; scrape: Scrape }[]) {}

  /** Each replica's counters from this reading to now, over a scan of `seconds` with `workers` compares at a time per replica. */
  async since(seconds: number, workers: number): Promise<Record<string, ReplicaScanCounters>> {
    const entries = await Promise.all(
      this.readings.map(async ({ name, url, scrape: before }) => {
        const after = await scrape(url);
        const delta = (metric: string, labels: Record<string, string> = {}) =>
          totalOf(after, metric, labels) - totalOf(before, metric, labels);
        const scans = delta('index_registry_scan_duration_seconds_count');
        const scanSeconds = delta('index_registry_scan_duration_seconds_sum');
        const counters: ReplicaScanCounters = {
          claimed: delta('index_registry_scan_claims_total', { result: 'claimed' }),
          taken: delta('index_registry_scan_claims_total', { result: 'taken' }),
          scans,
          mean_scan_ms: Math.round((scanSeconds * 1000) / Math.max(scans, 1)),
          workers_busy: round(scanSeconds / Math.max(seconds * workers, 1e-9)),
          pauses: delta('index_registry_scan_pauses_total'),
          definitions_hits: delta('index_registry_compare_cache_lookups_total', { cache: 'definitions', result: 'hit' }),
          definitions_misses: delta('index_registry_compare_cache_lookups_total', { cache: 'definitions', result: 'miss' }),
        };
        return [name, counters] as const;
      }),
    );
    return Object.fromEntries(entries);
  }
}

export function countersLine(counters: Record<string, ReplicaScanCounters>): string {
  return Object.entries(counters)
    .map(
      ([name, c]) =>
        `${name} ${c.scans} scans (mean ${c.mean_scan_ms} ms), claims ${c.claimed} won / ${c.taken} lost, workers ${Math.round(c.workers_busy * 100)}% busy, ${c.pauses} pauses, definitions cache ${c.definitions_hits} hits / ${c.definitions_misses} misses`,
    )
    .join('; ');
}
