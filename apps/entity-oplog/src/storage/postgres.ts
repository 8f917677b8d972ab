import { Pool } from 'pg';

/** The schema's name goes into SQL text (search_path, CREATE SCHEMA): an identifier that needs no quoting, and no more. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function schemaName(prefix: string): string {
  const name = `${prefix}_entity_oplog`.toLowerCase();
  if (!SCHEMA_NAME.test(name))
    throw new Error(`the PostgreSQL schema name ${JSON.stringify(name)} must be lower-case letters, digits and _`);
  return name;
}

/**
 * A pool on the service's own schema: every connection starts with search_path set to it, so the
 * repositories name their tables unqualified and two systems (two prefixes) can share one PostgreSQL.
 * Time bounds: connecting, waiting for a pooled connection and each statement.
 */
export function openPostgres(url: string, schema: string, options: { max?: number; statementTimeoutMs?: number } = {}): Pool {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  return new Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    options: `-c search_path=${schema}`,
  });
}
