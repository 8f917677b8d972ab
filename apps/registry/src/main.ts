import { runBackendService } from '@ir/bootstrap';
import { TargetPoolModule, UriCipherModule } from '@ir/target-pool';
import { RegistryConfig } from './registry.config';
import { RegistryModule } from './registry.module';

void runBackendService({
  service: 'registry',
  configSchema: RegistryConfig,
  features: (config) => [TargetPoolModule.register(config), UriCipherModule.register(config), RegistryModule],
});
