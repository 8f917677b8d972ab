import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AuditCalendarRepository } from './audit-calendar.repository';
import { AuditEntryRepository } from './audit-entry.repository';

/** How often a replica that has not seen the backfill finish reads its mark again (by `_id`). */
const RECHECK_MS = 10_000;
/** Batches one start files at most: a trail of a million entries; a longer one continues at the next start. */
const MAX_BATCHES = 2_000;

/**
 * Gives the entries stored before buckets existed (audit-bucket.ts) their bucket, in batches, in
 * the background at start, recording them in the calendar first; then marks the trail backfilled. Until the
 * mark is there, lists read by the indexes on `at` as before, so no entry is missed meanwhile.
 * Entries stored from now on are filed as they are stored. Replicas may backfill at once: filing an
 * entry twice files it once.
 */
@Injectable()
export class AuditBucketBackfill implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditBucketBackfill.name);
  private backfilled = false;
  private checkedAt = 0;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly calendar: AuditCalendarRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run().catch((error: unknown) => {
      this.logger.warn(
        `filing older audit entries in buckets failed (lists read them the slow way until a restart finishes it): ${String(error)}`,
      );
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Whether every entry has its bucket: read again by `_id` at most every RECHECK_MS until it has. */
  async done(): Promise<boolean> {
    if (this.backfilled || Date.now() - this.checkedAt < RECHECK_MS) return this.backfilled;
    this.checkedAt = Date.now();
    this.backfilled = await this.calendar.isBackfilled();
    return this.backfilled;
  }

  /** Files every entry without a bucket, then sets the mark; answers when done or stopped. */
  async run(): Promise<void> {
    if (await this.calendar.isBackfilled()) {
      this.backfilled = true;
      return;
    }
    let filed = 0;
    for (let batch = 0; batch < MAX_BATCHES && !this.stopping; batch += 1) {
      const unfiled = await this.entries.entriesWithoutBucket();
      if (unfiled.length === 0) {
        await this.calendar.markBackfilled();
        this.backfilled = true;
        if (filed > 0) this.logger.log(`filed ${filed} older audit entries in their buckets`);
        return;
      }
      // The calendar before the entries: a list finds a bucket only through it.
      for (const entry of unfiled) await this.calendar.record(entry.project_id, entry.at);
      await this.entries.fileInBuckets(unfiled);
      filed += unfiled.length;
    }
  }
}
