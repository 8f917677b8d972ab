import type { EntityName, EntityShape, OplogEntry } from '@ir/contracts';
import { EntityCacheDb } from '../cache/entity-cache-db';
import type { LocalMetadata } from './local-metadata';

/** Where a replicator reads the oplog from (the oplog manager's "entries since"). */
export interface OplogSource {
  since(afterId: string, limit: number): Promise<OplogEntry[]>;
}

const OFFSET_KEY = 'oplog_offset';

/**
 * A cache replicator: reads the oplog in batches from its offset, groups each batch by entity, applies
 * each group to that entity's SQLite database (created with the shape's columns on first use), and
 * records the offset after the caches hold the batch. Entries of entities it has no shape for (deleted
 * since) are passed over. A crash between a cache's commit and the offset's replays the batch, which
 * the caches skip by their own applied id.
 */
export class OplogReplicator {
  private readonly caches = new Map<EntityName, EntityCacheDb>();

  constructor(
    private readonly deps: {
      readonly root: string;
      readonly source: OplogSource;
      readonly metadata: LocalMetadata;
      readonly shapeOf: (entity: EntityName) => EntityShape | undefined;
      readonly batchSize: number;
    },
  ) {}

  offset(): string {
    return this.deps.metadata.get<string>(OFFSET_KEY) ?? '0';
  }

  /** One batch; returns how many entries it read (0: caught up). */
  async replicateOnce(): Promise<number> {
    const entries = await this.deps.source.since(this.offset(), this.deps.batchSize);
    if (entries.length === 0) return 0;
    const byEntity = new Map<EntityName, OplogEntry[]>();
    for (const entry of entries) {
      const group = byEntity.get(entry.entity);
      if (group) group.push(entry);
      else byEntity.set(entry.entity, [entry]);
    }
    for (const [entity, group] of byEntity) this.cacheOf(entity)?.apply(group);
    this.deps.metadata.set(OFFSET_KEY, entries[entries.length - 1]!.id);
    return entries.length;
  }

  /** Replicates until a batch comes back empty; returns the entries read. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (let read = await this.replicateOnce(); read > 0; read = await this.replicateOnce()) total += read;
    return total;
  }

  cacheOf(entity: EntityName): EntityCacheDb | undefined {
    const open = this.caches.get(entity);
    if (open) return open;
    const shape = this.deps.shapeOf(entity);
    if (!shape) return undefined;
    const cache = new EntityCacheDb(this.deps.root, entity, shape);
    this.caches.set(entity, cache);
    return cache;
  }

  close(): void {
    for (const cache of this.caches.values()) cache.close();
    this.caches.clear();
  }
}
