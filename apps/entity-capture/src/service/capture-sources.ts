import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { EntityInternalRpc, servicePrincipal, type EntitySpec } from '@ir/contracts';
import { BusClient, runAs } from '@ir/messaging';
import { TargetPolicy, UriCipher } from '@ir/target-pool';
import type { EntityCaptureConfig } from '../entity-capture.config';
import { CaptureLease, type LeaseStatus } from '../lease/capture-lease';
import { entityCaptureLeaseChanges, entityCaptureLeaseHeld } from './capture-metrics';
import { SourceRunner, type SourceStatus } from './source-runner';

/**
 * One capture per source database that has entities, while this process holds the capture lease (the
 * other replicas stand by): the entities are read from entity-oplog every CAPTURE_REFRESH_INTERVAL, a
 * runner starts for a source that gained its first entity and stops for one that lost its last. Losing
 * the lease stops every runner; taking it (again) starts new ones with the new epoch, from the saved
 * positions. Everything runs as the service itself (its own principal on the bus).
 */
@Injectable()
export class CaptureSources implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CaptureSources.name);
  private readonly runners = new Map<string, SourceRunner>();
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  /** The lease's epoch while this process holds it. */
  private epoch: number | undefined;
  private readonly lease: CaptureLease;

  constructor(
    private readonly bus: BusClient,
    private readonly cipher: UriCipher,
    private readonly policy: TargetPolicy,
    @Inject(SERVICE_CONFIG) private readonly config: EntityCaptureConfig,
  ) {
    const asCapture = <T>(work: () => Promise<T>) => runAs(servicePrincipal('entity-capture'), work);
    this.lease = new CaptureLease(
      {
        acquire: (holder, epoch, ttlMs) => asCapture(() => this.bus.request(EntityInternalRpc.lease, { holder, epoch, ttl_ms: ttlMs })),
        release: (holder, epoch) => asCapture(() => this.bus.request(EntityInternalRpc.releaseLease, { holder, epoch })),
      },
      {
        holder: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 160),
        ttlMs: config.CAPTURE_LEASE_TTL,
        renewMs: config.CAPTURE_LEASE_RENEW,
        onAcquired: (epoch) => this.acquired(epoch),
        onLost: () => this.lost(),
        logger: this.logger,
      },
    );
  }

  onApplicationBootstrap(): void {
    entityCaptureLeaseHeld.set(0);
    this.lease.start();
    const tick = () => {
      this.refreshing = runAs(servicePrincipal('entity-capture'), () => this.refresh()).finally(() => {
        if (this.refreshing) this.timer = setTimeout(tick, this.config.CAPTURE_REFRESH_INTERVAL);
      });
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    const pending = this.refreshing;
    this.refreshing = undefined;
    await pending;
    clearTimeout(this.timer);
    await this.lease.stop();
    await this.stopRunners();
  }

  /** This process's part in the lease, for /health/ready. */
  leaseStatus(): Readonly<LeaseStatus> {
    return this.lease.status;
  }

  /** Each source's state, position and lag, for /health/ready. */
  statuses(): ReadonlyMap<string, SourceStatus> {
    return new Map([...this.runners].map(([id, runner]) => [id, runner.status]));
  }

  private acquired(epoch: number): void {
    this.logger.log(`capture lease taken (epoch ${epoch}): capturing`);
    entityCaptureLeaseHeld.set(1);
    entityCaptureLeaseChanges.inc({ change: 'acquired' });
    this.epoch = epoch;
  }

  /** Stops every runner: their writes would be refused, and a new holder captures from the saved positions. */
  private async lost(): Promise<void> {
    entityCaptureLeaseHeld.set(0);
    entityCaptureLeaseChanges.inc({ change: 'lost' });
    this.epoch = undefined;
    await this.refreshing;
    await this.stopRunners();
  }

  private async stopRunners(): Promise<void> {
    const runners = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(runners.map((runner) => runner.stop()));
  }

  private async refresh(): Promise<void> {
    const epoch = this.epoch;
    if (epoch === undefined) return;
    let specs: readonly EntitySpec[];
    try {
      specs = (await this.bus.request(EntityInternalRpc.specs, {})).items;
    } catch (error) {
      this.logger.warn(`cannot read the entities from entity-oplog: ${String(error)}`);
      return;
    }
    if (this.epoch !== epoch) return; // the lease changed hands meanwhile
    const bySource = new Map<string, EntitySpec[]>();
    for (const spec of specs) bySource.set(spec.database_id, [...(bySource.get(spec.database_id) ?? []), spec]);
    for (const [databaseId, entities] of bySource) {
      let runner = this.runners.get(databaseId);
      if (!runner) {
        runner = new SourceRunner(databaseId, {
          bus: this.bus,
          cipher: this.cipher,
          policy: this.policy,
          settings: {
            pollIntervalMs: this.config.CAPTURE_POLL_INTERVAL,
            batchSize: this.config.CAPTURE_BATCH_SIZE,
            settleMs: this.config.CAPTURE_SETTLE,
            trimSourceOplog: this.config.CAPTURE_TRIM_SOURCE_OPLOG,
          },
          epoch,
        });
        this.runners.set(databaseId, runner);
        this.logger.log(`capturing source database ${databaseId} (${entities.length} entities)`);
      }
      runner.setEntities(entities);
      runner.start();
    }
    for (const [databaseId, runner] of this.runners) {
      if (bySource.has(databaseId)) continue;
      this.runners.delete(databaseId);
      this.logger.log(`source database ${databaseId} has no entities left: its capture stops`);
      await runner.stop();
    }
  }
}
