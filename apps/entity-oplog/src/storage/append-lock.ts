import { inTransaction } from '@ir/platform';
import type { Pool, PoolClient } from 'pg';

/**
 * The key of the advisory lock every write to the oplog holds until it commits. Ids come from a
 * sequence, and two concurrent transactions may commit in the other order than they took their ids: a
 * reader that went on from id 11 would never see a 10 committed after it. One writer at a time makes
 * commit order id order, so "entries after my offset" is a complete answer.
 */
const APPEND_LOCK = 1_600_017;

/**
 * Runs `work` in a transaction that holds the append lock (released by COMMIT or ROLLBACK), and that
 * notifies the channel named after the schema: PostgreSQL delivers it at commit only, to every listener
 * (OplogAppended, which wakes the replicators waiting for entries).
 */
export async function inAppendTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    const result = await work(client);
    await client.query(`SELECT pg_notify(current_schema(), '')`);
    return result;
  });
}
