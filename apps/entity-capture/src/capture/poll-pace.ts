/**
 * How long a capture waits before its next poll. A change seen but held back (FerretDB's settle window)
 * is read the moment it settles: polling more often than the window reads nothing sooner, since a change
 * seen before it settles is read when it does. So after a poll that found changes, the next comes after
 * `activeMs` (the window), and each poll that finds nothing doubles the wait up to `idleMs`: an idle
 * source costs few polls, a busy one is seen within the window.
 */
/** The shortest wait after a poll that found nothing (with no settle window, changes are followed at once). */
const BACKOFF_FLOOR_MS = 25;

export class PollPace {
  private waitMs: number;

  constructor(
    private readonly activeMs: number,
    private readonly idleMs: number,
  ) {
    this.waitMs = idleMs;
  }

  /**
   * The wait after a poll that read `read` changes, when the next change the source held back becomes
   * readable in `nextChangeInMs` (0: at once, as after a full batch; undefined: none held back).
   */
  next(read: number, nextChangeInMs: number | undefined): number {
    if (read === 0 && nextChangeInMs === undefined) {
      const wait = this.waitMs;
      this.waitMs = Math.min(this.idleMs, Math.max(BACKOFF_FLOOR_MS, this.waitMs * 2));
      return wait;
    }
    this.waitMs = this.activeMs;
    return Math.min(nextChangeInMs ?? this.activeMs, this.idleMs);
  }
}
