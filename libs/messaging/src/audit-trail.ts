import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  actorOf,
  AuditEvents,
  type Actor,
  type AuditAction,
  type AuditEntry,
  type AuditOutcome,
  type AuditTarget,
  type ServiceName,
} from '@ir/contracts';
import { acceptOrCreateCorrelationId, currentRequestContext } from '@ir/platform';
import { BusClient } from './bus-client';
import { currentPrincipal } from './principal-context';

/** What the service that made a change says of it; the trail adds who, when, from where and in which request. */
export interface AuditRecord {
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  readonly projectId: string | null;
  readonly target: AuditTarget;
  /** For definitions and manifests: the state before and after. */
  readonly changes?: AuditEntry['changes'];
  readonly details?: AuditEntry['details'];
  /** Who did it, when it is not the caller the work acts for (a login: the user who just proved who they are). */
  readonly actor?: Actor | null;
}

/**
 * Records state changes on the AUDIT_EVENTS stream, one entry each, for the audit service to keep.
 * Called after the change is made (or refused): a failed publish is retried within the request's
 * time limit, then logged with the entry's summary (never its changes) and does not undo the change.
 */
export class AuditTrail {
  private readonly logger = new Logger(AuditTrail.name);

  constructor(
    private readonly bus: BusClient,
    private readonly service: ServiceName,
  ) {}

  /** The entry as it is published; exposed so a caller can say which entry it recorded. */
  entryOf(record: AuditRecord): AuditEntry {
    const principal = currentPrincipal();
    const context = currentRequestContext();
    return {
      id: randomUUID(),
      at: new Date().toISOString(),
      action: record.action,
      outcome: record.outcome,
      actor: record.actor !== undefined ? record.actor : principal ? actorOf(principal) : null,
      project_id: record.projectId,
      target: record.target,
      request_id: context?.correlationId ?? acceptOrCreateCorrelationId(undefined),
      client_address: context?.clientAddress ?? null,
      service: this.service,
      ...(record.changes ? { changes: record.changes } : {}),
      ...(record.details ? { details: record.details } : {}),
    };
  }

  async record(record: AuditRecord): Promise<void> {
    const entry = this.entryOf(record);
    try {
      await this.bus.publish(AuditEvents.recorded, entry, { msgId: entry.id });
    } catch (error) {
      this.logger.error(
        `could not record audit entry ${entry.id} (${entry.action} of ${entry.target.kind} ${entry.target.id}): ${String(error)}`,
      );
    }
  }
}
