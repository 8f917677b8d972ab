import type { EntityDefinition, EntityName, EntityShape, EntityState } from '@ir/contracts';
import { inTransaction } from '@ir/platform';
import type { Pool } from 'pg';
import { assertCaptureEpoch } from '../lease/capture-fence';
import { inAppendTransaction } from '../storage/append-lock';

export interface StoredEntity extends EntityDefinition {
  projectId: string;
  state: EntityState;
  cacheGeneration: number;
  /** A soft refresh asked for and not done yet. */
  softRefreshRequestedAt?: string;
  /** When the last soft refresh asked for was done. */
  softRefreshDoneAt?: string;
  createdAt: string;
  updatedAt: string;
}

interface EntityRow {
  name: string;
  project_id: string;
  database_id: string;
  collection: string;
  columns: EntityShape;
  refresh_interval_seconds: number | null;
  state: EntityState;
  cache_generation: number;
  soft_refresh_requested_at: Date | null;
  soft_refresh_done_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'name, project_id, database_id, collection, columns, refresh_interval_seconds, state, cache_generation, ' +
  'soft_refresh_requested_at, soft_refresh_done_at, created_at, updated_at';

function entityOf(row: EntityRow): StoredEntity {
  return {
    name: row.name,
    projectId: row.project_id,
    source: { databaseId: row.database_id, collection: row.collection },
    columns: row.columns,
    ...(row.refresh_interval_seconds === null ? {} : { refresh_interval_seconds: row.refresh_interval_seconds }),
    state: row.state,
    cacheGeneration: row.cache_generation,
    ...(row.soft_refresh_requested_at === null ? {} : { softRefreshRequestedAt: row.soft_refresh_requested_at.toISOString() }),
    ...(row.soft_refresh_done_at === null ? {} : { softRefreshDoneAt: row.soft_refresh_done_at.toISOString() }),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** PostgreSQL's unique_violation: the name is taken. */
const UNIQUE_VIOLATION = '23505';

/**
 * The entities, scoped by the caller's project in every read and write (one of another project is
 * not found), but for the capture's `all()`, which serves every project's sources.
 */
export class EntityRepository {
  constructor(private readonly pool: Pool) {}

  /** A new entity starts `scanning`: its changes wait in staging until its first scan is done. Undefined when the name is taken. */
  async create(projectId: string, entity: EntityDefinition): Promise<StoredEntity | undefined> {
    try {
      const result = await this.pool.query<EntityRow>(
        `INSERT INTO entities (name, project_id, database_id, collection, columns, refresh_interval_seconds, state)
         VALUES ($1, $2, $3, $4, $5, $6, 'scanning') RETURNING ${COLUMNS}`,
        [
          entity.name,
          projectId,
          entity.source.databaseId,
          entity.source.collection,
          JSON.stringify(entity.columns),
          entity.refresh_interval_seconds ?? null,
        ],
      );
      return entityOf(result.rows[0]!);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
      throw error;
    }
  }

  async get(projectId: string, name: EntityName): Promise<StoredEntity | undefined> {
    const result = await this.pool.query<EntityRow>(`SELECT ${COLUMNS} FROM entities WHERE project_id = $1 AND name = $2`, [
      projectId,
      name,
    ]);
    const row = result.rows[0];
    return row && entityOf(row);
  }

  async list(projectId: string): Promise<StoredEntity[]> {
    const result = await this.pool.query<EntityRow>(`SELECT ${COLUMNS} FROM entities WHERE project_id = $1 ORDER BY name`, [projectId]);
    return result.rows.map(entityOf);
  }

  /** The entity of that name, whichever project it is in: for the caller's authorization, which decides what it may see. */
  async byName(name: EntityName): Promise<StoredEntity | undefined> {
    const result = await this.pool.query<EntityRow>(`SELECT ${COLUMNS} FROM entities WHERE name = $1`, [name]);
    const row = result.rows[0];
    return row && entityOf(row);
  }

  /** The entities of the projects given, or of every project. */
  async inProjects(projectIds: readonly string[] | 'all'): Promise<StoredEntity[]> {
    if (projectIds === 'all') return this.all();
    const result = await this.pool.query<EntityRow>(`SELECT ${COLUMNS} FROM entities WHERE project_id = ANY($1) ORDER BY name`, [
      projectIds,
    ]);
    return result.rows.map(entityOf);
  }

  /** A recreate request: replicas holding an older generation rebuild the cache. */
  async raiseCacheGeneration(projectId: string, name: EntityName): Promise<StoredEntity | undefined> {
    const result = await this.pool.query<EntityRow>(
      `UPDATE entities SET cache_generation = cache_generation + 1, updated_at = now()
       WHERE project_id = $1 AND name = $2 RETURNING ${COLUMNS}`,
      [projectId, name],
    );
    const row = result.rows[0];
    return row && entityOf(row);
  }

  /** Every entity of every project: what the capture watches. */
  async all(): Promise<StoredEntity[]> {
    const result = await this.pool.query<EntityRow>(`SELECT ${COLUMNS} FROM entities ORDER BY name`);
    return result.rows.map(entityOf);
  }

  /**
   * A new shape: the entity is scanned again (`scanning`), since its cached rows hold the old columns.
   * That scan does what a pending soft refresh would: the request is cleared.
   */
  async updateColumns(projectId: string, name: EntityName, columns: EntityShape): Promise<StoredEntity | undefined> {
    const result = await this.pool.query<EntityRow>(
      `UPDATE entities SET columns = $3, state = 'scanning', soft_refresh_requested_at = NULL, updated_at = now()
       WHERE project_id = $1 AND name = $2 RETURNING ${COLUMNS}`,
      [projectId, name, JSON.stringify(columns)],
    );
    const row = result.rows[0];
    return row && entityOf(row);
  }

  /** A new refresh interval (null: refreshed only on request); the entity is not scanned again for it. */
  async updateRefreshInterval(projectId: string, name: EntityName, seconds: number | null): Promise<StoredEntity | undefined> {
    const result = await this.pool.query<EntityRow>(
      `UPDATE entities SET refresh_interval_seconds = $3 WHERE project_id = $1 AND name = $2 RETURNING ${COLUMNS}`,
      [projectId, name, seconds],
    );
    const row = result.rows[0];
    return row && entityOf(row);
  }

  /**
   * A hard refresh: the entity goes back to `scanning`, so the capture scans its collection again into
   * staging and, when done, the merge (OplogRepository.finishScan) deletes the documents the scan did
   * not find and moves the scan in. Under the append lock, so no append of its entries interleaves.
   * Its scan, begun after any pending soft refresh was asked for, does that one too: the request is cleared.
   * False when there is no such entity or it is scanning already.
   */
  async restartScan(projectId: string, name: EntityName): Promise<boolean> {
    return inAppendTransaction(this.pool, async (client) => {
      const updated = await client.query(
        `UPDATE entities SET state = 'scanning', soft_refresh_requested_at = NULL, updated_at = now() WHERE project_id = $1 AND name = $2 AND state = 'scanned'`,
        [projectId, name],
      );
      return (updated.rowCount ?? 0) > 0;
    });
  }

  /**
   * Asks for a soft refresh: the capture scans the collection again once it reads the request, then
   * clears it (`finishSoftRefresh`). Only of a `scanned` entity: one scanning is being scanned already.
   * A request while one is pending moves its time on: a scan already under way may have read a document
   * before this request, so the capture scans again. Undefined when there is no such scanned entity.
   */
  async requestSoftRefresh(projectId: string, name: EntityName): Promise<StoredEntity | undefined> {
    // Milliseconds: the time goes through JSON to the capture and back, and must match exactly to clear it.
    const result = await this.pool.query<EntityRow>(
      `UPDATE entities SET soft_refresh_requested_at = date_trunc('milliseconds', now())
       WHERE project_id = $1 AND name = $2 AND state = 'scanned' RETURNING ${COLUMNS}`,
      [projectId, name],
    );
    const row = result.rows[0];
    return row && entityOf(row);
  }

  /**
   * The capture did the soft refresh asked for at `requestedAt`: cleared and its time recorded, unless a
   * newer request came meanwhile (it stays, still to do) or the request is gone (a hard refresh took it
   * over). Refused unless `epoch` is the capture lease's current one. True when it cleared the request.
   */
  async finishSoftRefresh(name: EntityName, requestedAt: string, epoch: number): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      await assertCaptureEpoch(client, epoch);
      const updated = await client.query(
        `UPDATE entities SET soft_refresh_requested_at = NULL, soft_refresh_done_at = now()
         WHERE name = $1 AND soft_refresh_requested_at = $2`,
        [name, requestedAt],
      );
      return (updated.rowCount ?? 0) > 0;
    });
  }

  /** Deletes the entity and its entries (oplog and staging), under the append lock so no append of its entries interleaves; false when there was none. */
  async delete(projectId: string, name: EntityName): Promise<boolean> {
    return inAppendTransaction(this.pool, async (client) => {
      const deleted = await client.query('DELETE FROM entities WHERE project_id = $1 AND name = $2', [projectId, name]);
      if (!deleted.rowCount) return false;
      await client.query('DELETE FROM oplog WHERE entity = $1', [name]);
      await client.query('DELETE FROM oplog_staging WHERE entity = $1', [name]);
      return true;
    });
  }
}
