import { Streams } from '@ir/contracts';
import { runBackendService } from '@ir/bootstrap';
import { RegistryConfig } from './registry.config';
import { RegistryModule } from './registry.module';

void runBackendService({
  service: 'registry',
  configSchema: RegistryConfig,
  streams: [Streams.registryEvents, Streams.syncCommands],
  features: () => [RegistryModule],
});
