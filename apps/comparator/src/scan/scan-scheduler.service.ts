import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { randomUUID } from 'node:crypto';
import type { ComparatorConfig } from '../comparator.config';
import { CompareService } from '../compare/compare.service';
import { DriftTracker } from '../drift/drift-tracker.service';
import { RegistryClient } from '../targets/registry-client';
import { SCAN_LEASE_MODEL, type ScanLeaseModel } from './scan-lease.model';

/** A claim lasts this long past the scan's own time limits; then another replica may take the database. */
const CLAIM_MS = 5 * 60_000;
const JITTER = 0.1;

/**
 * Scheduled drift scans. Every replica polls for due leases and claims them
 * one at a time with an atomic update, so each database is compared once per
 * interval whatever the number of replicas. Registry changes pull a database's
 * next scan forward (debounced); the known databases are re-listed from the
 * registry once per interval, so new ones get a lease and deleted ones lose it.
 */
@Injectable()
export class ScanScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScanScheduler.name);
  private readonly replica = randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastRefresh = 0;
  private stopped = false;

  constructor(
    @Inject(SCAN_LEASE_MODEL) private readonly leases: ScanLeaseModel,
    @Inject(SERVICE_CONFIG) private readonly config: ComparatorConfig,
    private readonly registry: RegistryClient,
    private readonly compare: CompareService,
    private readonly drift: DriftTracker,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.config.DRIFT_SCAN_POLL);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Compare this database soon (after the debounce), unless a scan is due even sooner. */
  async scanSoon(databaseId: string): Promise<void> {
    const at = new Date(Date.now() + this.config.DRIFT_CHANGE_DEBOUNCE);
    await this.leases.updateOne({ _id: databaseId }, { $min: { next_scan_at: at } }, { upsert: true });
  }

  async forget(databaseId: string): Promise<void> {
    await Promise.all([this.leases.deleteOne({ _id: databaseId }), this.drift.forget(databaseId)]);
  }

  private async tick(): Promise<void> {
    try {
      if (Date.now() - this.lastRefresh >= this.config.DRIFT_SCAN_INTERVAL) await this.refreshLeases();
      for (let id = await this.claimDue(); id && !this.stopped; id = await this.claimDue()) await this.scan(id);
    } catch (error) {
      this.logger.warn(`drift scan round failed: ${String(error)}`);
    }
  }

  private async refreshLeases(): Promise<void> {
    const ids = await this.registry.databaseIds();
    this.lastRefresh = Date.now();
    await Promise.all(
      ids.map((id) =>
        this.leases.updateOne({ _id: id }, { $setOnInsert: { next_scan_at: new Date(Date.now() + this.jittered()) } }, { upsert: true }),
      ),
    );
    await this.leases.deleteMany({ _id: { $nin: ids } });
  }

  private async claimDue(): Promise<string | undefined> {
    const now = new Date();
    const lease = await this.leases
      .findOneAndUpdate(
        { next_scan_at: { $lte: now }, $or: [{ claimed_until: null }, { claimed_until: { $lt: now } }] },
        { $set: { claimed_until: new Date(now.getTime() + CLAIM_MS), claimed_by: this.replica } },
        { sort: { next_scan_at: 1 }, new: true },
      )
      .lean();
    return lease?._id;
  }

  private async scan(databaseId: string): Promise<void> {
    try {
      await this.compare.compareLive(databaseId);
    } catch (error) {
      this.logger.warn(`scheduled compare of database ${databaseId} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await this.leases.updateOne(
        { _id: databaseId, claimed_by: this.replica },
        { $set: { next_scan_at: new Date(Date.now() + this.jittered()), claimed_until: null, claimed_by: null } },
      );
    }
  }

  /** The interval, give or take 10%, so databases registered together do not scan together forever. */
  private jittered(): number {
    return Math.round(this.config.DRIFT_SCAN_INTERVAL * (1 - JITTER + Math.random() * 2 * JITTER));
  }
}
