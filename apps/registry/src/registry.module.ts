import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { SealingModule } from '@ir/messaging';
import { loadEncryptionKey } from '@ir/target-pool';
import type { RegistryConfig } from './registry.config';
import { RegistryAudit } from './audit/registry-audit';
import { DatabaseAccess } from './databases/database-access';
import { ImportRequests } from './databases/import-requests';
import { UnownedDatabases } from './databases/unowned-databases';
import { databaseModelProvider } from './databases/database.model';
import { DatabaseRepository } from './databases/database.repository';
import { listVersionModelProvider } from './databases/list-version.model';
import { ListVersionRepository } from './databases/list-version.repository';
import { DatabasesController } from './databases/databases.controller';
import { DatabaseServers } from './databases/database-server';
import { DatabasesService } from './databases/databases.service';
import { indexDefinitionModelProvider } from './indexes/index-definition.model';
import { IndexDefinitionRepository } from './indexes/index-definition.repository';
import { definitionSetModelProvider } from './indexes/definition-set.model';
import { DefinitionSetRepository } from './indexes/definition-set.repository';
import { DefinitionSets } from './indexes/definition-sets';
import { DefinitionSetBackfill } from './indexes/definition-set-backfill';
import { IndexDefinitionsController } from './indexes/index-definitions.controller';
import { IndexDefinitionsService } from './indexes/index-definitions.service';
import { SignatureRefresh } from './indexes/signature-refresh';
import { manifestClaimModelProvider } from './manifest/manifest-claim.model';
import { ManifestClaimRepository } from './manifest/manifest-claim.repository';
import { ManifestController } from './manifest/manifest.controller';
import { ManifestService } from './manifest/manifest.service';
import { RegistryEventsPublisher } from './registry-events';

/**
 * The key pair that opens the target URIs sealed for the registry on the bus, derived from
 * TARGET_ENCRYPTION_KEY, which every replica holds (it opens the URIs it keeps sealed at rest too).
 */
const UriSealingModule = SealingModule.forService('registry', {
  inject: [SERVICE_CONFIG],
  secret: async (config: RegistryConfig) => (await loadEncryptionKey(config.TARGET_ENCRYPTION_KEY, config.DATA_DIR)).key,
});

/** Target databases and the design repository of index definitions. */
@Module({
  imports: [UriSealingModule],
  controllers: [DatabasesController, IndexDefinitionsController, ManifestController],
  providers: [
    databaseModelProvider,
    indexDefinitionModelProvider,
    manifestClaimModelProvider,
    definitionSetModelProvider,
    listVersionModelProvider,
    ListVersionRepository,
    DatabaseRepository,
    DatabaseAccess,
    UnownedDatabases,
    IndexDefinitionRepository,
    DefinitionSetRepository,
    DefinitionSets,
    DefinitionSetBackfill,
    ManifestClaimRepository,
    RegistryEventsPublisher,
    RegistryAudit,
    ImportRequests,
    DatabasesService,
    DatabaseServers,
    IndexDefinitionsService,
    {
      provide: SignatureRefresh,
      inject: [IndexDefinitionRepository, DatabaseRepository],
      useFactory: (definitions: IndexDefinitionRepository, databases: DatabaseRepository) =>
        new SignatureRefresh(definitions, (databaseId) => databases.bumpDefinitionsVersion({ _id: databaseId })),
    },
    ManifestService,
  ],
})
export class RegistryModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(RegistryModule.name);

  constructor(
    private readonly databases: DatabaseRepository,
    private readonly definitions: IndexDefinitionRepository,
    private readonly manifestClaims: ManifestClaimRepository,
    private readonly signatures: SignatureRefresh,
    private readonly definitionSets: DefinitionSetBackfill,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.databases.ensureIndexes(this.logger);
    await this.definitions.ensureIndexes(this.logger);
    await this.manifestClaims.ensureIndexes(this.logger);
    // Before the first request: duplicate checks compare stored signatures with the current rules'.
    await this.signatures.run();
    // In the background: until it is done, a database's first read builds its set.
    this.definitionSets.start();
  }
}
