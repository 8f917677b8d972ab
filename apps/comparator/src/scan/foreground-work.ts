import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import type { ComparatorConfig } from '../comparator.config';
import { scanPauses, scansYielding } from '../metrics/scan-metrics';

/**
 * After a pause that reached its bound, scheduled compares run this many times as long before they
 * pause again: under constant foreground work a scan still gets two thirds of the time.
 */
const RUN_AFTER_PAUSE_FACTOR = 2;

export type YieldSettings = Pick<ComparatorConfig, 'DRIFT_SCAN_YIELD' | 'DRIFT_SCAN_YIELD_MAX'>;

/**
 * What runs in the foreground (syncs, and compares, plans and scripts asked of this replica), and
 * the turn scheduled compares take around it: they wait while it runs, so that a sync's plan, its
 * target reads and writes and the registry it asks do not queue behind a scan on a small machine.
 * The wait is bounded twice: a pause lasts at most DRIFT_SCAN_YIELD_MAX, and a sync whose end event
 * was lost is forgotten that long after it was last heard of.
 */
@Injectable()
export class ForegroundWork {
  private requests = 0;
  /** Running syncs heard of, by id: until when each is taken as running without another event. */
  private readonly syncs = new Map<string, number>();
  /** When the current pause began: shared by every scheduled compare waiting in it. */
  private pausedSince?: number;
  /** After a pause that reached its bound, scans run until then without yielding. */
  private runUntil = 0;
  private wakers = new Set<() => void>();

  constructor(@Inject(SERVICE_CONFIG) private readonly settings: YieldSettings) {}

  /** A compare, plan or script asked for runs in the foreground until the returned function is called. */
  begin(): () => void {
    this.requests += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.requests -= 1;
      this.wake();
    };
  }

  /** A sync is running (its start or progress was heard of). */
  syncRunning(syncId: string): void {
    this.syncs.set(syncId, Date.now() + this.settings.DRIFT_SCAN_YIELD_MAX);
  }

  /** A sync ended, or waits for someone (an approval): it no longer runs. */
  syncEnded(syncId: string): void {
    if (this.syncs.delete(syncId)) this.wake();
  }

  /** Whether foreground work runs now; syncs not heard of for too long are forgotten. */
  busy(): boolean {
    const now = Date.now();
    for (const [id, until] of this.syncs) if (until <= now) this.syncs.delete(id);
    return this.requests > 0 || this.syncs.size > 0;
  }

  /**
   * Scheduled work calls this before each step (a claim, a collection's read): it resolves at once
   * when nothing runs in the foreground, else once that ends or the pause has lasted its bound.
   */
  async turn(): Promise<void> {
    if (!this.settings.DRIFT_SCAN_YIELD) return;
    for (;;) {
      const now = Date.now();
      if (now < this.runUntil) return;
      if (!this.busy()) return this.endPause('quiet');
      if (this.pausedSince === undefined) {
        this.pausedSince = now;
        scansYielding.set(1);
      }
      const bound = this.pausedSince + this.settings.DRIFT_SCAN_YIELD_MAX;
      if (now >= bound) {
        this.runUntil = now + RUN_AFTER_PAUSE_FACTOR * this.settings.DRIFT_SCAN_YIELD_MAX;
        return this.endPause('bound');
      }
      await this.sleep(Math.min(bound, this.nextExpiry()) - now);
    }
  }

  private endPause(ended: 'quiet' | 'bound'): void {
    if (this.pausedSince === undefined) return;
    this.pausedSince = undefined;
    scansYielding.set(0);
    scanPauses.inc({ ended });
  }

  /** When the first running sync is forgotten unless heard of again. */
  private nextExpiry(): number {
    return Math.min(Infinity, ...this.syncs.values());
  }

  /** Until `ms` have passed or the foreground may have ended, whichever is first. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.wakers.add(done);
    });
  }

  private wake(): void {
    if (this.busy()) return;
    const wakers = [...this.wakers];
    this.wakers = new Set();
    for (const waker of wakers) waker();
  }
}
