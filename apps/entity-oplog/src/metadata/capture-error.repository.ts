import type { CaptureError, CaptureErrorReport } from '@ir/contracts';
import { inTransaction } from '@ir/platform';
import type { Pool } from 'pg';
import { assertCaptureEpoch } from '../lease/capture-fence';

const PREFIX = 'capture_error:';

/**
 * Why the capture of each source fails, while it does: kept beside the resume positions (the metadata table,
 * one key per source), so every replica of entity-oplog shows the same on the source's entities.
 */
export class CaptureErrorRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * The capture's report, fenced by its lease epoch: an error is recorded (its `since` kept while the reason
   * stays the same), null clears it.
   */
  async record(databaseId: string, error: CaptureErrorReport | null, epoch: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await assertCaptureEpoch(client, epoch);
      if (!error) {
        await client.query('DELETE FROM metadata WHERE key = $1', [PREFIX + databaseId]);
        return;
      }
      await client.query(
        `INSERT INTO metadata (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET updated_at = now(),
           value = CASE WHEN metadata.value->>'reason' = EXCLUDED.value->>'reason'
                        THEN jsonb_set(EXCLUDED.value, '{since}', metadata.value->'since') ELSE EXCLUDED.value END`,
        [PREFIX + databaseId, JSON.stringify({ ...error, since: new Date().toISOString() })],
      );
    });
  }

  /** Each failing source's error, by database id. */
  async all(): Promise<Map<string, CaptureError>> {
    const result = await this.pool.query<{ key: string; value: CaptureError }>(
      'SELECT key, value FROM metadata WHERE starts_with(key, $1)',
      [PREFIX],
    );
    return new Map(result.rows.map((row) => [row.key.slice(PREFIX.length), row.value]));
  }

  async of(databaseId: string): Promise<CaptureError | undefined> {
    const result = await this.pool.query<{ value: CaptureError }>('SELECT value FROM metadata WHERE key = $1', [PREFIX + databaseId]);
    return result.rows[0]?.value;
  }
}
