import type { EntityName, OplogChange, OplogEntry } from '@ir/contracts';
import type { Pool, PoolClient } from 'pg';
import { assertCaptureEpoch } from '../lease/capture-fence';
import { inAppendTransaction } from '../storage/append-lock';

interface EntryRow {
  id: string;
  entity: string;
  operation: 'upsert' | 'delete';
  document_id: string;
  at: Date;
  data: Record<string, unknown> | null;
}

const COLUMNS = 'entity, operation, document_id, at, data';

function entryOf(row: EntryRow): OplogEntry {
  return {
    id: row.id,
    entity: row.entity,
    operation: row.operation,
    documentId: row.document_id,
    at: row.at.toISOString(),
    data: row.data,
  };
}

/** The oplog and its staging table: appends in order, reads by offset, and a scanned entity's move from staging. */
export class OplogRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Appends a batch in its order, in one transaction: a scanning entity's changes to staging, the
   * others to the oplog. Changes of entities that are not (or no longer) defined are dropped. Returns
   * how many were written to each. With `epoch` (the capture's writes), refused unless it is the capture
   * lease's current one.
   */
  async append(changes: readonly OplogChange[], epoch?: number): Promise<{ oplog: number; staged: number; dropped: number }> {
    return inAppendTransaction(this.pool, async (client) => {
      if (epoch !== undefined) await assertCaptureEpoch(client, epoch);
      if (changes.length === 0) return { oplog: 0, staged: 0, dropped: 0 };
      const names = [...new Set(changes.map((change) => change.entity))];
      const states = new Map(
        (await client.query<{ name: string; state: string }>('SELECT name, state FROM entities WHERE name = ANY($1)', [names])).rows.map(
          (row) => [row.name, row.state],
        ),
      );
      const toOplog = changes.filter((change) => states.get(change.entity) === 'scanned');
      const toStaging = changes.filter((change) => states.get(change.entity) === 'scanning');
      await insertInto(client, 'oplog', toOplog);
      await insertInto(client, 'oplog_staging', toStaging);
      return { oplog: toOplog.length, staged: toStaging.length, dropped: changes.length - toOplog.length - toStaging.length };
    });
  }

  /**
   * Ends an entity's scan: first a delete for every document the oplog holds alive (its latest entry an
   * upsert) that staging does not name (a hard refresh's merge: the source lost it and its delete never
   * reached the oplog; none on a first scan), then its staged entries move to the oplog in their order
   * (the scan's upserts and the changes made meanwhile), and the entity is `scanned` from then on.
   * Atomic: an append waits for it, so no change can slip between the move and the state. Returns the
   * entries it wrote to the oplog. With `epoch`, refused as `append` is.
   */
  async finishScan(entity: EntityName, epoch?: number): Promise<number> {
    return inAppendTransaction(this.pool, async (client) => {
      if (epoch !== undefined) await assertCaptureEpoch(client, epoch);
      const gone = await client.query(
        `INSERT INTO oplog (${COLUMNS})
         SELECT $1, 'delete', alive.document_id, now(), NULL
         FROM (SELECT DISTINCT ON (document_id) document_id, operation FROM oplog WHERE entity = $1 ORDER BY document_id, id DESC) alive
         WHERE alive.operation = 'upsert'
           AND NOT EXISTS (SELECT 1 FROM oplog_staging s WHERE s.entity = $1 AND s.document_id = alive.document_id)
         ORDER BY alive.document_id`,
        [entity],
      );
      const moved = await client.query(
        `INSERT INTO oplog (${COLUMNS}) SELECT ${COLUMNS} FROM oplog_staging WHERE entity = $1 ORDER BY id`,
        [entity],
      );
      await client.query('DELETE FROM oplog_staging WHERE entity = $1', [entity]);
      await client.query(`UPDATE entities SET state = 'scanned', updated_at = now() WHERE name = $1`, [entity]);
      return (gone.rowCount ?? 0) + (moved.rowCount ?? 0);
    });
  }

  /**
   * Clean-up, at most `limit` rows a call (the job calls again while it gets a full count): oplog
   * entries of entities that no longer exist (a delete whose transaction removed them normally; left
   * by a crash or a hand edit), and staged entries no scan will move: of entities gone or `scanned`.
   */
  async deleteOrphans(limit: number): Promise<{ oplog: number; staging: number }> {
    const orphans = (table: 'oplog' | 'oplog_staging', condition: string) =>
      this.pool.query(
        `DELETE FROM ${table} WHERE id IN (
           SELECT o.id FROM ${table} o LEFT JOIN entities e ON e.name = o.entity WHERE ${condition} LIMIT $1)`,
        [limit],
      );
    const oplog = await orphans('oplog', 'e.name IS NULL');
    const staging = await orphans('oplog_staging', `e.name IS NULL OR e.state = 'scanned'`);
    return { oplog: oplog.rowCount ?? 0, staging: staging.rowCount ?? 0 };
  }

  /** Up to `limit` entries after `afterId`, in id order; of the given entities only, when given. */
  async since(afterId: string, limit: number, entities?: readonly EntityName[]): Promise<OplogEntry[]> {
    const result = entities
      ? await this.pool.query<EntryRow>(`SELECT id, ${COLUMNS} FROM oplog WHERE id > $1 AND entity = ANY($3) ORDER BY id LIMIT $2`, [
          afterId,
          limit,
          entities,
        ])
      : await this.pool.query<EntryRow>(`SELECT id, ${COLUMNS} FROM oplog WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
    return result.rows.map(entryOf);
  }

  /** The newest id of one entity, '0' when it has none. */
  async lastIdOf(entity: EntityName): Promise<string> {
    const result = await this.pool.query<{ id: string | null }>('SELECT max(id)::text AS id FROM oplog WHERE entity = $1', [entity]);
    return result.rows[0]?.id ?? '0';
  }

  /** How many entries the entities have in the oplog and in staging. */
  async counts(entities: readonly EntityName[]): Promise<{ entries: number; staged: number }> {
    const result = await this.pool.query<{ entries: string; staged: string }>(
      `SELECT (SELECT count(*) FROM oplog WHERE entity = ANY($1))::text AS entries,
              (SELECT count(*) FROM oplog_staging WHERE entity = ANY($1))::text AS staged`,
      [entities],
    );
    return { entries: Number(result.rows[0]?.entries ?? 0), staged: Number(result.rows[0]?.staged ?? 0) };
  }

  /** How many entries of the entity wait in staging: a scan's progress. */
  async stagedCount(entity: EntityName): Promise<number> {
    const result = await this.pool.query<{ count: string }>('SELECT count(*) AS count FROM oplog_staging WHERE entity = $1', [entity]);
    return Number(result.rows[0]?.count ?? 0);
  }

  /** The newest id, '0' when the oplog is empty: how far a replica has to go. */
  async lastId(): Promise<string> {
    const result = await this.pool.query<{ id: string | null }>('SELECT max(id)::text AS id FROM oplog');
    return result.rows[0]?.id ?? '0';
  }
}

/** One multi-row INSERT (unnest of arrays): a batch costs one round trip, whatever its size. */
async function insertInto(client: PoolClient, table: 'oplog' | 'oplog_staging', changes: readonly OplogChange[]): Promise<void> {
  if (changes.length === 0) return;
  await client.query(
    `INSERT INTO ${table} (${COLUMNS})
     SELECT ${COLUMNS} FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[]) WITH ORDINALITY AS c(${COLUMNS}, n) ORDER BY n`,
    [
      changes.map((change) => change.entity),
      changes.map((change) => change.operation),
      changes.map((change) => change.documentId),
      changes.map((change) => change.at),
      changes.map((change) => (change.data === null ? null : JSON.stringify(change.data))),
    ],
  );
}
