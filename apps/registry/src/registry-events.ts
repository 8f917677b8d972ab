import { Injectable, Logger } from '@nestjs/common';
import { actorOf, RegistryEvents, type EventContract, type EventPayload } from '@ir/contracts';
import { BusClient, currentPrincipal } from '@ir/messaging';
import type { DatabaseDocument } from './databases/database.model';
import type { IndexDefinitionDocument } from './indexes/index-definition.model';

type DatabaseEvent = typeof RegistryEvents.databaseCreated;
type IndexEvent = typeof RegistryEvents.indexCreated;

/**
 * Publishes the registry's facts, with the database's project and who made the change. The message
 * id is the record, the change and its time, so a retried publish is stored once. A failed publish
 * is logged and does not undo the change the caller already made.
 */
@Injectable()
export class RegistryEventsPublisher {
  private readonly logger = new Logger(RegistryEventsPublisher.name);

  constructor(private readonly bus: BusClient) {}

  database(event: DatabaseEvent, doc: Pick<DatabaseDocument, '_id' | 'project_id' | 'name' | 'db_name'>, at: Date): Promise<void> {
    const payload = {
      database_id: doc._id.toHexString(),
      project_id: doc.project_id ?? null,
      name: doc.name,
      db_name: doc.db_name,
      at: at.toISOString(),
      ...this.actor(),
    };
    return this.publish(event, payload, `${event.subject}:${payload.database_id}:${at.getTime()}`);
  }

  index(
    event: IndexEvent,
    database: Pick<DatabaseDocument, 'project_id'>,
    doc: Pick<IndexDefinitionDocument, '_id' | 'database_id' | 'collection' | 'name' | 'key_signature'>,
    at: Date,
  ): Promise<void> {
    const payload = {
      index_id: doc._id.toHexString(),
      database_id: doc.database_id.toHexString(),
      project_id: database.project_id ?? null,
      ...this.actor(),
      collection: doc.collection,
      name: doc.name,
      key_signature: doc.key_signature,
      at: at.toISOString(),
    };
    return this.publish(event, payload, `${event.subject}:${payload.index_id}:${at.getTime()}`);
  }

  /** Who made the change: the caller the request acts for. */
  private actor(): { actor?: ReturnType<typeof actorOf> } {
    const principal = currentPrincipal();
    return principal ? { actor: actorOf(principal) } : {};
  }

  private async publish<C extends EventContract>(event: C, payload: EventPayload<C>, msgId: string): Promise<void> {
    try {
      await this.bus.publish(event, payload, { msgId });
    } catch (error) {
      this.logger.error(`could not publish ${event.subject} (${msgId}): ${String(error)}`);
    }
  }
}
