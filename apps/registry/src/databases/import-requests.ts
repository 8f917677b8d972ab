import { Injectable } from '@nestjs/common';
import { SyncCommands } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { RegistryAudit } from '../audit/registry-audit';
import type { DatabaseDocument } from './database.model';

/** The imports of new databases' indexes (`import_indexes: true`), queued for the sync-executor. */
@Injectable()
export class ImportRequests {
  constructor(
    private readonly bus: BusClient,
    private readonly audit: RegistryAudit,
  ) {}

  /**
   * Queues the import; the sync-executor records when it has finished. The request is recorded first,
   * so that its entry comes before the one of the import's end.
   */
  async request(database: DatabaseDocument, at: Date): Promise<void> {
    const id = database._id.toHexString();
    const entry = { projectId: database.project_id ?? null, target: { kind: 'import', id, name: database.name } } as const;
    await this.audit.record({
      ...entry,
      action: 'import.requested',
      outcome: 'succeeded',
      details: { database_id: id, on_conflict: 'skip', queued: true },
    });
    try {
      await this.bus.publish(
        SyncCommands.importIndexes,
        { database_id: id, on_conflict: 'skip', requested_at: at.toISOString() },
        { msgId: `import:${id}:${at.getTime()}` },
      );
    } catch (error) {
      await this.audit.record({
        ...entry,
        action: 'import.finished',
        outcome: 'failed',
        details: { database_id: id, reason: 'not_queued' },
      });
      throw error;
    }
  }
}
