import { Controller } from '@nestjs/common';
import { RegistryEvents, type EventPayload } from '@ir/contracts';
import { ConsumerHandler } from '@ir/messaging';
import { ScanScheduler } from './scan-scheduler.service';

const DURABLE = 'comparator-registry-changes';
/** Changes handled at once: a burst for one database then shares its lease writes (ScanScheduler.scanSoon). */
const CONCURRENCY = 32;
type IndexFact = EventPayload<typeof RegistryEvents.indexCreated>;
type DatabaseFact = EventPayload<typeof RegistryEvents.databaseCreated>;

/** Registry changes make the changed database's drift stale: compare it again soon. */
@Controller()
export class RegistryChangesController {
  constructor(private readonly scheduler: ScanScheduler) {}

  @ConsumerHandler(RegistryEvents.indexCreated, { durable: `${DURABLE}-index-created`, concurrency: CONCURRENCY })
  indexCreated(event: IndexFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.indexUpdated, { durable: `${DURABLE}-index-updated`, concurrency: CONCURRENCY })
  indexUpdated(event: IndexFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.indexDeleted, { durable: `${DURABLE}-index-deleted`, concurrency: CONCURRENCY })
  indexDeleted(event: IndexFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.databaseCreated, { durable: `${DURABLE}-database-created` })
  databaseCreated(event: DatabaseFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.databaseUpdated, { durable: `${DURABLE}-database-updated` })
  databaseUpdated(event: DatabaseFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.databaseDeleted, { durable: `${DURABLE}-database-deleted` })
  databaseDeleted(event: DatabaseFact): Promise<void> {
    return this.scheduler.forget(event.database_id);
  }
}
