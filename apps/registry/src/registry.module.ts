import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { DatabaseAccess } from './databases/database-access';
import { UnownedDatabases } from './databases/unowned-databases';
import { databaseModelProvider } from './databases/database.model';
import { DatabaseRepository } from './databases/database.repository';
import { DatabasesController } from './databases/databases.controller';
import { DatabasesService } from './databases/databases.service';
import { indexDefinitionModelProvider } from './indexes/index-definition.model';
import { IndexDefinitionRepository } from './indexes/index-definition.repository';
import { IndexDefinitionsController } from './indexes/index-definitions.controller';
import { IndexDefinitionsService } from './indexes/index-definitions.service';
import { ManifestController } from './manifest/manifest.controller';
import { ManifestService } from './manifest/manifest.service';
import { RegistryEventsPublisher } from './registry-events';

/** Target databases and the design repository of index definitions. */
@Module({
  controllers: [DatabasesController, IndexDefinitionsController, ManifestController],
  providers: [
    databaseModelProvider,
    indexDefinitionModelProvider,
    DatabaseRepository,
    DatabaseAccess,
    UnownedDatabases,
    IndexDefinitionRepository,
    RegistryEventsPublisher,
    DatabasesService,
    IndexDefinitionsService,
    ManifestService,
  ],
})
export class RegistryModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(RegistryModule.name);

  constructor(
    private readonly databases: DatabaseRepository,
    private readonly definitions: IndexDefinitionRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.databases.ensureIndexes(this.logger);
    await this.definitions.ensureIndexes(this.logger);
  }
}
