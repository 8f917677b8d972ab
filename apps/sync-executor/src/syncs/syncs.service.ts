import {
  actorOf,
  DomainError,
  ErrorCode,
  forbidden,
  holds,
  RegistryDatabaseRpc,
  RETRYABLE_SYNC_STATUSES,
  SyncCommands,
  SyncRpc,
  type RpcResponse,
  type SyncView,
} from '@ir/contracts';
import { BusClient, requirePrincipal } from '@ir/messaging';
import { mapPage, type Page } from '@ir/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SyncAudit } from './sync-audit';
import { SyncEventPublisher } from './sync-events';
import { SyncLocks } from './sync-locks';
import { syncFailures } from './sync-metrics';
import { SyncApprovals, type ReviewedPlan } from './sync-approvals.service';
import type { StartRequest } from './sync-requests';
import { isTerminal, packSteps, stepsOf, type OperationKind, type SyncDocument } from './sync.model';
import { SyncRepository } from './sync.repository';
import { SYNC_SETTINGS, type SyncSettings } from './sync-settings';
import { syncView } from './sync-view';

type HistoryRequest = { database_id: string; page: number; limit: number };

export const ABANDONED_RUNNING = 'abandoned: its executor stopped';
export const ABANDONED_PENDING = 'abandoned: no executor started it in time';
export const ABANDONED_UNAPPROVED = 'abandoned: nobody approved it within SYNC_APPROVAL_TTL';

/** Starting syncs under the per-database lock, and the questions about them. */
@Injectable()
export class SyncsService {
  private readonly logger = new Logger(SyncsService.name);
  private readonly events: SyncEventPublisher;
  private readonly audit: SyncAudit;

  constructor(
    private readonly syncs: SyncRepository,
    private readonly locks: SyncLocks,
    private readonly bus: BusClient,
    private readonly approvals: SyncApprovals,
    @Inject(SYNC_SETTINGS) private readonly settings: SyncSettings,
  ) {
    this.events = new SyncEventPublisher(bus);
    this.audit = new SyncAudit(bus);
  }

  /**
   * Takes the database's lock, records the sync as pending and queues its run command. `retryOf`: the
   * sync this one retries, linked both ways (a sync is retried once: 409 naming its retry otherwise).
   * @throws DomainError CONFLICT naming the sync in progress (details.sync_id).
   */
  async start(request: StartRequest, { retryOf }: { retryOf?: string } = {}): Promise<RpcResponse<typeof SyncRpc.start>> {
    const principal = requirePrincipal();
    // The registry answers 404 for a database the caller does not see; its project decides the rest.
    const database = await this.bus.request(RegistryDatabaseRpc.connection, { database_id: request.database_id });
    if (database.project_id !== null && !holds(principal, 'syncs:run', database.project_id)) {
      const refusal = forbidden('syncs:run');
      await this.audit.denied(refusal, 'sync.requested', { id: '', database_id: request.database_id, project_id: database.project_id });
      throw refusal;
    }
    const id = this.syncs.newId();
    const syncId = id.toHexString();
    const databaseId = request.database_id;
    const lock = await this.locks.acquire(databaseId, syncId, this.settings.queueTtlMs);
    if (!lock.acquired) {
      const holder = lock.holder;
      const status = await this.syncs.statusOf(holder.sync_id);
      throw new DomainError(
        ErrorCode.conflict,
        `sync ${holder.sync_id} of database ${databaseId} is ${status ?? 'pending'}; wait for it to end`,
        undefined,
        { sync_id: holder.sync_id, ...(status ? { status } : {}) },
      );
    }
    if (lock.tookOverFrom) await this.abandon(lock.tookOverFrom.sync_id, lock.tookOverFrom.status);
    if (retryOf && !(await this.syncs.claimRetry(retryOf, syncId, RETRYABLE_SYNC_STATUSES))) {
      await this.locks.release(databaseId, syncId).catch(() => undefined);
      const original = await this.syncs.findVisible(principal, retryOf);
      throw new DomainError(
        ErrorCode.conflict,
        original?.retried_by
          ? `sync ${retryOf} was retried already by sync ${original.retried_by}: retry that one`
          : `sync ${retryOf} is ${original?.status ?? 'gone'}: only a partially failed, failed or cancelled sync can be retried`,
        undefined,
        { ...(original?.retried_by ? { sync_id: original.retried_by } : {}), ...(original ? { status: original.status } : {}) },
      );
    }
    const giveUp = async (): Promise<void> => {
      await this.locks.release(databaseId, syncId).catch(() => undefined);
      if (retryOf) await this.syncs.releaseRetry(retryOf, syncId).catch(() => undefined);
    };

    // A protected database's sync runs the plan made now; one that would drop, hide or rebuild waits for a
    // second person. Dry runs change nothing.
    let reviewed: ReviewedPlan | undefined;
    if (database.protected && !request.dry_run) {
      reviewed = await this.approvals.review(request).catch(async (error: unknown) => {
        await giveUp();
        throw error;
      });
    }
    const held = reviewed && reviewed.reasons.length > 0 ? reviewed : undefined;
    const now = new Date();
    const doc: SyncDocument = {
      _id: id,
      database_id: databaseId,
      project_id: database.project_id,
      requested_by: actorOf(principal),
      ...(request.collections && request.collections.length > 0 ? { collections: request.collections } : {}),
      status: held ? 'awaiting_approval' : 'pending',
      ...(held ? { approval: { state: 'awaiting', reasons: held.reasons } } : {}),
      options: {
        ...(request.include ? { include: request.include as OperationKind[] } : {}),
        hide_before_drop: request.hide_before_drop ?? false,
        on_error: request.on_error ?? 'continue',
      },
      ...(retryOf ? { retry_of: retryOf } : {}),
      dry_run: request.dry_run ?? false,
      steps_deflated: reviewed ? packSteps(reviewed.steps) : null,
      planned_at: reviewed ? now : null,
      warnings: reviewed?.warnings ?? [],
      error: null,
      progress: 0,
      created_at: now,
      updated_at: now,
      started_at: null,
      completed_at: null,
      duration_ms: null,
    };
    try {
      await this.syncs.insert(doc);
    } catch (error) {
      await giveUp();
      throw error;
    }
    // Recorded before the run is queued, so that the entry of its start comes after it.
    await this.audit.requested(doc);
    const link = retryOf ? { retry_of: retryOf } : {};
    if (held) {
      await this.approvals.held(doc);
      return { sync_id: syncId, status: 'awaiting_approval', database_id: databaseId, ...link };
    }
    try {
      await this.bus.publish(SyncCommands.run, { sync_id: syncId, database_id: databaseId }, { msgId: syncId });
    } catch (error) {
      // The bus's own words go to the log; the record and the caller get ours.
      this.logger.warn(`could not queue sync ${syncId}: ${error instanceof Error ? error.message : String(error)}`);
      const reason = 'could not queue the sync: the work queue did not confirm it';
      await this.syncs.failUnqueued(id, reason).catch(() => undefined);
      await this.locks.release(databaseId, syncId).catch(() => undefined);
      syncFailures.inc();
      await this.audit.finished(doc, 'failed', 'not_queued');
      throw new DomainError(ErrorCode.unavailable, `${reason}; try again`, undefined, { dependency: 'nats' });
    }
    return { sync_id: syncId, status: 'pending', database_id: databaseId, ...link };
  }

  async status(syncId: string): Promise<SyncView> {
    const doc = await this.syncs.findVisible(requirePrincipal(), syncId);
    if (!doc) throw new DomainError(ErrorCode.notFound, `sync ${syncId} not found`);
    return syncView(doc);
  }

  /** A database's syncs, newest first: a 404 from the registry for a database the caller does not see. */
  async history(request: HistoryRequest): Promise<Page<SyncView>> {
    await this.bus.request(RegistryDatabaseRpc.connection, { database_id: request.database_id });
    return mapPage(await this.syncs.pageOfDatabase(requirePrincipal(), request.database_id, request), syncView);
  }

  /** From the lock: a database has an active sync while a pending or running sync holds it. */
  async activeForDatabase(databaseId: string): Promise<RpcResponse<typeof SyncRpc.activeForDatabase>> {
    const holder = await this.locks.holder(databaseId);
    if (!holder) return { active: false };
    const status = await this.syncs.statusOf(holder.sync_id);
    if (status && !isTerminal(status)) return { active: true, sync_id: holder.sync_id, status };
    // A lock whose sync is still being recorded (start in progress) counts as pending.
    if (!status && !(await this.locks.staleness(holder))) return { active: true, sync_id: holder.sync_id, status: 'pending' };
    return { active: false };
  }

  /** Fails a sync whose lock was taken over: it held the lock past its time. */
  private async abandon(syncId: string, status: string): Promise<void> {
    if (status === 'missing') return;
    const reason = status === 'awaiting_approval' ? ABANDONED_UNAPPROVED : status === 'pending' ? ABANDONED_PENDING : ABANDONED_RUNNING;
    const ended = await this.syncs.abandon(syncId, reason, new Date());
    if (!ended) return;
    this.logger.warn(`sync ${syncId} of database ${ended.database_id} ${reason}; its lock was taken over`);
    syncFailures.inc();
    await this.events.publish('failed', {
      id: syncId,
      database_id: ended.database_id,
      project_id: ended.project_id,
      requested_by: ended.requested_by,
      status: 'failed',
      error: reason,
      steps: stepsOf(ended),
    });
    await this.audit.finished(ended, 'failed', 'abandoned');
  }
}
