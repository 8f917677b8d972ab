import type { EntityName, ReplicaProgress, ReplicaStats } from '@ir/contracts';
import { inTransaction } from '@ir/platform';
import type { Pool } from 'pg';

interface StatsRow {
  replica: string;
  applied_id: string;
  cache_generation: number;
  reported_at: Date;
  lag_entries: string;
  oldest_unapplied: Date | null;
}

/** The cache replicas' reported progress, and the lag it means against the oplog. */
export class ReplicaRepository {
  constructor(private readonly pool: Pool) {}

  /** A replica's report replaces its previous one (its offset and every entity's applied id and generation). */
  async record(progress: ReplicaProgress): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO replicas (replica, oplog_offset) VALUES ($1, $2)
         ON CONFLICT (replica) DO UPDATE SET oplog_offset = EXCLUDED.oplog_offset, reported_at = now()`,
        [progress.replica, progress.offset],
      );
      await client.query('DELETE FROM replica_entities WHERE replica = $1', [progress.replica]);
      await client.query(
        `INSERT INTO replica_entities (replica, entity, applied_id, cache_generation)
         SELECT $1, e, a, g FROM unnest($2::text[], $3::bigint[], $4::int[]) AS u(e, a, g)`,
        [
          progress.replica,
          progress.entities.map((e) => e.entity),
          progress.entities.map((e) => e.applied_id),
          progress.entities.map((e) => e.cache_generation),
        ],
      );
    });
  }

  /**
   * Each replica's progress on one entity: entries it has not applied yet, and how long ago the
   * oldest of them was written at the source. A replica that has not reported on the entity yet
   * (it never saw an entry of it) counts from 0.
   */
  async statsOf(entity: EntityName, now = new Date()): Promise<ReplicaStats[]> {
    const result = await this.pool.query<StatsRow>(
      `SELECT r.replica, COALESCE(p.applied_id, 0)::text AS applied_id, COALESCE(p.cache_generation, 0) AS cache_generation, r.reported_at,
              (SELECT count(*) FROM oplog o WHERE o.entity = $1 AND o.id > COALESCE(p.applied_id, 0))::text AS lag_entries,
              (SELECT min(o.at) FROM oplog o WHERE o.entity = $1 AND o.id > COALESCE(p.applied_id, 0)) AS oldest_unapplied
       FROM replicas r LEFT JOIN replica_entities p ON p.replica = r.replica AND p.entity = $1
       ORDER BY r.replica`,
      [entity],
    );
    return result.rows.map((row) => ({
      replica: row.replica,
      applied_id: row.applied_id,
      lag_entries: Number(row.lag_entries),
      lag_seconds: row.oldest_unapplied ? Math.max(0, (now.getTime() - row.oldest_unapplied.getTime()) / 1000) : 0,
      cache_generation: row.cache_generation,
      reported_at: row.reported_at.toISOString(),
    }));
  }

  async list(): Promise<{ replica: string; entities: number; reported_at: string }[]> {
    const result = await this.pool.query<{ replica: string; entities: string; reported_at: Date }>(
      `SELECT r.replica, count(p.entity)::text AS entities, r.reported_at
       FROM replicas r LEFT JOIN replica_entities p ON p.replica = r.replica GROUP BY r.replica, r.reported_at ORDER BY r.replica`,
    );
    return result.rows.map((row) => ({ replica: row.replica, entities: Number(row.entities), reported_at: row.reported_at.toISOString() }));
  }
}
