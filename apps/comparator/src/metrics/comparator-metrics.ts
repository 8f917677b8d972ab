import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DriftSnapshotRepository } from '../drift/drift-snapshot.repository';
import { ScanLeaseRepository } from '../scan/scan-lease.repository';
import { exportFleetDrift } from './fleet-drift-metrics';
import { exportScanLag } from './scan-metrics';

/**
 * The per-database gauges export the fleet overview's copy of the drift snapshots (in memory, kept by
 * the repository's writes); the copy is read again when it is older than this, unless the overview's
 * pages had it read since. In the background, not at scrape time: on FerretDB's SQLite backend,
 * which reads whole documents, 1,000 snapshots took 4.5–6 s on the busy development machine.
 */
const FLEET_REFRESH_MS = 15_000;
/** The scan lag is read at scrape time, on the leases' `due` index: well within a scrape's 10 s. */
const LAG_READ_LIMIT_MS = 3_000;

/** Connects the comparator's fleet-wide gauges to the collections they are read from. */
@Injectable()
export class ComparatorMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ComparatorMetrics.name);
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;

  constructor(
    private readonly snapshots: DriftSnapshotRepository,
    private readonly leases: ScanLeaseRepository,
  ) {}

  onApplicationBootstrap(): void {
    exportScanLag(() => this.leases.waiting(new Date(), LAG_READ_LIMIT_MS));
    exportFleetDrift(() => this.snapshots.fleet());
    void this.keepFresh(0);
    // A read slower than the interval is not queued behind: the next tick finds it done or skips.
    this.timer = setInterval(() => this.reading ?? void this.keepFresh(FLEET_REFRESH_MS), FLEET_REFRESH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.reading;
    exportFleetDrift(undefined);
    exportScanLag(undefined);
  }

  /** Reads the fleet's snapshots again, after any read under way (what was stored before this call is in it). */
  refresh(): Promise<void> {
    return this.keepFresh(0);
  }

  /** Reads the fleet's snapshots again if the copy is older than `maxAgeMs`; a failed read keeps the last values. */
  private keepFresh(maxAgeMs: number): Promise<void> {
    const read: Promise<void> = this.snapshots
      .refreshFleet(maxAgeMs)
      .catch((error: unknown) => this.logger.warn(`drift metrics not refreshed: ${String(error)}`))
      .finally(() => {
        if (this.reading === read) this.reading = undefined;
      });
    this.reading = read;
    return read;
  }
}
