import { runBackendService } from '@ir/bootstrap';
import { EntityOplogConfig } from './entity-oplog.config';
import { EntityOplogModule } from './entity-oplog.module';

void runBackendService({
  service: 'entity-oplog',
  configSchema: EntityOplogConfig,
  storage: 'postgresql',
  features: () => [EntityOplogModule],
});
