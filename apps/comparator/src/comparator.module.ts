import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ensureOwnIndexes } from '@ir/platform';
import { Connection } from 'mongoose';
import { ComparatorController } from './comparator.controller';
import { CompareService } from './compare/compare.service';
import { DRIFT_SNAPSHOT_MODEL, driftSnapshotModel } from './drift/drift-snapshot.model';
import { DriftTracker } from './drift/drift-tracker.service';
import { PlanService } from './plan/plan.service';
import { RegistryChangesController } from './scan/registry-changes.controller';
import { SCAN_LEASE_MODEL, scanLeaseModel } from './scan/scan-lease.model';
import { ScanScheduler } from './scan/scan-scheduler.service';
import { ScriptService } from './script/script.service';
import { RegistryClient } from './targets/registry-client';
import { TargetReader } from './targets/target-reader';

/** Drift between the DR and the real databases: compares, plans, scripts, drift events and scheduled scans. */
@Module({
  controllers: [ComparatorController, RegistryChangesController],
  providers: [
    { provide: DRIFT_SNAPSHOT_MODEL, inject: [Connection], useFactory: driftSnapshotModel },
    { provide: SCAN_LEASE_MODEL, inject: [Connection], useFactory: scanLeaseModel },
    RegistryClient,
    TargetReader,
    CompareService,
    DriftTracker,
    PlanService,
    ScriptService,
    ScanScheduler,
  ],
})
export class ComparatorModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(ComparatorModule.name);

  constructor(private readonly connection: Connection) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureOwnIndexes([this.connection.model(DRIFT_SNAPSHOT_MODEL), this.connection.model(SCAN_LEASE_MODEL)], this.logger);
  }
}
