import { Streams } from '@ir/contracts';
import { BackendConfig, runBackendService } from '@ir/bootstrap';
import { SyncsModule } from './syncs/syncs.module';

void runBackendService({
  service: 'sync-executor',
  configSchema: BackendConfig,
  streams: [Streams.syncCommands],
  features: () => [SyncsModule],
});
