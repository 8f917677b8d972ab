import { performance } from 'node:perf_hooks';
import type { CaptureLeaseAnswer } from '@ir/contracts';

/** The lease as entity-oplog keeps it (over the bus in the service, the repository itself in tests). */
export interface LeaseStore {
  acquire(holder: string, epoch: number | undefined, ttlMs: number): Promise<CaptureLeaseAnswer>;
  release(holder: string, epoch: number): Promise<unknown>;
}

export interface CaptureLeaseOptions {
  /** Unique per process. */
  readonly holder: string;
  readonly ttlMs: number;
  /** How often the holder renews (and a standby asks): well under the TTL, so a renewal or two may fail without losing it. */
  readonly renewMs: number;
  /** The lease was taken with this epoch: start capturing, every write carrying it. */
  readonly onAcquired: (epoch: number) => Promise<void> | void;
  /** The lease is no longer held (taken by another, not renewed in time, or stopping): stop writing. */
  readonly onLost: (reason: string) => Promise<void> | void;
  readonly logger?: { warn(message: string): void };
}

/** What the health says of the lease. */
export interface LeaseStatus {
  role: 'standby' | 'holding';
  holder: string;
  epoch?: number;
  /** Who holds it, as last answered (this process when holding). */
  current_holder?: string;
  error?: string;
}

/**
 * Keeps this capture's lease: asks every `renewMs` (a standby to take it once free or expired, the holder
 * to renew it). The holder also fences itself: it counts its lease as ending `ttlMs` after it sent the last
 * successful renewal (earlier than PostgreSQL's expiry, which starts when the request arrives), and once
 * that passes without a renewal it stops writing, even if entity-oplog cannot be reached to say so.
 * entity-oplog refuses a stale epoch anyway; this keeps a cut-off holder from retrying in vain.
 * Acquisitions and losses are handled one at a time, in order.
 */
export class CaptureLease {
  readonly status: LeaseStatus;
  private epoch: number | undefined;
  private timer?: NodeJS.Timeout;
  private deadline?: NodeJS.Timeout;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: CaptureLeaseOptions,
  ) {
    if (options.renewMs * 2 > options.ttlMs)
      throw new Error(`the lease renewal (${options.renewMs} ms) must be at most half its TTL (${options.ttlMs} ms)`);
    this.status = { role: 'standby', holder: options.holder };
  }

  start(): void {
    const tick = () => {
      this.serially(() => this.ask()).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.options.renewMs);
      });
    };
    tick();
  }

  /** Stops asking; a holder stops capturing, then releases the lease so another takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const epoch = this.epoch;
    await this.serially(() => this.lose('stopping'));
    if (epoch !== undefined) await this.store.release(this.options.holder, epoch).catch(() => undefined);
  }

  private async ask(): Promise<void> {
    if (this.stopped) return;
    const sentAt = performance.now();
    let answer: CaptureLeaseAnswer;
    try {
      answer = await this.store.acquire(this.options.holder, this.epoch, this.options.ttlMs);
    } catch (error) {
      this.status.error = error instanceof Error ? error.message : String(error);
      this.options.logger?.warn(`capture lease not ${this.epoch === undefined ? 'asked' : 'renewed'}: ${this.status.error}`);
      return; // the deadline, if holding, decides
    }
    delete this.status.error;
    this.status.current_holder = answer.holder;
    if (!answer.held) return this.lose(`held by ${answer.holder} (epoch ${answer.epoch})`);
    if (this.epoch !== answer.epoch) {
      await this.lose(`epoch ${answer.epoch} replaces ${this.epoch}`);
      this.epoch = answer.epoch;
      Object.assign(this.status, { role: 'holding', epoch: answer.epoch });
      await this.options.onAcquired(answer.epoch);
    }
    this.watch(sentAt + Math.min(this.options.ttlMs, answer.expires_in_ms) - performance.now());
  }

  /** Loses the lease locally once `ms` pass without another renewal. */
  private watch(ms: number): void {
    clearTimeout(this.deadline);
    const epoch = this.epoch;
    this.deadline = setTimeout(
      () => {
        if (this.epoch === epoch) void this.serially(() => this.lose(`not renewed within its ${this.options.ttlMs} ms TTL`));
      },
      Math.max(0, ms),
    );
  }

  private async lose(reason: string): Promise<void> {
    if (this.epoch === undefined) return;
    clearTimeout(this.deadline);
    this.epoch = undefined;
    this.status.role = 'standby';
    delete this.status.epoch;
    this.options.logger?.warn(`capture lease lost: ${reason}`);
    await this.options.onLost(reason);
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work).catch((error: unknown) => this.options.logger?.warn(`capture lease: ${String(error)}`));
    this.queue = next;
    return next;
  }
}
