import { Inject, Injectable } from '@nestjs/common';
import { projectsWhere, type Principal } from '@ir/contracts';
import { findPage, OwnRepository, type Page, type PageRequest } from '@ir/platform';
import { Types } from 'mongoose';
import {
  ACTIVE_STATUSES,
  packSteps,
  RUNNABLE_STATUSES,
  SYNC_MODEL,
  type StoredApproval,
  type StoredCancellation,
  type StoredStep,
  type SyncDocument,
  type SyncModel,
  type SyncStatus,
} from './sync.model';

/** What a sync's record says of its plan once it is planned. */
export type SyncPlanFacts = Pick<SyncDocument, 'planned_at' | 'warnings'>;

/** How a sync ended, written only while it is still pending or running. */
export interface SyncEnd {
  readonly status: Extract<SyncStatus, 'completed' | 'partially_failed' | 'failed' | 'cancelled'>;
  readonly error: string | null;
  readonly steps: readonly StoredStep[];
  readonly completed_at: Date;
  readonly progress?: number;
  readonly duration_ms?: number;
}

/**
 * The `syncs` collection. Steps are written packed (`packSteps`) and read with `stepsOf`; writes that
 * end a sync are conditional on its being active, so an ended sync is never ended again. Ids that
 * name no ObjectId find nothing.
 */
@Injectable()
export class SyncRepository extends OwnRepository<SyncDocument> {
  constructor(@Inject(SYNC_MODEL) model: SyncModel) {
    super(model);
  }

  /** An id for a sync about to be started (its lock is taken under it before it is stored). */
  newId(): SyncDocument['_id'] {
    return new Types.ObjectId();
  }

  async insert(sync: SyncDocument): Promise<void> {
    await this.model.create(sync);
  }

  /** The sync, if the caller may read the syncs of its project (an executor, a service, may read every one). */
  findVisible(principal: Principal, syncId: string): Promise<SyncDocument | null> {
    const visible = this.visible(principal, syncId);
    return visible ? this.model.findOne(visible).lean<SyncDocument>() : Promise.resolve(null);
  }

  /** The filter of the sync `syncId` if the caller may read the syncs of its project; none for an id that is no sync's. */
  private visible(principal: Principal, syncId: string) {
    if (!Types.ObjectId.isValid(syncId)) return undefined;
    return { _id: syncId, ...this.inProjects(projectsWhere(principal, 'syncs:read')) };
  }

  /**
   * Bookkeeping of the per-database lock (which sync holds it, is it still going): unscoped, and it
   * answers nothing but a status. Callers reached the database through its project first.
   */
  async statusOf(syncId: string): Promise<SyncStatus | undefined> {
    const sync = Types.ObjectId.isValid(syncId) ? await this.model.findById(syncId, { status: 1 }).lean<{ status: SyncStatus }>() : null;
    return sync?.status;
  }

  /** A database's syncs the caller may read, newest first. */
  pageOfDatabase(principal: Principal, databaseId: string, request: PageRequest): Promise<Page<SyncDocument>> {
    const filter = { database_id: databaseId, ...this.inProjects(projectsWhere(principal, 'syncs:read')) };
    return findPage(this.model, filter, { created_at: -1, _id: -1 }, request);
  }

  /**
   * Starts a pending sync the caller may read: running from `startedAt`. Answers the record as it
   * was before (pending), or null when the sync is not pending (then `findVisible` and `markRunning`
   * tell the rest: a resumed run, an ended sync, one awaiting approval). One round trip where a
   * fresh sync's start paid a read and a write.
   */
  claimPending(principal: Principal, syncId: string, startedAt: Date): Promise<SyncDocument | null> {
    const visible = this.visible(principal, syncId);
    if (!visible) return Promise.resolve(null);
    return this.model
      .findOneAndUpdate(
        { ...visible, status: 'pending' },
        { $set: { status: 'running', started_at: startedAt, updated_at: startedAt } },
        { new: false },
      )
      .lean<SyncDocument>();
  }

  /** True when the sync was pending or running, and is running now. */
  async markRunning(syncId: string, startedAt: Date): Promise<boolean> {
    const { matchedCount } = await this.model.updateOne(
      { _id: syncId, status: { $in: [...RUNNABLE_STATUSES] } },
      { $set: { status: 'running', started_at: startedAt, updated_at: new Date() } },
    );
    return matchedCount > 0;
  }

  /**
   * Writes the running sync's steps with the plan they come from (`planned_at`, `warnings`): the first
   * such write stores the plan, and, written with every later one, a plan whose first write failed is
   * stored by the next.
   */
  async saveSteps(syncId: string, steps: readonly StoredStep[], progress: number, plan: SyncPlanFacts): Promise<void> {
    await this.model.updateOne(
      { _id: syncId },
      {
        $set: {
          steps_deflated: packSteps(steps),
          progress,
          planned_at: plan.planned_at,
          warnings: plan.warnings,
          updated_at: new Date(),
        },
      },
    );
  }

  /** Ends the sync if it is still pending or running; false when it had ended already. */
  async endIfActive(syncId: string, end: SyncEnd): Promise<boolean> {
    const { matchedCount } = await this.model.updateOne(
      { _id: syncId, status: { $in: [...ACTIVE_STATUSES] } },
      {
        $set: {
          status: end.status,
          error: end.error,
          steps_deflated: packSteps(end.steps),
          ...(end.progress !== undefined ? { progress: end.progress } : {}),
          completed_at: end.completed_at,
          ...(end.duration_ms !== undefined ? { duration_ms: end.duration_ms } : {}),
          updated_at: end.completed_at,
        },
      },
    );
    return matchedCount > 0;
  }

  /** Fails a pending or running sync, its steps as they are; the sync as failed, or null when it had ended (or is not). */
  abandon(syncId: string, reason: string, at: Date): Promise<SyncDocument | null> {
    if (!Types.ObjectId.isValid(syncId)) return Promise.resolve(null);
    return this.model
      .findOneAndUpdate(
        { _id: syncId, status: { $in: [...ACTIVE_STATUSES] } },
        { $set: { status: 'failed', error: reason, completed_at: at, updated_at: at } },
        { new: true },
      )
      .lean<SyncDocument>();
  }

  /**
   * Records the decision on a sync awaiting approval: approved, it becomes pending (its run is
   * queued next); rejected, it ends. The sync as decided, or null when it was not awaiting approval.
   */
  decide(syncId: SyncDocument['_id'], approval: StoredApproval, at: Date): Promise<SyncDocument | null> {
    const ending = approval.state === 'rejected' ? { status: 'rejected', completed_at: at } : { status: 'pending' };
    return this.model
      .findOneAndUpdate({ _id: syncId, status: 'awaiting_approval' }, { $set: { ...ending, approval, updated_at: at } }, { new: true })
      .lean<SyncDocument>();
  }

  /**
   * Cancels a sync: one not running yet ends `cancelled` at once (`ended`); a running one records the
   * request, which its executor acts on (`requested`). Null when the sync is in neither state.
   */
  async requestCancel(syncId: string, cancellation: StoredCancellation): Promise<{ sync: SyncDocument; ended: boolean } | null> {
    const at = cancellation.requested_at;
    const reason = `cancelled by ${cancellation.by.name ?? cancellation.by.id}`;
    const ended = await this.model
      .findOneAndUpdate(
        { _id: syncId, status: { $in: ['pending', 'awaiting_approval'] } },
        { $set: { status: 'cancelled', cancellation, error: reason, completed_at: at, updated_at: at } },
        { new: true },
      )
      .lean<SyncDocument>();
    if (ended) return { sync: ended, ended: true };
    const requested = await this.model
      .findOneAndUpdate({ _id: syncId, status: 'running' }, { $set: { cancellation, updated_at: at } }, { new: true })
      .lean<SyncDocument>();
    return requested ? { sync: requested, ended: false } : null;
  }

  /** Whether someone asked to cancel the sync (its executor asks this between steps). */
  async cancellationOf(syncId: string): Promise<StoredCancellation | undefined> {
    const sync = await this.model.findById(syncId, { cancellation: 1 }).lean<Pick<SyncDocument, 'cancellation'>>();
    return sync?.cancellation ?? undefined;
  }

  /** Links a sync to the one that retries it; false when it was retried already (or is not retryable). */
  async claimRetry(syncId: string, retryId: string, retryable: readonly SyncStatus[]): Promise<boolean> {
    const { matchedCount } = await this.model.updateOne(
      { _id: syncId, status: { $in: [...retryable] }, retried_by: { $exists: false } },
      { $set: { retried_by: retryId, updated_at: new Date() } },
    );
    return matchedCount > 0;
  }

  /** Undoes `claimRetry` when the retry could not be started. */
  async releaseRetry(syncId: string, retryId: string): Promise<void> {
    await this.model.updateOne({ _id: syncId, retried_by: retryId }, { $unset: { retried_by: 1 } });
  }

  /** Fails a sync whose run command could not be queued. */
  async failUnqueued(syncId: SyncDocument['_id'], reason: string): Promise<void> {
    await this.model.updateOne(
      { _id: syncId },
      { $set: { status: 'failed', error: reason, completed_at: new Date(), updated_at: new Date() } },
    );
  }
}
