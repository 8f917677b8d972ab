import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import type { AuditConfig } from '../audit.config';
import { dayOf } from '../entries/audit-bucket';
import { AuditCalendarRepository } from '../entries/audit-calendar.repository';
import { AuditEntryRepository } from '../entries/audit-entry.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Entries deleted by one delete: small enough that no one delete holds the database for long. */
export const PRUNE_BATCH = 1_000;
/** Batches one run deletes at most; a larger backlog is worked off by the next runs. */
const MAX_BATCHES_PER_RUN = 100;

/**
 * The trail's retention: entries older than AUDIT_RETENTION_DAYS are deleted on a schedule, in
 * bounded batches. A TTL index would do this on MongoDB, but FerretDB 1.x has none, and this works on
 * both. Replicas may prune at the same time: deleting an entry twice deletes it once.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditRetention.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly calendar: AuditCalendarRepository,
    @Inject(SERVICE_CONFIG) private readonly config: AuditConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pruneInBackground(), this.config.AUDIT_PRUNE_INTERVAL);
    this.timer.unref();
    void this.pruneInBackground();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Deletes the entries recorded before the retention period that ends at `now`; answers how many. */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.AUDIT_RETENTION_DAYS * DAY_MS);
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const deleted = await this.entries.deleteOlderThan(cutoff, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH) {
        // Every entry before the cutoff is gone, so are those of the days before its day: a list walks them no more.
        await this.calendar.deleteBefore(dayOf(cutoff));
        break;
      }
    }
    if (total > 0) this.logger.log(`pruned ${total} audit entries recorded before ${cutoff.toISOString()}`);
    return total;
  }

  private async pruneInBackground(): Promise<void> {
    if (this.running) return;
    this.running = this.prune();
    try {
      await this.running;
    } catch (error) {
      this.logger.warn(`pruning old audit entries failed (next try in ${this.config.AUDIT_PRUNE_INTERVAL} ms): ${String(error)}`);
    } finally {
      this.running = undefined;
    }
  }
}
