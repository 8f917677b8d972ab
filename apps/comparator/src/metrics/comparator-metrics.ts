import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DriftSnapshotRepository } from '../drift/drift-snapshot.repository';
import { ScanLeaseRepository } from '../scan/scan-lease.repository';
import { exportFleetDrift } from './fleet-drift-metrics';
import { exportScanLag } from './scan-metrics';

/** A scrape must answer well within Prometheus's default 10 s timeout, even when MongoDB is slow. */
const READ_LIMIT_MS = 3_000;

/** Connects the comparator's fleet-wide gauges to the collections they are read from at scrape time. */
@Injectable()
export class ComparatorMetrics implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly snapshots: DriftSnapshotRepository,
    private readonly leases: ScanLeaseRepository,
  ) {}

  onModuleInit(): void {
    exportFleetDrift(() => this.snapshots.fleetTotals(READ_LIMIT_MS));
    exportScanLag(() => this.leases.waiting(new Date(), READ_LIMIT_MS));
  }

  onModuleDestroy(): void {
    exportFleetDrift(undefined);
    exportScanLag(undefined);
  }
}
