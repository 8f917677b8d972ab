import { Controller } from '@nestjs/common';
import { Durables, RegistryEvents, type EventPayload } from '@ir/contracts';
import { ConsumerHandler } from '@ir/messaging';
import { ScanScheduler } from './scan-scheduler.service';

/** Changes handled at once: a burst for one database then shares its lease writes (ScanScheduler.scanSoon). */
const CONCURRENCY = 32;
type IndexFact = EventPayload<typeof RegistryEvents.indexCreated>;
type DatabaseFact = EventPayload<typeof RegistryEvents.databaseCreated>;

/** Registry changes make the changed database's drift stale: compare it again soon. */
@Controller()
export class RegistryChangesController {
  constructor(private readonly scheduler: ScanScheduler) {}

  @ConsumerHandler(RegistryEvents.indexCreated, { durable: Durables.comparator.indexCreated.name, concurrency: CONCURRENCY })
  indexCreated(event: IndexFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.indexUpdated, { durable: Durables.comparator.indexUpdated.name, concurrency: CONCURRENCY })
  indexUpdated(event: IndexFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.indexDeleted, { durable: Durables.comparator.indexDeleted.name, concurrency: CONCURRENCY })
  indexDeleted(event: IndexFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.databaseCreated, { durable: Durables.comparator.databaseCreated.name })
  databaseCreated(event: DatabaseFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.databaseUpdated, { durable: Durables.comparator.databaseUpdated.name })
  databaseUpdated(event: DatabaseFact): Promise<void> {
    return this.scheduler.scanSoon(event.database_id);
  }

  @ConsumerHandler(RegistryEvents.databaseDeleted, { durable: Durables.comparator.databaseDeleted.name })
  databaseDeleted(event: DatabaseFact): Promise<void> {
    return this.scheduler.forget(event.database_id);
  }
}
