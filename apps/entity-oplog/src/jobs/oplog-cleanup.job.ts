import type { Job } from '@ir/platform';
import type { OplogRepository } from '../oplog/oplog.repository';

/**
 * The oplog manager's clean-up, for its JobScheduler: entries of entities that no longer exist and
 * staged entries no scan will move, deleted in batches of `batchSize` (short transactions, no long
 * lock on the tables) until a batch comes back short or the run's signal is aborted.
 */
export class OplogCleanupJob implements Job {
  readonly name = 'oplog-cleanup';
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly backoff = { initialMs: 5_000 };
  /** What the last run deleted: for logs and the system statistics. */
  lastRun: { oplog: number; staging: number } | undefined;
  private readonly batchSize: number;

  constructor(
    private readonly oplog: OplogRepository,
    options: { intervalMs?: number; timeoutMs?: number; batchSize?: number } = {},
  ) {
    this.intervalMs = options.intervalMs ?? 15 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 5 * 60_000;
    this.batchSize = options.batchSize ?? 10_000;
  }

  async run(signal: AbortSignal): Promise<{ oplog: number; staging: number }> {
    const total = { oplog: 0, staging: 0 };
    for (;;) {
      signal.throwIfAborted();
      const deleted = await this.oplog.deleteOrphans(this.batchSize);
      total.oplog += deleted.oplog;
      total.staging += deleted.staging;
      if (deleted.oplog < this.batchSize && deleted.staging < this.batchSize) break;
    }
    this.lastRun = total;
    return total;
  }
}
