import { Logger } from '@nestjs/common';
import type { BusClient } from '@ir/messaging';
import { describeError } from './step-runner';
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
/** Progress events, small and cheap, keep a progress bar moving between writes of the record. */
const PUBLISH_INTERVAL_MS = 250;

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

  /** After a step: the record at most once a second (with the lock), progress at most every 250 ms. */
  async afterStep(run: Run): Promise<void> {
    if (Date.now() - run.lastSaved >= SAVE_INTERVAL_MS) {
      run.lastSaved = Date.now();
      await this.syncs.saveSteps(run.id, run.steps, progressOf(run.steps));
      await this.refreshLock(run);
    }
    if (Date.now() - run.lastPublished >= PUBLISH_INTERVAL_MS) {
      run.lastPublished = Date.now();
      await this.publish('progress', run, 'running', null);
    }
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
    await this.locks.release(run.databaseId, run.id);
    if (!ended) return;
    syncDuration.observe({ status }, durationMs / 1000);
    syncOutcomes.inc({ outcome: status });
    if (status === 'failed' || status === 'partially_failed') {
      syncFailures.inc();
      this.logger.warn(`sync ${run.id} of database ${run.databaseId} ended ${status}: ${error}`);
    }
    await this.publish(EVENT_OF[status], run, status, error);
    await this.audit.finished(run.doc, status);
  }

  publish(kind: SyncEventKind, run: Run, status: SyncStatus, error: string | null): Promise<void> {
    const { project_id, requested_by } = run.doc;
    return this.events.publish(kind, {
      id: run.id,
      database_id: run.databaseId,
      project_id,
      requested_by,
      status,
      error,
      steps: run.steps,
    });
  }
}
