import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ensureOwnIndexes } from '@ir/platform';
import { Connection } from 'mongoose';
import { DATABASE_MODEL, databaseModel } from './databases/database.model';
import { DatabasesController } from './databases/databases.controller';
import { DatabasesService } from './databases/databases.service';
import { INDEX_DEFINITION_MODEL, indexDefinitionModel } from './indexes/index-definition.model';
import { IndexDefinitionsController } from './indexes/index-definitions.controller';
import { IndexDefinitionsService } from './indexes/index-definitions.service';
import { ManifestController } from './manifest/manifest.controller';
import { ManifestService } from './manifest/manifest.service';
import { RegistryEventsPublisher } from './registry-events';

/** Target databases and the design repository of index definitions. */
@Module({
  controllers: [DatabasesController, IndexDefinitionsController, ManifestController],
  providers: [
    { provide: DATABASE_MODEL, inject: [Connection], useFactory: databaseModel },
    { provide: INDEX_DEFINITION_MODEL, inject: [Connection], useFactory: indexDefinitionModel },
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
