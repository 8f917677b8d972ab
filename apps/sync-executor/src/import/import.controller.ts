import { Controller, Logger } from '@nestjs/common';
import { DomainError, Durables, SyncCommands, SyncRpc, type EventPayload, type RpcResponse } from '@ir/contracts';
import { ConsumerHandler, PermanentFailure, RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { PERMANENT_IMPORT_CODES } from './import-audit';
import { ImportService } from './import.service';

/** Durable consumer of the import commands that database creation queues (`import_indexes: true`). */
export const IMPORT_DURABLE = Durables.syncExecutor.imports.name;

@Controller()
export class ImportController {
  private readonly logger = new Logger(ImportController.name);

  constructor(private readonly imports: ImportService) {}

  /** POST /indexes/sync-from-database: the import, answered when it is done. */
  @RpcHandler(SyncRpc.importIndexes)
  importIndexes(request: z.output<typeof SyncRpc.importIndexes.request>): Promise<RpcResponse<typeof SyncRpc.importIndexes>> {
    return this.imports.import(request);
  }

  /** The same import, queued by the registry when a database is created with `import_indexes: true`. */
  @ConsumerHandler(SyncCommands.importIndexes, { durable: IMPORT_DURABLE, ackWaitMs: 60_000 })
  async importCommand(command: EventPayload<typeof SyncCommands.importIndexes>): Promise<void> {
    try {
      const result = await this.imports.import(command, true);
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
}
