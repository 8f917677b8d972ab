import type { Pool } from 'pg';

/**
 * The schema's migrations, in order; each runs once, in its own transaction, recorded in
 * schema_migrations. A released migration is never edited: a change is a new one at the end.
 * (Own runner rather than node-pg-migrate: a dozen lines under an advisory lock, no CLI or file layout to
 * ship with every replica.)
 */
export const MIGRATIONS: readonly { readonly id: string; readonly sql: string }[] = [
  {
    id: '001_entities_oplog_metadata',
    sql: `
      CREATE TABLE entities (
        name text PRIMARY KEY,
        project_id text NOT NULL,
        database_id text NOT NULL,
        collection text NOT NULL,
        columns jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('scanning', 'scanned')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX entities_project ON entities (project_id, name);
      CREATE INDEX entities_source ON entities (database_id, collection);

      -- The oplog: ids only grow, and (see OplogRepository.append) commit in id order.
      CREATE TABLE oplog (
        id bigserial PRIMARY KEY,
        entity text NOT NULL,
        operation text NOT NULL CHECK (operation IN ('upsert', 'delete')),
        document_id text NOT NULL,
        at timestamptz NOT NULL,
        data jsonb
      );
      CREATE INDEX oplog_entity_id ON oplog (entity, id);

      -- A scanning entity's entries wait here, in arrival order, until its scan is done.
      CREATE TABLE oplog_staging (
        id bigserial PRIMARY KEY,
        entity text NOT NULL,
        operation text NOT NULL CHECK (operation IN ('upsert', 'delete')),
        document_id text NOT NULL,
        at timestamptz NOT NULL,
        data jsonb
      );
      CREATE INDEX oplog_staging_entity_id ON oplog_staging (entity, id);

      CREATE TABLE metadata (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    id: '002_cache_generation_replicas',
    sql: `
      -- Raised by each recreate request; a replica whose cache is of an older generation rebuilds it.
      ALTER TABLE entities ADD COLUMN cache_generation integer NOT NULL DEFAULT 0;

      -- Each cache replica, as it last reported: its offset in the oplog.
      CREATE TABLE replicas (
        replica text PRIMARY KEY,
        oplog_offset bigint NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      );

      -- A replica's progress per entity: the id its cache has applied, and the cache's generation.
      CREATE TABLE replica_entities (
        replica text NOT NULL REFERENCES replicas (replica) ON DELETE CASCADE,
        entity text NOT NULL,
        applied_id bigint NOT NULL,
        cache_generation integer NOT NULL,
        PRIMARY KEY (replica, entity)
      );
      CREATE INDEX replica_entities_entity ON replica_entities (entity);
    `,
  },
  {
    id: '003_entity_refresh_interval',
    sql: `ALTER TABLE entities ADD COLUMN refresh_interval_seconds integer CHECK (refresh_interval_seconds > 0);`,
  },
  {
    id: '004_capture_lease',
    sql: `
      -- The one capture lease (lease/capture-lease.repository.ts): its holder, an epoch that only grows
      -- (each take raises it; every fenced write must carry the current one) and its expiry.
      CREATE TABLE capture_lease (
        name text PRIMARY KEY,
        holder text NOT NULL,
        epoch bigint NOT NULL CHECK (epoch >= 0),
        expires_at timestamptz NOT NULL
      );
    `,
  },
  {
    id: '005_soft_refresh_request',
    sql: `
      -- A soft refresh asked for on request, until the capture holding the lease has done it (it reads the
      -- request with the entities and clears it once a scan begun after it is in the oplog): kept here,
      -- not sent as a message, so it survives the capture restarting or the lease moving. Milliseconds,
      -- as the API carries them: the capture clears the request by the time it read.
      ALTER TABLE entities ADD COLUMN soft_refresh_requested_at timestamptz;
      ALTER TABLE entities ADD COLUMN soft_refresh_done_at timestamptz;
    `,
  },
];

/** Any constant: the key of the advisory lock that lets one replica migrate while the others wait. */
const MIGRATION_LOCK = 1_600_016;

/** Creates the schema if missing and applies the migrations it lacks; replicas starting together apply each once. */
export async function migrate(pool: Pool, schema: string): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set((await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((row) => row.id));
      const applied: string[] = [];
      for (const migration of MIGRATIONS.filter((m) => !done.has(m.id))) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        applied.push(migration.id);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
