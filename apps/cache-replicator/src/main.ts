import { runBackendService } from '@ir/bootstrap';
import { CacheReplicatorConfig } from './cache-replicator.config';
import { CacheReplicatorModule } from './cache-replicator.module';

void runBackendService({
  service: 'cache-replicator',
  configSchema: CacheReplicatorConfig,
  storage: 'none',
  features: () => [CacheReplicatorModule],
});
