import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DriftSnapshotRepository } from '../drift/drift-snapshot.repository';
import { ScanLeaseRepository } from '../scan/scan-lease.repository';
import { exportFleetDrift } from './fleet-drift-metrics';
import { exportScanLag } from './scan-metrics';

/**
 * How often the drift snapshots are read for the per-database gauges. In the background, not at
 * scrape time: on FerretDB's SQLite backend, which reads whole documents, 1,000 snapshots took
 * 4.5–6 s on the busy development machine, more than a scrape should wait.
 */
const FLEET_REFRESH_MS = 15_000;
/** A read slower than this is given up; the gauges keep the last read until the next one. */
const FLEET_READ_LIMIT_MS = 30_000;
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
    void this.refresh();
    // A read slower than the interval is not queued behind: the next tick finds it done or skips.
    this.timer = setInterval(() => this.reading ?? void this.refresh(), FLEET_REFRESH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.reading;
    exportFleetDrift(undefined);
    exportScanLag(undefined);
  }

  /**
   * Reads the fleet's snapshots for the gauges, after any read under way (so what was stored before
   * this call is in it); a failed read keeps the last values.
   */
  refresh(): Promise<void> {
    const read: Promise<void> = (this.reading ?? Promise.resolve())
      .then(() => this.snapshots.fleetTotals(FLEET_READ_LIMIT_MS))
      .then(exportFleetDrift, (error: unknown) => this.logger.warn(`drift metrics not refreshed: ${String(error)}`))
      .finally(() => {
        if (this.reading === read) this.reading = undefined;
      });
    this.reading = read;
    return read;
  }
}
