import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { EntityInternalRpc, servicePrincipal, type EntitySpec } from '@ir/contracts';
import { BusClient, runAs } from '@ir/messaging';
import { TargetPolicy, UriCipher } from '@ir/target-pool';
import type { EntityCaptureConfig } from '../entity-capture.config';
import { SourceRunner, type SourceStatus } from './source-runner';

/**
 * One capture per source database that has entities: the entities are read from entity-oplog every
 * CAPTURE_REFRESH_INTERVAL, a runner starts for a source that gained its first entity and stops for
 * one that lost its last. Everything runs as the service itself (its own principal on the bus).
 */
@Injectable()
export class CaptureSources implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CaptureSources.name);
  private readonly runners = new Map<string, SourceRunner>();
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    private readonly bus: BusClient,
    private readonly cipher: UriCipher,
    private readonly policy: TargetPolicy,
    @Inject(SERVICE_CONFIG) private readonly config: EntityCaptureConfig,
  ) {}

  onApplicationBootstrap(): void {
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
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
  }

  /** Each source's state, position and lag, for /health/ready. */
  statuses(): ReadonlyMap<string, SourceStatus> {
    return new Map([...this.runners].map(([id, runner]) => [id, runner.status]));
  }

  private async refresh(): Promise<void> {
    let specs: readonly EntitySpec[];
    try {
      specs = (await this.bus.request(EntityInternalRpc.specs, {})).items;
    } catch (error) {
      this.logger.warn(`cannot read the entities from entity-oplog: ${String(error)}`);
      return;
    }
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
          },
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
