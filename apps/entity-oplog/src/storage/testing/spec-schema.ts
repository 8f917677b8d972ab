// A schema of its own on the unit tests' PostgreSQL (started by the unit globalSetup), migrated, for a
// spec of entity-oplog's storage; dropped with everything in it when the spec ends.
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { migrate } from '../migrations';
import { openPostgres, schemaName } from '../postgres';

export interface SpecSchema {
  readonly pool: Pool;
  readonly schema: string;
  /** The migrations applied, in order. */
  readonly applied: readonly string[];
  drop(): Promise<void>;
}

export async function migratedSpecSchema(prefix: string): Promise<SpecSchema> {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error('TEST_POSTGRES_URL is not set: the unit globalSetup starts PostgreSQL');
  const schema = schemaName(`${prefix}_${randomBytes(4).toString('hex')}`);
  const pool = openPostgres(url, schema);
  const applied = await migrate(pool, schema);
  return {
    pool,
    schema,
    applied,
    drop: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}
