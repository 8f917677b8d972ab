import { Pool, type PoolClient } from 'pg';

/** The schema's name goes into SQL text (search_path, CREATE SCHEMA): an identifier that needs no quoting, and no more. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `<prefix>_<service>` in lower case, as PostgreSQL folds unquoted names; throws when it is no plain identifier. */
export function postgresSchemaName(prefix: string, service: string): string {
  const name = `${prefix}_${service.replaceAll('-', '_')}`.toLowerCase();
  if (!SCHEMA_NAME.test(name))
    throw new Error(`the PostgreSQL schema name ${JSON.stringify(name)} must be lower-case letters, digits and _`);
  return name;
}

/** Runs `work` on one connection inside BEGIN ... COMMIT; any error rolls it back and is thrown on. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A pool on one schema: every connection starts with search_path set to it, so the repositories
 * name their tables unqualified and two systems (two prefixes) can share one PostgreSQL.
 * Time bounds: connecting, waiting for a pooled connection and each statement.
 */
export function openPostgres(url: string, schema: string, options: { max?: number; statementTimeoutMs?: number } = {}): Pool {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    options: `-c search_path=${schema}`,
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Node's and PostgreSQL's ways of saying the server cannot be reached or is shutting down. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001',
  '08003',
  '08006',
]);

/** Whether `error` says PostgreSQL is away (a 503 naming it), rather than that the request was wrong. */
export function isPostgresUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated/i.test(message);
}
