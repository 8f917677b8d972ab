import { DatabaseError, Pool, type PoolClient } from 'pg';

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
export function openPostgres(
  url: string,
  schema: string,
  options: { max?: number; statementTimeoutMs?: number; connectionTimeoutMs?: number } = {},
): Pool {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  const pool = new TaggingPool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    options: `-c search_path=${schema}`,
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', () => undefined);
  // A client whose connection ends or breaks fails its queries with the very error it emits as 'error' (pg's
  // Client._handleErrorEvent), before they hear of it; "Connection terminated unexpectedly" carries no code.
  pool.on('connect', (client) => client.on('error', (error) => connectionsLost.add(error)));
  return pool;
}

/** Errors of getting a connection (pg-pool's checkout timeout, a refused or timed-out connect): they carry no code of their own. */
const connectFailures = new WeakSet<object>();
/** Errors a client emitted when its connection ended or broke, as its queries received them. */
const connectionsLost = new WeakSet<object>();

/** pg's Pool, whose connect failures are told apart by identity, not by their text. */
class TaggingPool extends Pool {
  override connect(): Promise<PoolClient>;
  override connect(callback: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(
    callback?: (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<PoolClient> | void {
    // pg-pool's own query() gets its client through this.connect(callback), so its failures are tagged too.
    if (callback) return super.connect((err, client, done) => callback(tag(connectFailures, err), client, done));
    return super.connect().catch((error: unknown) => {
      throw tag(connectFailures, error);
    });
  }
}

function tag<T>(set: WeakSet<object>, error: T): T {
  if (typeof error === 'object' && error !== null) set.add(error);
  return error;
}

/** Why PostgreSQL cannot serve a request now (a 503 naming it), as opposed to the request being wrong. */
export type PostgresUnavailableReason = 'unreachable' | 'connection_lost' | 'shutting_down' | 'statement_timeout';

/** The SQLSTATE of an error the server sent (pg's DatabaseError carries it as `code`). */
function sqlStateOf(error: unknown): string | undefined {
  return error instanceof DatabaseError ? error.code : undefined;
}

/** Node's code of a failed socket (a system error: `syscall` and `code`), as pg passes it on while connecting or querying. */
function socketErrorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('syscall' in error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function reasonOfSqlState(state: string): PostgresUnavailableReason | undefined {
  if (state === '57014') return 'statement_timeout'; // query_canceled: statement_timeout (this code cancels nothing itself)
  if (state === '57P01' || state === '57P02' || state === '57P03') return 'shutting_down'; // admin, crash shutdown; cannot connect now
  if (state.startsWith('08')) return 'connection_lost'; // connection_exception class
  return undefined;
}

/** Why `error` says PostgreSQL is unavailable, or undefined when it is the request's own failure. */
export function postgresUnavailableReason(error: unknown): PostgresUnavailableReason | undefined {
  const state = sqlStateOf(error);
  if (state !== undefined) return reasonOfSqlState(state);
  if (socketErrorCodeOf(error) !== undefined) return 'unreachable';
  if (typeof error === 'object' && error !== null) {
    if (connectFailures.has(error)) return 'unreachable';
    if (connectionsLost.has(error)) return 'connection_lost';
  }
  return undefined;
}

/** Whether `error` says PostgreSQL is away (a 503 naming it), rather than that the request was wrong. */
export function isPostgresUnreachable(error: unknown): boolean {
  const reason = postgresUnavailableReason(error);
  switch (reason) {
    case 'unreachable':
    case 'connection_lost':
    case 'shutting_down':
    case 'statement_timeout':
      return true;
    case undefined:
      return false;
  }
}
