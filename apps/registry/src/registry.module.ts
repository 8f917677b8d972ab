import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { ensureOwnIndexes } from '@ir/platform';
import { Connection } from 'mongoose';
import { loadEncryptionKey } from './crypto/encryption-key';
import { UriCipher } from './crypto/uri-cipher';
import { DATABASE_MODEL, databaseModel } from './databases/database.model';
import { DatabasesController } from './databases/databases.controller';
import { DatabasesService } from './databases/databases.service';
import { INDEX_DEFINITION_MODEL, indexDefinitionModel } from './indexes/index-definition.model';
import { IndexDefinitionsController } from './indexes/index-definitions.controller';
import { IndexDefinitionsService } from './indexes/index-definitions.service';
import { ManifestController } from './manifest/manifest.controller';
import { ManifestService } from './manifest/manifest.service';
import type { RegistryConfig } from './registry.config';
import { RegistryEventsPublisher } from './registry-events';
import { TargetsModule } from './targets/targets.module';

/** Target databases and the design repository of index definitions. */
@Module({
  imports: [TargetsModule],
  controllers: [DatabasesController, IndexDefinitionsController, ManifestController],
  providers: [
    { provide: DATABASE_MODEL, inject: [Connection], useFactory: databaseModel },
    { provide: INDEX_DEFINITION_MODEL, inject: [Connection], useFactory: indexDefinitionModel },
    {
      provide: UriCipher,
      inject: [SERVICE_CONFIG],
      useFactory: async (config: RegistryConfig) => {
        const { key, generatedAt } = await loadEncryptionKey(config.REGISTRY_ENCRYPTION_KEY, config.DATA_DIR);
        if (generatedAt) {
          new Logger('Encryption').warn(
            `REGISTRY_ENCRYPTION_KEY is not set: target URIs are encrypted with a development key kept in ${generatedAt}; set the variable in production`,
          );
        }
        return new UriCipher(key);
      },
    },
    RegistryEventsPublisher,
    DatabasesService,
    IndexDefinitionsService,
    ManifestService,
  ],
})
export class RegistryModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(RegistryModule.name);

  constructor(private readonly connection: Connection) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureOwnIndexes([this.connection.model(DATABASE_MODEL), this.connection.model(INDEX_DEFINITION_MODEL)], this.logger);
  }
}
