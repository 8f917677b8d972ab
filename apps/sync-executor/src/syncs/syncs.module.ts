import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { READINESS_CHECKS } from '@ir/bootstrap';
import { NatsBus } from '@ir/messaging';
import { RunConsumerHealth } from './consumer.health';
import { SyncApprovals } from './sync-approvals.service';
import { SyncControl } from './sync-control.service';
import { SyncExecutor } from './sync-executor.service';
import { syncLockModelProvider } from './sync-lock.model';
import { SyncLockRepository } from './sync-lock.repository';
import { SyncLocks } from './sync-locks';
import { watchSyncQueue } from './sync-metrics';
import { syncModelProvider } from './sync.model';
import { SyncRepository } from './sync.repository';
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
    private readonly syncs: SyncRepository,
    private readonly locks: SyncLockRepository,
    @Inject(NatsBus) private readonly bus: NatsBus,
  ) {}

  static register(settings: SyncSettings): DynamicModule {
    return {
      module: SyncsModule,
      controllers: [SyncQueriesController, createSyncRunController(settings.concurrency)],
      providers: [
        { provide: SYNC_SETTINGS, useValue: settings },
        syncModelProvider,
        syncLockModelProvider,
        SyncRepository,
        SyncLockRepository,
        {
          provide: SyncLocks,
          inject: [SyncLockRepository, SyncRepository],
          useFactory: (locks: SyncLockRepository, syncs: SyncRepository) => new SyncLocks(locks, syncs),
        },
        SyncApprovals,
        SyncsService,
        SyncControl,
        SyncExecutor,
        RunConsumerHealth,
        { provide: READINESS_CHECKS, inject: [RunConsumerHealth], useFactory: (consumer: RunConsumerHealth) => [consumer] },
      ],
      exports: [READINESS_CHECKS, SyncsService, SyncExecutor],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.syncs.ensureIndexes(this.logger);
    await this.locks.ensureIndexes(this.logger);
    watchSyncQueue(this.bus.jsm);
  }

  onModuleDestroy(): void {
    watchSyncQueue(undefined);
  }
}
