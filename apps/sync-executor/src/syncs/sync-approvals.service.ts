import { Inject, Injectable } from '@nestjs/common';
import {
  actorOf,
  ComparatorRpc,
  DomainError,
  ErrorCode,
  forbidden,
  holds,
  SyncCommands,
  type Actor,
  type Principal,
  type SyncView,
} from '@ir/contracts';
import { BusClient, requirePrincipal } from '@ir/messaging';
import { approvalReasons } from './approval-policy';
import { plannedSteps } from './planned-steps';
import { SyncAudit } from './sync-audit';
import { SyncEventPublisher } from './sync-events';
import { SyncLocks } from './sync-locks';
import { stepsOf, type StoredStep, type SyncDocument } from './sync.model';
import { SyncRepository } from './sync.repository';
import { SYNC_SETTINGS, type SyncSettings } from './sync-settings';
import { syncView } from './sync-view';
import type { StartRequest } from './sync-requests';

/**
 * The plan of a protected database's sync, made when it is asked for: its steps, and why it needs a
 * second person (none: it may run at once, but still exactly these steps).
 */
export interface ReviewedPlan {
  readonly steps: StoredStep[];
  readonly warnings: string[];
  readonly reasons: string[];
}

/**
 * Second-person approval of syncs of protected databases. The plan is made when the sync is asked
 * for; if it drops, hides or rebuilds an index, the sync waits in `awaiting_approval` (holding the
 * database's lock) until another operator or admin approves it, and then runs exactly the plan that
 * was approved, or rejects it.
 */
@Injectable()
export class SyncApprovals {
  private readonly events: SyncEventPublisher;
  private readonly audit: SyncAudit;

  constructor(
    private readonly syncs: SyncRepository,
    private readonly locks: SyncLocks,
    private readonly bus: BusClient,
    @Inject(SYNC_SETTINGS) private readonly settings: SyncSettings,
  ) {
    this.events = new SyncEventPublisher(bus);
    this.audit = new SyncAudit(bus);
  }

  /**
   * The plan a protected database's sync will run, and whether it must wait for approval. The run never
   * plans again: an index created on the target after this review is not dropped without a second person.
   */
  async review(request: StartRequest): Promise<ReviewedPlan> {
    const plan = await this.bus.request(
      ComparatorRpc.plan,
      {
        database_id: request.database_id,
        ...(request.collections && request.collections.length > 0 ? { collections: request.collections } : {}),
        ...(request.include ? { include: request.include } : {}),
        hide_before_drop: request.hide_before_drop ?? false,
      },
      { timeoutMs: this.settings.planTimeoutMs },
    );
    return { ...plannedSteps(plan), reasons: approvalReasons(plan.operations) };
  }

  /** Publishes that a sync waits for approval, once it is recorded, and keeps its lock for as long as approval may take. */
  async held(sync: SyncDocument): Promise<void> {
    await this.locks.refresh(sync.database_id, sync._id.toHexString(), this.settings.approvalTtlMs);
    await this.events.publish('approvalRequested', this.factOf(sync));
  }

  async approve(syncId: string, comment: string | undefined): Promise<SyncView> {
    const principal = requirePrincipal();
    const sync = await this.awaiting(principal, syncId, 'sync.approved');
    if (sync.requested_by && sameActor(sync.requested_by, principal)) {
      await this.refuse(sync, 'sync.approved', selfApproval());
    }
    const decided = await this.decide(sync, 'approved', principal, comment);
    // Recorded before the run is queued, so that the entry of its start comes after it.
    await this.audit.approved(decided);
    await this.locks.refresh(decided.database_id, syncId, this.settings.queueTtlMs);
    await this.bus.publish(SyncCommands.run, { sync_id: syncId, database_id: decided.database_id }, { msgId: `${syncId}:approved` });
    await this.events.publish('approved', this.factOf(decided));
    return syncView(decided);
  }

  /** Turns a sync down; who asked for it may also withdraw it this way. */
  async reject(syncId: string, comment: string | undefined): Promise<SyncView> {
    const principal = requirePrincipal();
    const sync = await this.awaiting(principal, syncId, 'sync.rejected');
    const decided = await this.decide(sync, 'rejected', principal, comment);
    await this.locks.release(decided.database_id, syncId);
    await this.events.publish('rejected', this.factOf(decided));
    await this.audit.rejected(decided);
    return syncView(decided);
  }

  /** The sync, if the caller sees it (404), may decide on it (403) and it awaits a decision (409). */
  private async awaiting(principal: Principal, syncId: string, action: 'sync.approved' | 'sync.rejected'): Promise<SyncDocument> {
    const sync = await this.syncs.findVisible(principal, syncId);
    if (!sync) throw new DomainError(ErrorCode.notFound, `sync ${syncId} not found`);
    if (sync.project_id && !holds(principal, 'syncs:approve', sync.project_id)) await this.refuse(sync, action, forbidden('syncs:approve'));
    if (sync.status !== 'awaiting_approval') {
      throw new DomainError(
        ErrorCode.conflict,
        `sync ${syncId} is ${sync.status}: only a sync awaiting approval can be decided on`,
        undefined,
        {
          status: sync.status,
        },
      );
    }
    return sync;
  }

  /** Records the 403 on the audit trail and answers it. */
  private async refuse(sync: SyncDocument, action: 'sync.approved' | 'sync.rejected', refusal: DomainError): Promise<never> {
    await this.audit.denied(refusal, action, {
      id: sync._id.toHexString(),
      database_id: sync.database_id,
      project_id: sync.project_id ?? null,
    });
    throw refusal;
  }

  private async decide(
    sync: SyncDocument,
    state: 'approved' | 'rejected',
    principal: Principal,
    comment: string | undefined,
  ): Promise<SyncDocument> {
    const at = new Date();
    const decided = await this.syncs.decide(
      sync._id,
      {
        state,
        reasons: sync.approval?.reasons ?? [],
        decided_by: actorOf(principal),
        decided_at: at,
        ...(comment ? { comment } : {}),
      },
      at,
    );
    if (!decided) throw new DomainError(ErrorCode.conflict, `sync ${sync._id.toHexString()} was decided on meanwhile`);
    return decided;
  }

  private factOf(sync: SyncDocument): Parameters<SyncEventPublisher['publish']>[1] {
    return {
      id: sync._id.toHexString(),
      database_id: sync.database_id,
      project_id: sync.project_id,
      requested_by: sync.requested_by,
      status: sync.status,
      error: sync.error,
      steps: stepsOf(sync),
    };
  }
}

function selfApproval(): DomainError {
  return new DomainError(ErrorCode.forbidden, 'nobody approves their own sync: another operator or admin of the project must', undefined, {
    permission: 'syncs:approve',
  });
}

function sameActor(actor: Actor, principal: Principal): boolean {
  return actor.kind === principal.kind && actor.id === principal.id;
}
