import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ImportController } from './import.controller';
import { ImportRunner } from './import-runner';
import { importModelProvider } from './import.model';
import { ImportRepository } from './import.repository';
import { ImportService } from './import.service';
import { RegistryDefinitions } from './registry-definitions';

/**
 * Reverse sync: imports a target's real indexes into the design repository, on request
 * (SyncRpc.importIndexes) and for `import_indexes` at database creation (SyncCommands.importIndexes),
 * each with a record to query (ImportRpc). Needs the global `TargetPool` and `UriCipher`
 * (TargetPoolModule / UriCipherModule in main.ts).
 */
@Module({
  controllers: [ImportController],
  providers: [importModelProvider, ImportRepository, RegistryDefinitions, ImportRunner, ImportService],
  exports: [ImportService],
})
export class ImportModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(ImportModule.name);

  constructor(private readonly records: ImportRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.records.ensureIndexes(this.logger);
  }
}
