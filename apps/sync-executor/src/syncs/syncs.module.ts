import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { READINESS_CHECKS } from '@ir/bootstrap';
import { NatsBus } from '@ir/messaging';
import { ensureOwnIndexes } from '@ir/platform';
import { Connection } from 'mongoose';
import { RunConsumerHealth } from './consumer.health';
import { SyncExecutor } from './sync-executor.service';
import { SyncLocks } from './sync-locks';
import { watchSyncQueue } from './sync-metrics';
import { SYNC_LOCK_MODEL, SYNC_MODEL, syncLockModel, syncModel, type SyncLockModel, type SyncModel } from './sync.model';
import { SYNC_SETTINGS, type SyncSettings } from './sync-settings';
import { createSyncRunController, SyncQueriesController } from './syncs.controller';
import { SyncsService } from './syncs.service';

/**
 * Syncs: starting them under the per-database lock, running them from the SYNC_COMMANDS work queue,
 * and the questions about them. Global only to hand its consumer check to the service's readiness.
 */
@Global()
@Module({})
export class SyncsModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncsModule.name);

  constructor(
    private readonly connection: Connection,
    @Inject(NatsBus) private readonly bus: NatsBus,
  ) {}

  static register(settings: SyncSettings): DynamicModule {
    return {
      module: SyncsModule,
      controllers: [SyncQueriesController, createSyncRunController(settings.concurrency)],
      providers: [
        { provide: SYNC_SETTINGS, useValue: settings },
        { provide: SYNC_MODEL, inject: [Connection], useFactory: syncModel },
        { provide: SYNC_LOCK_MODEL, inject: [Connection], useFactory: syncLockModel },
        {
          provide: SyncLocks,
          inject: [SYNC_LOCK_MODEL, SYNC_MODEL],
          useFactory: (locks: SyncLockModel, syncs: SyncModel) => new SyncLocks(locks, syncs),
        },
        SyncsService,
        SyncExecutor,
        RunConsumerHealth,
        { provide: READINESS_CHECKS, inject: [RunConsumerHealth], useFactory: (consumer: RunConsumerHealth) => [consumer] },
      ],
      exports: [READINESS_CHECKS, SyncsService, SyncExecutor],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureOwnIndexes([this.connection.model(SYNC_MODEL), this.connection.model(SYNC_LOCK_MODEL)], this.logger);
    watchSyncQueue(this.bus.jsm);
  }

  onModuleDestroy(): void {
    watchSyncQueue(undefined);
  }
}
