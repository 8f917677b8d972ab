import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { EntityInternalRpc, servicePrincipal, type EntityShape, type EntitySpec } from '@ir/contracts';
import { BusClient, runAs } from '@ir/messaging';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { CacheReplicatorConfig } from '../cache-replicator.config';
import { LocalMetadata } from '../replicate/local-metadata';
import { OplogReplicator } from '../replicate/oplog-replicator';
import { BusOplogSource, EntitySpecs } from './entity-specs';
import { entityApplied, entityCacheRecreates, entityReplicaLag } from './replica-metrics';

/** What this replica built each entity's cache for: the generation and the shape. */
type BuiltCaches = Record<string, { generation: number; shape: EntityShape }>;
const BUILT_KEY = 'built_caches';
const MAX_BACKOFF_MS = 30_000;

/**
 * The replica's loop: read the entities, bring each cache in line with them (rebuild one whose
 * generation was raised by a recreate request or whose shape changed; delete one whose entity is
 * gone), apply the next oplog batch, and report progress to entity-oplog now and then. A failure
 * (entity-oplog away) is retried with backoff; the offset makes the restart lose nothing.
 */
@Injectable()
export class ReplicaSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReplicaSync.name);
  readonly replicaId: string;
  private readonly dbs: string;
  private readonly metadata: LocalMetadata;
  private readonly specs: EntitySpecs;
  private readonly source: BusOplogSource;
  private readonly replicator: OplogReplicator;
  private stopped = false;
  private done?: Promise<void>;
  private wake?: () => void;
  private lastReport = 0;
  private lastSpecs = 0;

  constructor(
    private readonly bus: BusClient,
    @Inject(SERVICE_CONFIG) private readonly config: CacheReplicatorConfig,
  ) {
    const dir = resolve(config.CACHE_DIR);
    this.replicaId = config.REPLICA_ID ?? `${hostname()}-${createHash('sha256').update(dir).digest('hex').slice(0, 8)}`;
    this.dbs = join(dir, 'dbs');
    this.metadata = new LocalMetadata(dir);
    this.specs = new EntitySpecs(bus);
    this.source = new BusOplogSource(bus, this.specs, {
      waitMs: config.REPLICATE_WAIT,
      timeoutMs: config.BUS_REQUEST_TIMEOUT + config.REPLICATE_WAIT,
    });
    this.replicator = new OplogReplicator({
      root: this.dbs,
      source: this.source,
      metadata: this.metadata,
      shapeOf: (entity) => this.specs.get(entity)?.columns,
      batchSize: config.REPLICATE_BATCH_SIZE,
    });
  }

  onApplicationBootstrap(): void {
    this.done = runAs(servicePrincipal('cache-replicator'), () => this.loop());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.done;
    this.replicator.close();
    this.metadata.close();
  }

  /** For readiness: the offset and how far the oplog is ahead. */
  progress(): { replica: string; offset: string; last_id: string } {
    return { replica: this.replicaId, offset: this.replicator.offset(), last_id: this.source.lastId };
  }

  private async loop(): Promise<void> {
    let backoff = this.config.REPLICATE_POLL_INTERVAL;
    while (!this.stopped) {
      try {
        // The entities every report interval (an unknown entity in a batch refreshes them at once, see BusOplogSource):
        // an idle replica asks for little more than the next batch.
        if (Date.now() - this.lastSpecs >= this.config.REPLICATE_REPORT_INTERVAL) {
          await this.specs.refresh();
          this.lastSpecs = Date.now();
          await this.reconcile();
        }
        const started = Date.now();
        const read = await this.replicator.replicateOnce();
        entityApplied.inc(read);
        entityReplicaLag.set(Number(BigInt(this.source.lastId) - BigInt(this.replicator.offset())));
        await this.reportNowAndThen();
        backoff = this.config.REPLICATE_POLL_INTERVAL;
        // A read that found nothing has already waited for new entries (REPLICATE_WAIT); the poll interval
        // bounds how often one that could not wait (PostgreSQL's notifications lost meanwhile) asks again.
        if (read === 0) await this.sleep(Math.max(0, this.config.REPLICATE_POLL_INTERVAL - (Date.now() - started)));
      } catch (error) {
        this.logger.warn(`replication round failed: ${String(error)}; retrying in ${backoff} ms`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Rebuilds the caches that need it and deletes those of deleted entities. */
  private async reconcile(): Promise<void> {
    const built = this.metadata.get<BuiltCaches>(BUILT_KEY) ?? {};
    let changed = false;
    for (const spec of this.specs.all()) {
      const mine = built[spec.name];
      if (!mine) {
        // First sight: the cache is built from this replica's offset on, with this shape.
        built[spec.name] = { generation: spec.cache_generation, shape: spec.columns };
        changed = true;
      } else if (mine.generation < spec.cache_generation || JSON.stringify(mine.shape) !== JSON.stringify(spec.columns)) {
        await this.recreate(spec, mine.generation < spec.cache_generation ? 'requested' : 'shape_changed');
        built[spec.name] = { generation: spec.cache_generation, shape: spec.columns };
        changed = true;
      }
    }
    for (const name of Object.keys(built)) {
      if (this.specs.get(name)) continue;
      await this.replicator.dropEntity(name);
      delete built[name];
      changed = true;
      this.logger.log(`entity ${name} was deleted: its cache is removed`);
    }
    if (changed) this.metadata.set(BUILT_KEY, built);
  }

  private async recreate(spec: EntitySpec, reason: 'requested' | 'shape_changed'): Promise<void> {
    const started = Date.now();
    // Between batches (the replicator runs one thing at a time), up to this replica's offset; a failure
    // leaves the generation unrecorded, so the next reconcile rebuilds it from scratch again.
    const applied = await this.replicator.recreate(spec.name);
    entityCacheRecreates.inc({ reason });
    this.logger.log(`cache of ${spec.name} rebuilt (${reason}): ${applied} entries in ${Date.now() - started} ms`);
  }

  private async reportNowAndThen(): Promise<void> {
    if (Date.now() - this.lastReport < this.config.REPLICATE_REPORT_INTERVAL) return;
    const built = this.metadata.get<BuiltCaches>(BUILT_KEY) ?? {};
    await this.bus.request(EntityInternalRpc.report, {
      replica: this.replicaId,
      offset: this.replicator.offset(),
      entities: this.specs.all().map((spec) => ({
        entity: spec.name,
        applied_id: this.replicator.cacheOf(spec.name)?.appliedId() ?? '0',
        cache_generation: built[spec.name]?.generation ?? 0,
      })),
    });
    this.lastReport = Date.now();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(done, ms);
      this.wake = () => {
        clearTimeout(timer);
        done();
      };
    });
  }
}
