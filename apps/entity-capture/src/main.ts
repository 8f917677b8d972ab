import { runBackendService } from '@ir/bootstrap';
import { TargetPoolModule, UriCipherModule } from '@ir/target-pool';
import { EntityCaptureConfig } from './entity-capture.config';
import { EntityCaptureModule } from './entity-capture.module';

void runBackendService({
  service: 'entity-capture',
  configSchema: EntityCaptureConfig,
  storage: 'none',
  features: (config) => [TargetPoolModule.register(config), UriCipherModule.register(config), EntityCaptureModule],
});
