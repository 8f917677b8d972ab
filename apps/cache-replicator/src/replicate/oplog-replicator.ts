import type { EntityName, EntityShape, OplogEntry } from '@ir/contracts';
import { OneAtATime } from '@ir/platform';
import { CacheDatabases } from '../cache/cache-databases';
import type { EntityCacheDb } from '../cache/entity-cache-db';
import type { LocalMetadata } from './local-metadata';

/** Where a replicator reads the oplog from (the oplog manager's "entries since", of some entities when given). */
export interface OplogSource {
  since(afterId: string, limit: number, entities?: readonly EntityName[]): Promise<OplogEntry[]>;
}

const OFFSET_KEY = 'oplog_offset';

/**
 * A cache replicator: reads the oplog in batches from its offset, groups each batch by entity, applies
 * each group to that entity's SQLite database (created with the shape's columns on first use), and
 * records the offset after the caches hold the batch. Entries of entities it has no shape for (deleted
 * since) are passed over. A crash between a cache's commit and the offset's replays the batch, which
 * the caches skip by their own applied id.
 *
 * A cache that holds nothing while the offset is past 0 (deleted and recreated, its directory lost, or
 * emptied by a new shape) is first filled from the oplog with that entity's entries up to the offset,
 * so it ends equal to the others. Batches, fills, recreates and drops run one at a time.
 */
export class OplogReplicator {
  private readonly databases: CacheDatabases;
  private readonly serial = new OneAtATime();

  constructor(
    private readonly deps: {
      readonly root: string;
      readonly source: OplogSource;
      readonly metadata: LocalMetadata;
      readonly shapeOf: (entity: EntityName) => EntityShape | undefined;
      readonly batchSize: number;
      /** Cache connections idle this long are closed (CacheDatabases' default when unset). */
      readonly idleMs?: number;
      readonly maxOpen?: number;
    },
  ) {
    this.databases = new CacheDatabases({ root: deps.root, idleMs: deps.idleMs, maxOpen: deps.maxOpen });
  }

  offset(): string {
    return this.deps.metadata.get<string>(OFFSET_KEY) ?? '0';
  }

  /** One batch; returns how many entries it read (0: caught up). */
  replicateOnce(): Promise<number> {
    return this.serial.run('replicator', () => this.replicateBatch());
  }

  /** Replicates until a batch comes back empty; returns the entries read. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (let read = await this.replicateOnce(); read > 0; read = await this.replicateOnce()) total += read;
    return total;
  }

  /** The entity's cache, opened if needed; undefined for an entity without a shape (deleted). */
  cacheOf(entity: EntityName): EntityCacheDb | undefined {
    const shape = this.deps.shapeOf(entity);
    return shape && this.databases.get(entity, shape);
  }

  /** The entity is gone: its connection closed and its directory removed. */
  dropEntity(entity: EntityName): Promise<void> {
    return this.serial.run('replicator', async () => this.databases.delete(entity));
  }

  /** Rebuilds the entity's cache from the oplog, up to this replica's offset; returns the entries applied. */
  recreate(entity: EntityName): Promise<number> {
    return this.serial.run('replicator', async () => {
      this.databases.delete(entity);
      const cache = this.cacheOf(entity);
      return cache ? this.fill(cache, this.offset()) : 0;
    });
  }

  close(): void {
    this.databases.close();
  }

  private async replicateBatch(): Promise<number> {
    const offset = this.offset();
    const entries = await this.deps.source.since(offset, this.deps.batchSize);
    if (entries.length === 0) return 0;
    const byEntity = new Map<EntityName, OplogEntry[]>();
    for (const entry of entries) {
      const group = byEntity.get(entry.entity);
      if (group) group.push(entry);
      else byEntity.set(entry.entity, [entry]);
    }
    for (const [entity, group] of byEntity) {
      const cache = this.cacheOf(entity);
      if (!cache) continue;
      if (cache.appliedId() === '0' && offset !== '0') await this.fill(cache, offset);
      cache.apply(group);
    }
    this.deps.metadata.set(OFFSET_KEY, entries[entries.length - 1]!.id);
    return entries.length;
  }

  /** Applies the entity's entries after the cache's applied id up to `upTo` (inclusive), in batches. */
  private async fill(cache: EntityCacheDb, upTo: string): Promise<number> {
    const last = BigInt(upTo);
    let applied = 0;
    for (;;) {
      const entries = (await this.deps.source.since(cache.appliedId(), this.deps.batchSize, [cache.entity])).filter(
        (entry) => BigInt(entry.id) <= last,
      );
      if (entries.length === 0) return applied;
      applied += cache.apply(entries);
    }
  }
}
