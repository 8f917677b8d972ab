import type { CaptureLeaseAnswer } from '@ir/contracts';
import { inTransaction } from '@ir/platform';
import type { Pool, PoolClient } from 'pg';
import { CAPTURE_LEASE } from './capture-fence';

interface LeaseRow {
  holder: string;
  epoch: string;
  expires_in_ms: string;
}

const ROW = `holder, epoch, (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::bigint AS expires_in_ms`;

/**
 * The one capture lease: held by one capture at a time, taken when free or expired (the epoch raised),
 * renewed by its holder (the epoch kept). Times are PostgreSQL's clock, so the captures' clocks do not
 * matter for who holds it.
 */
export class CaptureLeaseRepository {
  constructor(private readonly pool: Pool) {}

  /** Renews `holder`'s lease of `epoch`, or takes the lease if it is free or expired; otherwise says who holds it. */
  async acquire(holder: string, epoch: number | undefined, ttlMs: number): Promise<CaptureLeaseAnswer> {
    return inTransaction(this.pool, async (client) => {
      // The row exists from the first call on (epoch 0, expired): the take below is then one UPDATE.
      await client.query(`INSERT INTO capture_lease (name, holder, epoch, expires_at) VALUES ($1, '', 0, 'epoch') ON CONFLICT DO NOTHING`, [
        CAPTURE_LEASE,
      ]);
      return (await this.renew(client, holder, epoch, ttlMs)) ?? (await this.take(client, holder, ttlMs));
    });
  }

  /** Expires `holder`'s lease now (a clean shutdown), so another capture takes over without waiting out the TTL. */
  async release(holder: string, epoch: number): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE capture_lease SET expires_at = clock_timestamp() WHERE name = $1 AND holder = $2 AND epoch = $3`,
      [CAPTURE_LEASE, holder, epoch],
    );
    return result.rowCount === 1;
  }

  /** A plain update of the expiry: it does not wait for writes in flight (they hold the row FOR KEY SHARE). */
  private async renew(
    client: PoolClient,
    holder: string,
    epoch: number | undefined,
    ttlMs: number,
  ): Promise<CaptureLeaseAnswer | undefined> {
    if (epoch === undefined) return undefined;
    const result = await client.query<LeaseRow>(
      `UPDATE capture_lease SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
       WHERE name = $1 AND holder = $2 AND epoch = $3 RETURNING ${ROW}`,
      [CAPTURE_LEASE, holder, epoch, ttlMs],
    );
    return result.rows[0] && answerOf(result.rows[0], true);
  }

  /**
   * FOR UPDATE waits for the writes in flight with the old epoch to end (see assertCaptureEpoch), then the
   * expiry is checked again: a holder that renewed meanwhile keeps the lease.
   */
  private async take(client: PoolClient, holder: string, ttlMs: number): Promise<CaptureLeaseAnswer> {
    const current = await client.query<LeaseRow & { expired: boolean }>(
      `SELECT ${ROW}, expires_at <= clock_timestamp() AS expired FROM capture_lease WHERE name = $1 FOR UPDATE`,
      [CAPTURE_LEASE],
    );
    const row = current.rows[0]!;
    if (!row.expired) return answerOf(row, false);
    const taken = await client.query<LeaseRow>(
      `UPDATE capture_lease SET holder = $2, epoch = epoch + 1, expires_at = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE name = $1 RETURNING ${ROW}`,
      [CAPTURE_LEASE, holder, ttlMs],
    );
    return answerOf(taken.rows[0]!, true);
  }
}

function answerOf(row: LeaseRow, held: boolean): CaptureLeaseAnswer {
  return { held, holder: row.holder, epoch: Number(row.epoch), expires_in_ms: Number(row.expires_in_ms) };
}
