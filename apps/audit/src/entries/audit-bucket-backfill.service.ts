import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import type { AuditConfig } from '../audit.config';
import { AuditCalendarRepository } from './audit-calendar.repository';
import { AuditEntryRepository } from './audit-entry.repository';

/** How often a replica that has not seen the backfill finish reads its mark again (by `_id`). */
const RECHECK_MS = 10_000;
/** Batches the sweep at start files at most (one read of the trail): a million entries; a longer one continues at the next sweeps. */
const START_BATCHES = 2_000;
/** Batches a periodic sweep files at most, and how long it goes on starting them: a sweep never holds the store for long. */
const SWEEP_BATCHES = 20;
const SWEEP_BUDGET_MS = 30_000;

/**
 * Gives the entries without a bucket, minute or second (audit-bucket.ts) theirs, in batches, recording
 * them in the calendar first: at start, those stored before the merged lane existed, then marks
 * the trail backfilled (until a replica sees the mark, lists read by the indexes on `at`, so no
 * entry is missed meanwhile). Then every AUDIT_BUCKET_SWEEP_INTERVAL, bounded and time-limited,
 * those an older replica stored meanwhile (during a rolling upgrade), which keyset pages miss until
 * they are filed. Entries stored by this version are filed as they are stored. Replicas may sweep
 * at once: filing an entry twice files it once.
 */
@Injectable()
export class AuditBucketBackfill implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditBucketBackfill.name);
  private backfilled = false;
  private bucketsFiled = false;
  private secondsFiled = false;
  private checkedAt = 0;
  private secondsCheckedAt = 0;
  private running?: Promise<unknown>;
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly calendar: AuditCalendarRepository,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<AuditConfig, 'AUDIT_BUCKET_SWEEP_INTERVAL'>,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepInBackground(START_BATCHES, Infinity);
    this.timer = setInterval(() => this.sweepInBackground(SWEEP_BATCHES, SWEEP_BUDGET_MS), this.config.AUDIT_BUCKET_SWEEP_INTERVAL);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Whether every entry stored before this version has its bucket: read again by `_id` at most every RECHECK_MS until it has. */
  async done(): Promise<boolean> {
    if (this.backfilled || Date.now() - this.checkedAt < RECHECK_MS) return this.backfilled;
    this.checkedAt = Date.now();
    this.backfilled = await this.calendar.isBackfilled();
    return this.backfilled;
  }

  /**
   * Whether every entry has its bucket, so one project's pages may read its buckets while the
   * merged lane waits for done(): the mark of the version before, read by `_id` until done().
   */
  async bucketsDone(): Promise<boolean> {
    if (this.bucketsFiled || (await this.done())) return true;
    this.bucketsFiled = await this.calendar.areBucketsBackfilled();
    return this.bucketsFiled;
  }

  /**
   * Whether every entry stored before split minutes has its second, so a walk may read a split
   * minute by its seconds (until then it reads it whole): read by `_id` at most every RECHECK_MS.
   */
  async secondsDone(): Promise<boolean> {
    if (this.secondsFiled || Date.now() - this.secondsCheckedAt < RECHECK_MS) return this.secondsFiled;
    this.secondsCheckedAt = Date.now();
    this.secondsFiled = await this.calendar.areSecondsBackfilled();
    return this.secondsFiled;
  }

  /**
   * Files the entries without a bucket, in one read of the trail, at most `maxBatches` batches and
   * starting none after `budgetMs`; sets the mark when it read to the end. Answers how many it filed.
   */
  async sweep(maxBatches = SWEEP_BATCHES, budgetMs = SWEEP_BUDGET_MS): Promise<number> {
    const started = Date.now();
    let [filed, batches, complete] = [0, 0, true];
    for await (const unfiled of this.entries.unfiled()) {
      if (batches >= maxBatches || this.stopping || Date.now() - started >= budgetMs) {
        complete = false;
        break;
      }
      // The calendar before the entries: a list finds a bucket only through it.
      await this.calendar.recordAll(unfiled);
      await this.entries.fileInBuckets(unfiled);
      [filed, batches] = [filed + unfiled.length, batches + 1];
    }
    if (complete && !this.secondsFiled) {
      await this.calendar.markBackfilled();
      [this.backfilled, this.secondsFiled] = [true, true];
    }
    if (filed > 0) this.logger.log(`filed ${filed} audit entries stored without a bucket in their buckets`);
    return filed;
  }

  /** One sweep unless one is under way (a slow store must not pile them up). */
  private sweepInBackground(maxBatches: number, budgetMs: number): void {
    if (this.running) return;
    this.running = this.sweep(maxBatches, budgetMs)
      .catch((error: unknown) => {
        this.logger.warn(`filing audit entries in buckets failed (the next sweep goes on): ${String(error)}`);
      })
      .finally(() => (this.running = undefined));
  }
}
