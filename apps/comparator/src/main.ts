import { runBackendService } from '@ir/bootstrap';
import { TargetPoolModule, UriCipherModule } from '@ir/target-pool';
import { ComparatorConfig } from './comparator.config';
import { ComparatorModule } from './comparator.module';

void runBackendService({
  service: 'comparator',
  configSchema: ComparatorConfig,
  features: (config) => [TargetPoolModule.register(config), UriCipherModule.register(config), ComparatorModule],
});
