import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ComparatorController } from './comparator.controller';
import { CompareService } from './compare/compare.service';
import { DriftOverviewBackfill } from './drift/drift-overview-backfill';
import { driftSnapshotModelProvider } from './drift/drift-snapshot.model';
import { DriftSnapshotRepository } from './drift/drift-snapshot.repository';
import { DriftTracker } from './drift/drift-tracker.service';
import { FleetDriftService } from './drift/fleet-drift.service';
import { ComparatorMetrics } from './metrics/comparator-metrics';
import { PlanService } from './plan/plan.service';
import { RegistryChangesController } from './scan/registry-changes.controller';
import { scanClaimModelProvider, scanLeaseModelProvider } from './scan/scan-lease.model';
import { ScanLeaseRepository } from './scan/scan-lease.repository';
import { ScanScheduler } from './scan/scan-scheduler.service';
import { ForegroundWork } from './scan/foreground-work';
import { RunningSyncsListener } from './scan/running-syncs.listener';
import { ScriptService } from './script/script.service';
import { RegistryClient } from './targets/registry-client';
import { TargetCapabilitiesReader } from './targets/target-capabilities';
import { TargetReader } from './targets/target-reader';

/** Drift between the DR and the real databases: compares, plans, scripts, drift events and scheduled scans. */
@Module({
  controllers: [ComparatorController, RegistryChangesController],
  providers: [
    driftSnapshotModelProvider,
    scanLeaseModelProvider,
    scanClaimModelProvider,
    DriftSnapshotRepository,
    ScanLeaseRepository,
    RegistryClient,
    TargetReader,
    TargetCapabilitiesReader,
    CompareService,
    DriftTracker,
    DriftOverviewBackfill,
    FleetDriftService,
    PlanService,
    ScriptService,
    ScanScheduler,
    ForegroundWork,
    RunningSyncsListener,
    ComparatorMetrics,
  ],
})
export class ComparatorModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(ComparatorModule.name);

  constructor(
    private readonly snapshots: DriftSnapshotRepository,
    private readonly leases: ScanLeaseRepository,
    private readonly backfill: DriftOverviewBackfill,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.snapshots.ensureIndexes(this.logger);
    await this.leases.ensureIndexes(this.logger);
    // In the background: the service answers meanwhile, and a snapshot joins the overview once counted.
    this.backfill.run().then(
      (counted) => counted > 0 && this.logger.log(`${counted} drift snapshots stored before the fleet overview counted for it`),
      (error: unknown) => this.logger.warn(`the fleet overview's backfill stopped: ${String(error)}`),
    );
  }
}
