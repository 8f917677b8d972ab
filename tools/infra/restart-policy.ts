/**
 * When a supervised process that died is started again, and when the supervisor stops trying.
 * `make start` uses `DEFAULT_RESTART_POLICY`; tests pass shorter times.
 */
export interface RestartPolicy {
  /** Wait before the first restart after a quiet period. */
  readonly initialDelayMs: number;
  /** The wait doubles with each crash in the window, up to this. */
  readonly maxDelayMs: number;
  /**
   * Each wait is moved by up to this fraction either way, so that processes that died together
   * (NATS went away under all of them) do not all come back in the same instant.
   */
  readonly jitterRatio: number;
  /** This many crashes within `crashWindowMs` and the process is given up... */
  readonly maxCrashes: number;
  /** ...and a crash older than this no longer counts, neither for giving up nor for the wait. */
  readonly crashWindowMs: number;
}

/**
 * A service that crashes five times within a minute is broken, not unlucky (a bad configuration,
 * a port taken, a corrupt store): restarting it forever would only fill its log. Waits of 0.5, 1, 2
 * and 4 s before the 2nd to 5th try leave a crash loop about 8 s of restarts before it is given up.
 */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  jitterRatio: 0.2,
  maxCrashes: 5,
  crashWindowMs: 60_000,
};

/**
 * The wait before restarting after the `crashesInWindow`-th recent crash (1 for the first):
 * exponential from `initialDelayMs`, capped at `maxDelayMs`, jittered. `random` returns [0, 1).
 */
export function restartDelayMs(crashesInWindow: number, policy: RestartPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, crashesInWindow - 1);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  const jitter = base * policy.jitterRatio * (2 * random() - 1);
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(base + jitter)));
}

/** The crashes of one process within the policy's window, oldest first. */
export class CrashWindow {
  private readonly times: number[] = [];

  constructor(private readonly windowMs: number) {}

  /** Records a crash at `now` and answers how many crashes the window holds, this one included. */
  record(now: number): number {
    this.times.push(now);
    while (this.times.length > 0 && this.times[0] <= now - this.windowMs) this.times.shift();
    return this.times.length;
  }
}
