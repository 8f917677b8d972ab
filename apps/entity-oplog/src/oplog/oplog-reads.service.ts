import { Injectable } from '@nestjs/common';
import type { EntityName, OplogPage, ReplicationStats, SystemStats } from '@ir/contracts';
import { EntityAccess } from '../entities/entity-access';
import { EntityRepository } from '../entities/entity.repository';
import { entityEntriesRead } from '../entity-oplog-metrics';
import { ReplicaRepository } from '../replication/replica.repository';
import { OplogAppended } from '../storage/oplog-appended';
import { OplogRepository } from './oplog.repository';

/** What viewers read: an entity's entries, several entities' at once, replication and system statistics. */
@Injectable()
export class OplogReadsService {
  constructor(
    private readonly oplog: OplogRepository,
    private readonly entities: EntityRepository,
    private readonly replicas: ReplicaRepository,
    private readonly access: EntityAccess,
    private readonly appended: OplogAppended,
  ) {}

  async read(name: EntityName, after: string, limit: number): Promise<OplogPage> {
    await this.access.authorize(name, 'entities:read');
    return this.page([name], after, limit, 'api');
  }

  /** Every entity named must be readable by the caller: one it cannot see is a 404 naming it, as alone. */
  async readMany(names: readonly EntityName[], after: string, limit: number): Promise<OplogPage> {
    for (const name of names) await this.access.authorize(name, 'entities:read');
    return this.page(names, after, limit, 'api');
  }

  /**
   * Entries of every entity (or of those given), for the replicators. With `waitMs`, a page that would
   * be empty waits up to that long for the next write to the oplog and is read again then: a caught-up
   * replicator is answered when entries come rather than on its next poll.
   */
  async readAll(after: string, limit: number, names?: readonly EntityName[], waitMs = 0): Promise<OplogPage> {
    // Before the read: a commit between the read and the wait still ends the wait.
    const next = waitMs > 0 ? this.appended.next(waitMs) : undefined;
    const page = await this.page(names, after, limit, 'replica');
    if (!next) return page;
    if (page.entries.length > 0) {
      next.cancel();
      return page;
    }
    return (await next.appended) ? this.page(names, after, limit, 'replica') : page;
  }

  async replication(name: EntityName): Promise<ReplicationStats> {
    const entity = await this.access.authorize(name, 'entities:read');
    const [lastId, replicas] = await Promise.all([this.oplog.lastIdOf(name), this.replicas.statsOf(name)]);
    return { entity: name, last_id: lastId, cache_generation: entity.cacheGeneration, replicas };
  }

  async stats(): Promise<SystemStats> {
    const visible = await this.entities.inProjects(this.access.projects('entities:read'));
    const names = visible.map((entity) => entity.name);
    const [counts, lastId, replicas] = await Promise.all([this.oplog.counts(names), this.oplog.lastId(), this.replicas.list()]);
    return {
      entities: {
        total: visible.length,
        scanning: visible.filter((entity) => entity.state === 'scanning').length,
        scanned: visible.filter((entity) => entity.state === 'scanned').length,
      },
      oplog: { ...counts, last_id: lastId },
      replicas,
    };
  }

  private async page(
    names: readonly EntityName[] | undefined,
    after: string,
    limit: number,
    reader: 'api' | 'replica',
  ): Promise<OplogPage> {
    const [entries, lastId] = await Promise.all([this.oplog.since(after, limit, names), this.oplog.lastId()]);
    entityEntriesRead.inc({ reader }, entries.length);
    return { entries, next_after: entries.at(-1)?.id ?? after, last_id: lastId };
  }
}
