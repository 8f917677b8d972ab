import type { Pool } from 'pg';

/** Key and JSON value: the capture's resume position lives under `mongo_resume_token` (one key per source). */
export class MetadataRepository {
  constructor(private readonly pool: Pool) {}

  async get<T>(key: string): Promise<T | undefined> {
    const result = await this.pool.query<{ value: T }>('SELECT value FROM metadata WHERE key = $1', [key]);
    return result.rows[0]?.value;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.pool.query(
      `INSERT INTO metadata (key, value) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }
}

/** The metadata key of one source's resume position. */
export function resumeTokenKey(databaseId: string): string {
  return `mongo_resume_token:${databaseId}`;
}
