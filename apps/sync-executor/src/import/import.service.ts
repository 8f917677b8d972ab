import { Injectable, Logger } from '@nestjs/common';
import {
  actorOf,
  forbidden,
  holds,
  DomainError,
  ErrorCode,
  namespaceIssues,
  RegistryDatabaseRpc,
  validationFailed,
  type Actor,
  type ImportResult,
  type ImportView,
} from '@ir/contracts';
import { AuditTrail, BusClient, recordDenial, requirePrincipal } from '@ir/messaging';
import { ImportAudit, PERMANENT_IMPORT_CODES } from './import-audit';
import { ImportRunner, type ImportRequest } from './import-runner';
import { ImportRepository } from './import.repository';

/** Where an import comes from: a request, or the command `import_indexes` queued at a database's creation. */
export interface ImportOrigin {
  readonly trigger: ImportView['trigger'];
  /** The id the command was queued under; a request's import gets a new one. */
  readonly importId?: string;
  /** Who asked; a request's caller when absent. */
  readonly requestedBy?: Actor;
}

/**
 * An import with its record: the caller's permission is checked in the database's project, the
 * record is written when the import starts and when it ends, so `GET /indexes/import-status/:id`
 * shows every import, the one `import_indexes` queues included.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger(ImportService.name);

  private readonly audit: ImportAudit;

  constructor(
    private readonly bus: BusClient,
    private readonly runner: ImportRunner,
    private readonly records: ImportRepository,
    private readonly trail: AuditTrail,
  ) {
    this.audit = new ImportAudit(trail);
  }

  async import(request: ImportRequest, origin: ImportOrigin): Promise<ImportResult> {
    // The registry answers 404 for a database the caller does not see; importing needs the editor's permission.
    const connection = await this.bus.request(RegistryDatabaseRpc.connection, { database_id: request.database_id });
    const principal = requirePrincipal();
    if (connection.project_id !== null && !holds(principal, 'imports:run', connection.project_id)) {
      const refusal = forbidden('imports:run');
      await recordDenial(this.trail, refusal, {
        action: 'import.requested',
        projectId: connection.project_id,
        target: { kind: 'import', id: connection.database_id, name: connection.name },
      });
      throw refusal;
    }
    const tooLong = namespaceIssues(connection.db_name, request.collections);
    if (tooLong.length > 0) throw validationFailed(tooLong);

    const { id, existed } = await this.records.insertRunning(origin.importId, {
      database_id: connection.database_id,
      project_id: connection.project_id,
      trigger: origin.trigger,
      requested_by: origin.requestedBy ?? (principal.kind === 'service' ? null : actorOf(principal)),
      status: 'running',
      dry_run: request.dry_run ?? false,
      on_conflict: request.on_conflict,
      ...(request.collections ? { collections: [...request.collections] } : {}),
      error: null,
      created_at: new Date(),
      finished_at: null,
    });
    if (existed) await this.records.markRunningAgain(id);
    // A queued import's request was recorded by the registry that queued it; a dry run changes nothing.
    const queued = origin.trigger === 'database_created';
    const audited = !request.dry_run;
    if (audited && !queued) await this.audit.requested(connection, id, request.on_conflict);

    try {
      const result = { import_id: id, ...(await this.runner.run(connection, request)) };
      await this.records.markCompleted(id, result, new Date());
      if (audited) await this.audit.finished(connection, id, result);
      return result;
    } catch (error) {
      // A queued import's failure that another delivery may fix is recorded only when it is final.
      if (audited && (!queued || (error instanceof DomainError && PERMANENT_IMPORT_CODES.has(error.code)))) {
        await this.audit.failed(connection, id, error);
      }
      await this.records.markFailed(id, reasonOf(error), new Date()).catch((e: unknown) => {
        this.logger.error(`import ${id}: could not record its failure: ${String(e)}`);
      });
      throw error;
    }
  }
}

/** What the record says of an import that failed as a whole: the domain error's sentence, never a driver's text. */
function reasonOf(error: unknown): string {
  return error instanceof DomainError ? error.message : new DomainError(ErrorCode.internal, 'the import failed unexpectedly').message;
}
