import { Logger } from '@nestjs/common';
import type { BusClient } from '@ir/messaging';
import { describeError } from './sync-error';
import { SyncAudit } from './sync-audit';
import { SyncEventPublisher, type SyncEventKind } from './sync-events';
import { SyncLocks } from './sync-locks';
import { syncDuration, syncFailures, syncOutcomes } from './sync-metrics';
import type { StoredStep, SyncDocument, SyncStatus } from './sync.model';
import { SyncRepository } from './sync.repository';
import type { SyncSettings } from './sync-settings';
import { progressOf } from './sync-view';

export type EndStatus = Extract<SyncStatus, 'completed' | 'partially_failed' | 'failed' | 'cancelled'>;
const EVENT_OF: Record<EndStatus, SyncEventKind> = {
  completed: 'completed',
  partially_failed: 'partiallyFailed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The lock was taken over while this executor ran the sync: whoever took it has already failed the sync. */
export class LockLost extends Error {}

/** A sync being run: the record as this executor last wrote it. */
export interface Run {
  readonly id: string;
  readonly databaseId: string;
  doc: SyncDocument;
  steps: StoredStep[];
  startedAt: Date;
  lastRefresh: number;
  /** When the steps were last written to the sync's record. */
  lastSaved: number;
  /** When progress was last published. */
  lastPublished: number;
  lockLost: boolean;
  /** Aborted when someone asks to cancel the sync. */
  readonly cancel: AbortController;
  /** The record's and the progress' writes after steps, in order, while the next steps run (`SyncRunBooks.afterStep`). */
  books?: Promise<void>;
  /** Set when a step fails with `on_error: stop`, or the target is away: the step that stopped the sync. */
  stoppedBy?: { readonly step: StoredStep; readonly why: string; readonly targetAway: boolean };
}

/**
 * Step results are written at most this often, and always at the end: the
 * record holds every step, and rewriting it after every step made a sync of
 * hundreds of small steps mostly bookkeeping. A crash loses at most this much
 * record; the resumed run finds those steps already done on the target.
 */
const SAVE_INTERVAL_MS = 1000;
/**
 * Progress events keep a progress bar moving between writes of the record. Small, but each costs the
 * executor, NATS and every gateway a message: at 250 ms they were, with the record's writes, most of
 * the executor's CPU for a sync of 200 creates on a loaded machine (where steps take longest).
 */
const PUBLISH_INTERVAL_MS = 500;

/**
 * What a running sync tells the world, apart from the target: its record, its database's lock, its
 * events, its metrics and its audit entries. The executor decides; this keeps the books.
 */
export class SyncRunBooks {
  private readonly logger = new Logger(SyncRunBooks.name);
  private readonly events: SyncEventPublisher;
  readonly audit: SyncAudit;

  constructor(
    private readonly syncs: SyncRepository,
    private readonly locks: SyncLocks,
    bus: BusClient,
    private readonly settings: SyncSettings,
  ) {
    this.events = new SyncEventPublisher(bus);
    this.audit = new SyncAudit(bus);
  }

  /** Says that the sync started: its event and its audit entry, together (after the lock is held). */
  async announceStart(run: Run): Promise<void> {
    await Promise.all([this.publish('started', run, 'running', null), this.audit.started(run.doc)]);
  }

  /**
   * After planning: the plan's steps are stored while the first steps run, so that the target's first
   * createIndexes does not wait for the store's write. A crash before it lands leaves the sync
   * unplanned: the run delivered again plans anew, and finds done on the target what was done.
   */
  savePlan(run: Run): void {
    run.lastSaved = Date.now();
    this.write(run, true, false);
  }

  /**
   * After a step: the record at most once a second (with the lock), progress at most every 500 ms,
   * written while the next steps run, each after the one before (`settled` waits for them). The steps
   * are those of this moment. A write that fails is logged: the next one, or the end, writes them again,
   * and a crash meanwhile resumes from what the target has (steps already done are found done).
   */
  afterStep(run: Run): void {
    const save = Date.now() - run.lastSaved >= SAVE_INTERVAL_MS;
    const publish = Date.now() - run.lastPublished >= PUBLISH_INTERVAL_MS;
    if (!save && !publish) return;
    if (save) run.lastSaved = Date.now();
    if (publish) run.lastPublished = Date.now();
    this.write(run, save, publish);
  }

  private write(run: Run, save: boolean, publish: boolean): void {
    const steps = [...run.steps];
    const { planned_at, warnings } = run.doc;
    run.books = (run.books ?? Promise.resolve()).then(async () => {
      try {
        if (save) {
          await this.syncs.saveSteps(run.id, steps, progressOf(steps), { planned_at, warnings });
          await this.refreshLock(run);
        }
        if (publish) await this.publish('progress', run, 'running', null, steps);
      } catch (error) {
        this.logger.warn(`could not record the progress of sync ${run.id}: ${describeError(error)}`);
      }
    });
  }

  /** Waits for the writes `afterStep` started. */
  async settled(run: Run): Promise<void> {
    await run.books;
    run.books = undefined;
  }

  /** Extends the lock (at most once a second unless forced); notes when it was lost. */
  async refreshLock(run: Run, force = false): Promise<void> {
    if (!force && Date.now() - run.lastRefresh < 1000) return;
    run.lastRefresh = Date.now();
    try {
      const held = await this.locks.refresh(run.databaseId, run.id, this.settings.lockTtlMs);
      if (!held) {
        run.lockLost = true;
        if (force) throw new LockLost();
      }
    } catch (error) {
      if (error instanceof LockLost) throw error;
      // MongoDB away for a moment: the lock lives on until its expiry; the next refresh tries again.
      this.logger.warn(`could not refresh the lock of sync ${run.id}: ${describeError(error)}`);
    }
  }

  /** Ends the sync (if it is still active), frees its database, and says so. */
  async finish(run: Run, status: EndStatus, error: string | null): Promise<void> {
    // The end is written last, and its event follows every progress event.
    await this.settled(run);
    const completedAt = new Date();
    const durationMs = completedAt.getTime() - run.startedAt.getTime();
    const progress = progressOf(run.steps);
    const ended = await this.syncs.endIfActive(run.id, {
      status,
      error,
      steps: run.steps,
      progress,
      completed_at: completedAt,
      duration_ms: durationMs,
    });
    // Ended, the sync no longer holds its database (a lock whose sync ended is taken over): the lock's
    // release goes out beside the end's event and audit entry instead of before them.
    const releasing = this.locks.release(run.databaseId, run.id);
    if (!ended) return releasing;
    syncDuration.observe({ status }, durationMs / 1000);
    syncOutcomes.inc({ outcome: status });
    if (status === 'failed' || status === 'partially_failed') {
      syncFailures.inc();
      this.logger.warn(`sync ${run.id} of database ${run.databaseId} ended ${status}: ${error}`);
    }
    await Promise.all([releasing, this.publish(EVENT_OF[status], run, status, error), this.audit.finished(run.doc, status)]);
  }

  publish(kind: SyncEventKind, run: Run, status: SyncStatus, error: string | null, steps = run.steps): Promise<void> {
    const { project_id, requested_by } = run.doc;
    return this.events.publish(kind, {
      id: run.id,
      database_id: run.databaseId,
      project_id,
      requested_by,
      status,
      error,
      steps,
    });
  }
}
