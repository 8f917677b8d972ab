import type { EntityName, OplogChange, OplogEntry } from '@ir/contracts';
import type { Pool, PoolClient } from 'pg';
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
   * how many were written to each.
   */
  async append(changes: readonly OplogChange[]): Promise<{ oplog: number; staged: number; dropped: number }> {
    if (changes.length === 0) return { oplog: 0, staged: 0, dropped: 0 };
    return inAppendTransaction(this.pool, async (client) => {
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
   * Ends an entity's first scan: its staged entries move to the oplog in their order (after the scan's
   * upserts, which were appended to staging too), and the entity is `scanned` from then on. Atomic:
   * an append waits for it, so no change can slip between the move and the state.
   */
  async finishScan(entity: EntityName): Promise<number> {
    return inAppendTransaction(this.pool, async (client) => {
      const moved = await client.query(
        `INSERT INTO oplog (${COLUMNS}) SELECT ${COLUMNS} FROM oplog_staging WHERE entity = $1 ORDER BY id`,
        [entity],
      );
      await client.query('DELETE FROM oplog_staging WHERE entity = $1', [entity]);
      await client.query(`UPDATE entities SET state = 'scanned', updated_at = now() WHERE name = $1`, [entity]);
      return moved.rowCount ?? 0;
    });
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
