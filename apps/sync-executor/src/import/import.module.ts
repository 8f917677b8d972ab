import { Module } from '@nestjs/common';
import { ImportController } from './import.controller';
import { ImportService } from './import.service';

/**
 * Reverse sync: imports a target's real indexes into the design repository, on request
 * (SyncRpc.importIndexes) and for `import_indexes` at database creation (SyncCommands.importIndexes).
 * Needs the global `TargetPool` and `UriCipher` (TargetPoolModule / UriCipherModule in main.ts).
 */
@Module({
  controllers: [ImportController],
  providers: [ImportService],
  exports: [ImportService],
})
export class ImportModule {}
