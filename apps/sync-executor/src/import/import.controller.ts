import { Controller, Logger } from '@nestjs/common';
import {
  DomainError,
  Durables,
  ErrorCode,
  ImportRpc,
  RegistryDatabaseRpc,
  SyncCommands,
  SyncRpc,
  type EventPayload,
  type RpcResponse,
} from '@ir/contracts';
import { BusClient, ConsumerHandler, PermanentFailure, requirePrincipal, RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { PERMANENT_IMPORT_CODES } from './import-audit';
import { ImportRepository } from './import.repository';
import { ImportService } from './import.service';
import { toImportView } from './import-view';

/** Durable consumer of the import commands that database creation queues (`import_indexes: true`). */
export const IMPORT_DURABLE = Durables.syncExecutor.imports.name;

@Controller()
export class ImportController {
  private readonly logger = new Logger(ImportController.name);

  constructor(
    private readonly imports: ImportService,
    private readonly records: ImportRepository,
    private readonly bus: BusClient,
  ) {}

  /** POST /indexes/sync-from-database: the import (or its dry run), answered when it is done. */
  @RpcHandler(SyncRpc.importIndexes)
  importIndexes(request: z.output<typeof SyncRpc.importIndexes.request>): Promise<RpcResponse<typeof SyncRpc.importIndexes>> {
    return this.imports.import(request, { trigger: 'request' });
  }

  /** The same import, queued by the registry when a database is created with `import_indexes: true`. */
  @ConsumerHandler(SyncCommands.importIndexes, { durable: IMPORT_DURABLE, ackWaitMs: 60_000 })
  async importCommand(command: EventPayload<typeof SyncCommands.importIndexes>): Promise<void> {
    try {
      const result = await this.imports.import(command, {
        trigger: 'database_created',
        ...(command.import_id ? { importId: command.import_id } : {}),
        ...(command.requested_by ? { requestedBy: command.requested_by } : {}),
      });
      const { imported, skipped, failed } = result.counts;
      this.logger.log(`import of database ${command.database_id}: ${imported} imported, ${skipped} skipped, ${failed} failed`);
      for (const item of result.failed) {
        this.logger.warn(`import of database ${command.database_id}: ${item.collection}.${item.name} failed: ${item.reason}`);
      }
    } catch (error) {
      if (error instanceof DomainError && PERMANENT_IMPORT_CODES.has(error.code)) {
        throw new PermanentFailure(`import of database ${command.database_id}: ${error.message}`);
      }
      throw error;
    }
  }

  /** GET /indexes/import-status/:import_id */
  @RpcHandler(ImportRpc.status)
  async status(request: z.output<typeof ImportRpc.status.request>): Promise<RpcResponse<typeof ImportRpc.status>> {
    const doc = await this.records.findVisible(requirePrincipal(), request.import_id);
    if (!doc) throw new DomainError(ErrorCode.notFound, 'import not found');
    return toImportView(doc);
  }

  /** GET /indexes/import-status/by-database/:database_id */
  @RpcHandler(ImportRpc.history)
  async history(request: z.output<typeof ImportRpc.history.request>): Promise<RpcResponse<typeof ImportRpc.history>> {
    // The registry answers 404 for a database the caller does not see, as for its syncs.
    await this.bus.request(RegistryDatabaseRpc.connection, { database_id: request.database_id });
    const page = await this.records.pageOfDatabase(requirePrincipal(), request.database_id, request);
    return { ...page, items: page.items.map(toImportView) };
  }
}
