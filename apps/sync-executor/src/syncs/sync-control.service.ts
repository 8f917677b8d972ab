import { Injectable } from '@nestjs/common';
import {
  actorOf,
  forbidden,
  holds,
  CANCELLABLE_SYNC_STATUSES,
  DomainError,
  ErrorCode,
  RETRYABLE_SYNC_STATUSES,
  type Principal,
  type RpcRequest,
  type RpcResponse,
  type SyncRpc,
  type SyncStatus,
  type SyncView,
} from '@ir/contracts';
import { BusClient, requirePrincipal } from '@ir/messaging';
import { SyncAudit } from './sync-audit';
import { SyncEventPublisher } from './sync-events';
import { SyncLocks } from './sync-locks';
import { stepsOf, type StoredStep, type SyncDocument } from './sync.model';
import { SyncRepository } from './sync.repository';
import { syncView, operationOf } from './sync-view';
import { SyncsService } from './syncs.service';

/** Steps a retry runs again: those that failed, were never run, or were skipped because a step they depend on did not succeed. */
const UNFINISHED: ReadonlySet<StoredStep['status']> = new Set(['failed', 'not_run', 'pending', 'running']);
const needsAnotherRun = (step: StoredStep): boolean => UNFINISHED.has(step.status) || step.blocked_by !== undefined;

/**
 * Cancel and retry. A retry is a new sync linked to the one it retries (`retry_of` / `retried_by`)
 * rather than another attempt recorded on it: each attempt keeps its own steps, times and outcome,
 * the retry takes the database's lock, is planned afresh and (on a protected database) approved like
 * any sync, and the history shows both.
 */
@Injectable()
export class SyncControl {
  private readonly events: SyncEventPublisher;
  private readonly audit: SyncAudit;

  constructor(
    private readonly syncs: SyncRepository,
    private readonly locks: SyncLocks,
    private readonly starts: SyncsService,
    bus: BusClient,
  ) {
    this.events = new SyncEventPublisher(bus);
    this.audit = new SyncAudit(bus);
  }

  /**
   * A pending or awaiting sync ends `cancelled` at once and frees its database; a running one is asked
   * to stop: its executor stops before its next step, and stops an index build in progress.
   */
  async cancel(request: RpcRequest<typeof SyncRpc.cancel>): Promise<SyncView> {
    const principal = requirePrincipal();
    const sync = await this.controllable(principal, request.sync_id, CANCELLABLE_SYNC_STATUSES, CANCEL, 'sync.cancelled');
    const cancellation = {
      by: actorOf(principal),
      requested_at: new Date(),
      ...(request.comment ? { comment: request.comment } : {}),
    };
    const outcome = await this.syncs.requestCancel(request.sync_id, cancellation);
    if (!outcome) {
      const status = (await this.syncs.statusOf(request.sync_id)) ?? sync.status;
      throw notAllowed(request.sync_id, status, CANCEL);
    }
    await this.audit.cancelled(outcome.sync, request.comment);
    if (outcome.ended) {
      await this.locks.release(outcome.sync.database_id, request.sync_id);
      await this.audit.finished(outcome.sync, 'cancelled');
      await this.events.publish('cancelled', {
        id: request.sync_id,
        database_id: outcome.sync.database_id,
        project_id: outcome.sync.project_id,
        requested_by: outcome.sync.requested_by,
        status: 'cancelled',
        error: outcome.sync.error,
        steps: stepsOf(outcome.sync),
      });
    }
    return syncView(outcome.sync);
  }

  /**
   * Starts a new sync for what a partially failed, failed or cancelled sync did not do: planned afresh
   * against the target on the collections of its unfinished steps (all of its collections when it ended
   * before it had steps), so what is there by now is not done again.
   */
  async retry(request: RpcRequest<typeof SyncRpc.retry>): Promise<RpcResponse<typeof SyncRpc.retry>> {
    const principal = requirePrincipal();
    const sync = await this.controllable(principal, request.sync_id, RETRYABLE_SYNC_STATUSES, RETRY, 'sync.retried');
    const steps = stepsOf(sync);
    const unfinished = [...new Set(steps.filter(needsAnotherRun).map((step) => operationOf(step).collection))].sort();
    const collections = steps.length > 0 ? unfinished : (sync.collections ?? []);
    const retry = await this.starts.start(
      {
        database_id: sync.database_id,
        ...(collections.length > 0 ? { collections } : {}),
        ...(sync.options?.include ? { include: sync.options.include } : {}),
        hide_before_drop: sync.options?.hide_before_drop ?? false,
        on_error: request.on_error ?? sync.options?.on_error ?? 'continue',
        dry_run: sync.dry_run,
      },
      { retryOf: request.sync_id },
    );
    await this.audit.retried(sync, retry.sync_id);
    return retry;
  }

  /** The sync, if the caller sees it (404), may run syncs of its project (403) and it is in one of `allowed` (409). */
  private async controllable(
    principal: Principal,
    syncId: string,
    allowed: readonly SyncStatus[],
    what: Transition,
    action: 'sync.cancelled' | 'sync.retried',
  ): Promise<SyncDocument> {
    const sync = await this.syncs.findVisible(principal, syncId);
    if (!sync) throw new DomainError(ErrorCode.notFound, `sync ${syncId} not found`);
    if (sync.project_id && !holds(principal, 'syncs:run', sync.project_id)) {
      const refusal = forbidden('syncs:run');
      await this.audit.denied(refusal, action, { id: syncId, database_id: sync.database_id, project_id: sync.project_id });
      throw refusal;
    }
    if (!allowed.includes(sync.status)) throw notAllowed(syncId, sync.status, what);
    return sync;
  }
}

interface Transition {
  readonly verb: string;
  readonly from: string;
}
const CANCEL: Transition = { verb: 'cancelled', from: 'pending, awaiting approval or running' };
const RETRY: Transition = { verb: 'retried', from: 'partially failed, failed or cancelled' };

function notAllowed(syncId: string, status: SyncStatus, transition: Transition): DomainError {
  const message = `sync ${syncId} is ${status}: only a ${transition.from} sync can be ${transition.verb}`;
  return new DomainError(ErrorCode.conflict, message, undefined, { status });
}
