import type { JobLogger } from '@ir/platform';
import { PollPace } from './poll-pace';
import type { SourceCapture } from './source-capture';

export interface CaptureLoopOptions {
  /** Reads the entities again (the capture's view of them) before each poll. */
  readonly refreshEntities: () => Promise<void>;
  /**
   * The longest wait after a poll that read nothing (default 200 ms), reached by doubling from the source's
   * settle window after changes (PollPace); shorter when a change seen is about to become readable.
   */
  readonly idleMs?: number;
  /** After a failure (the source or PostgreSQL unreachable) the next try waits initial × 2^(n-1), at most `maxMs`. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Failing this long without one success ends the loop with the last error (the process's supervisor takes over). Default 10 minutes. */
  readonly maxOutageMs?: number;
  readonly logger?: JobLogger;
  /** Told after each poll, with the number of source changes it read: progress for metrics and tests. */
  readonly onPoll?: (read: number) => void;
}

/** Waits `ms`, or less if `signal` aborts; the abort listener goes with the wait (the loop sleeps thousands of times). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Runs a capture: start (its position and first scans), then polls for ever. A failure (PostgreSQL
 * restarting, the source unreachable) is retried with capped exponential backoff from the saved
 * position: it moves only after the oplog acknowledged a batch, so a retry neither loses nor reorders a
 * change. Ends when `signal` aborts, or throws after `maxOutageMs` without a success.
 */
export class CaptureLoop {
  constructor(
    private readonly capture: SourceCapture,
    private readonly options: CaptureLoopOptions,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const backoff = this.options.backoff ?? { initialMs: 200, maxMs: 5_000 };
    const maxOutageMs = this.options.maxOutageMs ?? 10 * 60_000;
    let started = false;
    let failures = 0;
    let failingSince: number | undefined;
    const pace = new PollPace(this.capture.settleMs(), this.options.idleMs ?? 200);
    while (!signal.aborted) {
      try {
        await this.options.refreshEntities();
        if (!started) {
          await this.capture.start();
          started = true;
        }
        const read = await this.capture.pollOnce();
        failures = 0;
        failingSince = undefined;
        this.options.onPoll?.(read);
        const wait = pace.next(read, this.capture.nextChangeInMs());
        if (wait > 0) await sleep(wait, signal);
      } catch (error) {
        // The next try starts again from the saved position: a PostgreSQL that lost its last acknowledged
        // commits (asynchronous commit, a failover) lost the position saved after them too, and going on
        // from the one in memory would skip what they held. Normally the two are equal and nothing is read twice.
        started = false;
        failures += 1;
        failingSince ??= Date.now();
        if (Date.now() - failingSince > maxOutageMs) throw error;
        const delayMs = Math.min(backoff.initialMs * 2 ** (failures - 1), backoff.maxMs);
        this.options.logger?.warn(
          // The error itself: the runner tells its kind (a typed reason on the source's entities) from its class.
          { failures, delay_ms: delayMs, error },
          'capture failed: retrying',
        );
        await sleep(delayMs, signal);
      }
    }
  }
}
