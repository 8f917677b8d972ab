import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditTarget, DomainError } from '@ir/contracts';
import { AuditTrail, currentPrincipal, recordDenial, type AuditRecord } from '@ir/messaging';
import type { DatabaseDocument } from '../databases/database.model';
import { toDefinitionView } from '../indexes/definition-view';
import type { IndexDefinitionDocument } from '../indexes/index-definition.model';

type Database = Pick<DatabaseDocument, '_id' | 'project_id' | 'name'>;

/**
 * The registry's entries on the audit trail. A service that changes definitions through the registry
 * (the sync-executor's import) does so as part of an action it records itself, so what it does here is
 * not recorded again: the import's one entry counts what it wrote.
 */
@Injectable()
export class RegistryAudit {
  constructor(private readonly trail: AuditTrail) {}

  async record(record: AuditRecord): Promise<void> {
    if (currentPrincipal()?.kind === 'service') return;
    await this.trail.record(record);
  }

  /** A change of a database itself; `changes` holds `databaseState`s, never a connection. */
  database(action: AuditAction, database: Database, changes: AuditRecord['changes'], details?: AuditRecord['details']): Promise<void> {
    return this.record({
      action,
      outcome: 'succeeded',
      projectId: database.project_id ?? null,
      target: databaseTarget(database),
      changes,
      ...(details ? { details } : {}),
    });
  }

  /** A change of one definition, before and after as `GET /indexes/:id` shows it (null where there is none). */
  definition(
    action: 'definition.created' | 'definition.updated' | 'definition.deleted',
    database: Database,
    before: IndexDefinitionDocument | null,
    after: IndexDefinitionDocument | null,
  ): Promise<void> {
    const doc = (after ?? before)!;
    return this.record({
      action,
      outcome: 'succeeded',
      projectId: database.project_id ?? null,
      target: { kind: 'definition', id: doc._id.toHexString(), name: `${doc.collection}.${doc.name}` },
      changes: { before: before ? toDefinitionView(before) : null, after: after ? toDefinitionView(after) : null },
      details: { database_id: database._id.toHexString() },
    });
  }

  /** A 403 on a change of a database or of something in one. */
  async denied(error: DomainError, action: AuditAction, projectId: string | null, target: AuditTarget): Promise<void> {
    if (currentPrincipal()?.kind === 'service') return;
    await recordDenial(this.trail, error, { action, projectId, target });
  }
}

export function databaseTarget(database: Database): AuditTarget {
  return { kind: 'database', id: database._id.toHexString(), name: database.name };
}
