import { DomainError, ErrorCode, type ImportResult } from '@ir/contracts';
import type { AuditRecord, AuditTrail } from '@ir/messaging';

/** Errors that another attempt cannot fix: the database is gone, or the command names something invalid. */
export const PERMANENT_IMPORT_CODES: ReadonlySet<string> = new Set([ErrorCode.notFound, ErrorCode.validation, ErrorCode.unprocessable]);

/** The database an import reads, as the registry answered it. */
export interface ImportedDatabase {
  readonly database_id: string;
  readonly project_id: string | null;
  readonly name: string;
}

/**
 * An import's entries, under the import's id: requested (for an import asked for over HTTP; a queued
 * one was recorded by the registry that queued it) and finished, with the counts. The definitions it
 * writes are not recorded one by one: the registry leaves the sync-executor's writes to this entry.
 * A dry run changes nothing and records nothing.
 */
export class ImportAudit {
  constructor(private readonly trail: AuditTrail) {}

  requested(database: ImportedDatabase, importId: string, onConflict: string): Promise<void> {
    return this.record(database, importId, { action: 'import.requested', outcome: 'succeeded', details: { on_conflict: onConflict } });
  }

  finished(database: ImportedDatabase, importId: string, result: ImportResult): Promise<void> {
    return this.record(database, importId, { action: 'import.finished', outcome: 'succeeded', details: { ...result.counts } });
  }

  /** An import that ended in an error: its code only (a target's error text may quote its server). */
  failed(database: ImportedDatabase, importId: string, error: unknown): Promise<void> {
    const reason = error instanceof DomainError ? error.code : ErrorCode.internal;
    return this.record(database, importId, { action: 'import.finished', outcome: 'failed', details: { reason } });
  }

  private record(database: ImportedDatabase, importId: string, record: Pick<AuditRecord, 'action' | 'outcome' | 'details'>): Promise<void> {
    return this.trail.record({
      ...record,
      projectId: database.project_id,
      target: { kind: 'import', id: importId, name: database.name },
      details: { database_id: database.database_id, ...record.details },
    });
  }
}
