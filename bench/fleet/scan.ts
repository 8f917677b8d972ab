import type { Collection, MongoClient } from 'mongodb';
import type { BenchContext } from '../context';
import { round } from '../load';

/** A released lease's next scan is an interval away (10 minutes by default, less 10% jitter): past this, its scan is done. */
const DONE_AFTER_MS = 60_000;
const POLL_MS = 1_000;
/** How long the compares under way may take to end once the scan is stopped (at 20,000 definitions on the loaded machine, 120 s was too short). */
const DRAIN_MS = 600_000;

interface LeaseDocument {
  _id: string;
  next_scan_at: Date;
  claimed_until: Date | null;
  claimed_by: string | null;
}

export interface ScanFigures {
  readonly replicas: number;
  readonly databases: number;
  readonly compared: number;
  /** Whether every database was compared before the cap. */
  readonly complete: boolean;
  readonly seconds: number;
  readonly databases_per_second: number;
  /** The whole fleet's scan time: measured when complete, else projected from the rate. */
  readonly total_seconds: number;
}

/**
 * Full scheduled scans, run by the comparator's own scheduler: every lease in `scan_leases` is made
 * due at once (straight in the comparator's store: the scheduler has no "scan now" command) and the
 * replicas claim them as they do every interval. A database is compared when its lease is released
 * with its next scan an interval away.
 */
export class FleetScan {
  private readonly leases: Collection<LeaseDocument>;

  constructor(ctx: BenchContext, store: MongoClient) {
    this.leases = store.db(`${ctx.dbPrefix}_comparator`).collection<LeaseDocument>('scan_leases');
  }

  /**
   * Puts every scheduled scan an hour away and waits for those under way to end, so that the
   * compares that registering the fleet scheduled do not run beside what is measured next.
   */
  async quiet(): Promise<void> {
    await this.leases.updateMany({}, { $set: { next_scan_at: new Date(Date.now() + 3_600_000) } });
    const until = Date.now() + DRAIN_MS;
    while ((await this.leases.countDocuments({ claimed_by: { $ne: null } })) > 0) {
      if (Date.now() > until) throw new Error(`compares still under way ${DRAIN_MS / 1000} s after the scans were put off`);
      await sleep(POLL_MS);
    }
  }

  /** Runs one full scan, with `during` started once it is under way; measured until done or `capMs`. */
  async run<T>(
    replicas: number,
    capMs: number,
    during?: () => Promise<T>,
  ): Promise<{ figures: ScanFigures; during?: T; overlapped: boolean }> {
    const databases = await this.leases.countDocuments({});
    const started = new Date();
    await this.leases.updateMany({}, { $set: { next_scan_at: started } });
    const t0 = performance.now();
    const compared = () =>
      this.leases.countDocuments({ claimed_by: null, next_scan_at: { $gt: new Date(started.getTime() + DONE_AFTER_MS) } });
    let side: Promise<T> | undefined;
    let overlapped = false;
    let done = 0;
    for (;;) {
      await sleep(POLL_MS);
      done = await compared();
      if (during && !side && done > 0) {
        side = during().then(async (value) => {
          overlapped = (await compared()) < databases;
          return value;
        });
      }
      if (done >= databases || performance.now() - t0 > capMs) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    const result = side ? await side : undefined;
    await this.quiet();
    const rate = done / seconds;
    return {
      figures: {
        replicas,
        databases,
        compared: done,
        complete: done >= databases,
        seconds: round(seconds),
        databases_per_second: round(rate),
        total_seconds: done >= databases ? round(seconds) : round(databases / Math.max(rate, 1e-9)),
      },
      during: result,
      overlapped,
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
