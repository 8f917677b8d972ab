import { APPEND_MAX, EntityInternalRpc, type EntityName, type OplogChange } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import type { OplogSink, PositionStore } from '../capture/source-capture';
import { isResumeToken, type SourcePosition } from '../source/source-change';

/**
 * The oplog manager over the bus: each append is acknowledged once PostgreSQL committed it. Every write
 * carries the capture lease's epoch this sink was made with: once another capture took the lease they are refused.
 */
export class BusOplogSink implements OplogSink {
  constructor(
    private readonly bus: Pick<BusClient, 'request'>,
    private readonly epoch: number,
  ) {}

  /** In chunks that keep each message small, in order: the next is sent only after the previous was acknowledged. */
  async append(changes: readonly OplogChange[]): Promise<void> {
    for (let start = 0; start < changes.length; start += APPEND_MAX) {
      await this.bus.request(EntityInternalRpc.append, { epoch: this.epoch, changes: changes.slice(start, start + APPEND_MAX) });
    }
  }

  async finishScan(entity: EntityName): Promise<void> {
    await this.bus.request(EntityInternalRpc.finishScan, { epoch: this.epoch, entity });
  }

  /** The soft refresh asked for at `requestedAt` is done: entity-oplog clears it unless it was asked for again meanwhile. */
  async softRefreshDone(entity: EntityName, requestedAt: string): Promise<void> {
    await this.bus.request(EntityInternalRpc.softRefreshDone, { epoch: this.epoch, entity, requested_at: requestedAt });
  }

  /** The entity rebuilt by entity-oplog (back to scanning, what its next scan does not find deleted); one deleted meanwhile needs nothing. */
  async hardRefresh(entity: EntityName): Promise<void> {
    await this.bus.request(EntityInternalRpc.hardRefresh, { entity });
  }
}

/** One source's resume position, kept by entity-oplog (metadata `mongo_resume_token:<database id>`). */
export class BusPositionStore implements PositionStore {
  constructor(
    private readonly bus: Pick<BusClient, 'request'>,
    private readonly databaseId: string,
    private readonly epoch: number,
  ) {}

  async get(): Promise<SourcePosition | undefined> {
    const { position } = await this.bus.request(EntityInternalRpc.position, { database_id: this.databaseId });
    return position ?? undefined;
  }

  async set(position: SourcePosition): Promise<void> {
    const saved = isResumeToken(position) ? { _data: position._data } : { t: position.t, i: position.i };
    await this.bus.request(EntityInternalRpc.savePosition, { epoch: this.epoch, database_id: this.databaseId, position: saved });
  }
}
