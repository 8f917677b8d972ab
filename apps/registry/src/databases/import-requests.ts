import { Injectable } from '@nestjs/common';
import { actorOf, SyncCommands } from '@ir/contracts';
import { BusClient, currentPrincipal } from '@ir/messaging';
import { newObjectIdHex } from '@ir/platform';
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
   * Queues the import under an id of its own, which the sync-executor records it under (so its status
   * can be asked for at once), and answers that id. The executor records the audit entry of its end;
   * the request is recorded first, so that its entry comes before that one.
   */
  async request(database: DatabaseDocument, at: Date): Promise<string> {
    const id = database._id.toHexString();
    const importId = newObjectIdHex();
    const principal = currentPrincipal();
    const entry = { projectId: database.project_id ?? null, target: { kind: 'import', id: importId, name: database.name } } as const;
    await this.audit.record({
      ...entry,
      action: 'import.requested',
      outcome: 'succeeded',
      details: { database_id: id, import_id: importId, on_conflict: 'skip', queued: true },
    });
    try {
      await this.bus.publish(
        SyncCommands.importIndexes,
        {
          import_id: importId,
          ...(principal ? { requested_by: actorOf(principal) } : {}),
          database_id: id,
          on_conflict: 'skip',
          requested_at: at.toISOString(),
        },
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
    return importId;
  }
}
