import { EntityInternalRpc, type EntityName, type EntitySpec, type OplogEntry } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import type { OplogSource } from '../replicate/oplog-replicator';

/** Every entity as entity-oplog last said: the shapes the caches are built with. */
export class EntitySpecs {
  private specs = new Map<EntityName, EntitySpec>();

  constructor(private readonly bus: Pick<BusClient, 'request'>) {}

  async refresh(): Promise<void> {
    const { items } = await this.bus.request(EntityInternalRpc.specs, {});
    this.specs = new Map(items.map((spec) => [spec.name, spec]));
  }

  get(name: EntityName): EntitySpec | undefined {
    return this.specs.get(name);
  }

  all(): readonly EntitySpec[] {
    return [...this.specs.values()];
  }
}

/**
 * The oplog over the bus. Before it hands a batch on, it reads the entities again if the batch has
 * one it does not know: the replicator passes over entries of entities it has no shape for (deleted
 * ones), and an entity created since the last refresh must not be taken for one.
 */
export class BusOplogSource implements OplogSource {
  /** The newest oplog id as of the last read. */
  lastId = '0';

  /**
   * `wait`: how long a read of every entity's entries waits for new ones when there are none (`waitMs`),
   * and the request's time limit then (`timeoutMs`, the bus's own plus the wait).
   */
  constructor(
    private readonly bus: Pick<BusClient, 'request'>,
    private readonly specs: EntitySpecs,
    private readonly wait: { readonly waitMs: number; readonly timeoutMs: number } = { waitMs: 0, timeoutMs: 5_000 },
  ) {}

  /** Every entity's entries (waiting for them when there are none yet), or only those of `entities` (a cache being filled or recreated). */
  async since(afterId: string, limit: number, entities?: readonly EntityName[]): Promise<OplogEntry[]> {
    const waits = !entities && this.wait.waitMs > 0;
    const page = await this.bus.request(
      EntityInternalRpc.read,
      { after: afterId, limit, ...(entities ? { entities: [...entities] } : {}), ...(waits ? { wait_ms: this.wait.waitMs } : {}) },
      waits ? { timeoutMs: this.wait.timeoutMs } : {},
    );
    this.lastId = page.last_id;
    if (page.entries.some((entry) => !this.specs.get(entry.entity))) await this.specs.refresh();
    return page.entries;
  }
}
