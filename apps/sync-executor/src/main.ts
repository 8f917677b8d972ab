import { runBackendService } from '@ir/bootstrap';
import { TargetPoolModule, UriCipherModule } from '@ir/target-pool';
import { ImportModule } from './import/import.module';
import { SyncExecutorConfig } from './sync-executor.config';
import { syncSettingsFrom } from './syncs/sync-settings';
import { SyncsModule } from './syncs/syncs.module';

void runBackendService({
  service: 'sync-executor',
  configSchema: SyncExecutorConfig,
  features: (config) => [
    TargetPoolModule.register(config),
    UriCipherModule.register(config),
    SyncsModule.register(syncSettingsFrom(config)),
    ImportModule,
  ],
});
