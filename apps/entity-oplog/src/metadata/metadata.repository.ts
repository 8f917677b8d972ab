import { inTransaction } from '@ir/platform';
import type { Pool, PoolClient } from 'pg';
import { assertCaptureEpoch } from '../lease/capture-fence';

/** Key and JSON value: the capture's resume position lives under `mongo_resume_token` (one key per source). */
export class MetadataRepository {
  constructor(private readonly pool: Pool) {}

  async get<T>(key: string): Promise<T | undefined> {
    const result = await this.pool.query<{ value: T }>('SELECT value FROM metadata WHERE key = $1', [key]);
    return result.rows[0]?.value;
  }

  /** With `epoch` (the capture saving its position), refused unless it is the capture lease's current one. */
  async set(key: string, value: unknown, epoch?: number): Promise<void> {
    if (epoch === undefined) return upsert(this.pool, key, value);
    await inTransaction(this.pool, async (client) => {
      await assertCaptureEpoch(client, epoch);
      await upsert(client, key, value);
    });
  }
}

async function upsert(db: Pool | PoolClient, key: string, value: unknown): Promise<void> {
  await db.query(
    `INSERT INTO metadata (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

/** The metadata key of one source's resume position. */
export function resumeTokenKey(databaseId: string): string {
  return `mongo_resume_token:${databaseId}`;
}
