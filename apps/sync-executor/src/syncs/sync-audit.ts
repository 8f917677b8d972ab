import type { AuditOutcome, DomainError, SyncStatus } from '@ir/contracts';
import { AuditTrail, recordDenial, type BusClient } from '@ir/messaging';
import type { SyncDocument } from './sync.model';

/** What an entry needs of a sync: the services call with the record they hold. */
type Sync = Pick<SyncDocument, '_id' | 'database_id' | 'project_id' | 'dry_run'> & Partial<Pick<SyncDocument, 'requested_by'>>;

/** How a sync that ended is recorded: a completed one succeeded, any other end failed. */
function outcomeOf(status: SyncStatus): AuditOutcome {
  return status === 'completed' ? 'succeeded' : 'failed';
}

/**
 * The syncs' entries on the audit trail: requested (by whom, dry run or not), approved or rejected,
 * started and finished (with the status it ended in). Started and finished are the executor's own
 * work: their actor is the service, and `details.requested_by` says for whom. Never the sync's error
 * text, which may quote a target's server.
 */
export class SyncAudit {
  private readonly trail: AuditTrail;

  constructor(bus: BusClient) {
    this.trail = new AuditTrail(bus, 'sync-executor');
  }

  requested(sync: Sync & Pick<SyncDocument, 'status'>): Promise<void> {
    return this.record('sync.requested', 'succeeded', sync, { status: sync.status });
  }

  approved(sync: Sync): Promise<void> {
    return this.record('sync.approved', 'succeeded', sync);
  }

  rejected(sync: Sync): Promise<void> {
    return this.record('sync.rejected', 'succeeded', sync);
  }

  /** A run delivered again after its executor stopped says so (`resumed`): it started before. */
  started(sync: Sync & Pick<SyncDocument, 'status'>): Promise<void> {
    return this.record('sync.started', 'succeeded', sync, { resumed: sync.status === 'running' });
  }

  /** A person cancelled it (a running sync then ends `cancelled` when its executor stops: `finished`). */
  cancelled(sync: Sync, comment?: string): Promise<void> {
    return this.record('sync.cancelled', 'succeeded', sync, comment ? { comment } : {});
  }

  /** A person retried it: the retry is a new sync (`details.retry_id`), requested like any other. */
  retried(sync: Sync, retryId: string): Promise<void> {
    return this.record('sync.retried', 'succeeded', sync, { retry_id: retryId });
  }

  /** `reason` is ours (a code such as `abandoned`), never an error's text. */
  finished(sync: Sync, status: SyncStatus, reason?: string): Promise<void> {
    return this.record('sync.finished', outcomeOf(status), sync, { status, ...(reason ? { reason } : {}) });
  }

  /** A 403 on asking for, approving or rejecting a sync; `sync` is the one decided on, or the database asked about. */
  denied(
    error: DomainError,
    action: 'sync.requested' | 'sync.approved' | 'sync.rejected' | 'sync.cancelled' | 'sync.retried',
    sync: { id: string; database_id: string; project_id: string | null },
  ): Promise<void> {
    return recordDenial(this.trail, error, {
      action,
      projectId: sync.project_id,
      target: { kind: 'sync', id: sync.id },
      details: { database_id: sync.database_id },
    });
  }

  private record(
    action: 'sync.requested' | 'sync.approved' | 'sync.rejected' | 'sync.started' | 'sync.finished' | 'sync.cancelled' | 'sync.retried',
    outcome: AuditOutcome,
    sync: Sync,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    return this.trail.record({
      action,
      outcome,
      projectId: sync.project_id ?? null,
      target: { kind: 'sync', id: sync._id.toHexString() },
      details: {
        database_id: sync.database_id,
        dry_run: sync.dry_run,
        ...(sync.requested_by ? { requested_by: sync.requested_by } : {}),
        ...details,
      },
    });
  }
}
