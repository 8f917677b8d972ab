// The driver facts isPostgresUnreachable stands on, on the unit tests' PostgreSQL: each way PostgreSQL is
// unavailable (a 503 naming it) against an error of the request's own (a 500 or 4xx), told by codes and pools, not messages.
import { createServer, type Server } from 'node:net';
import type { Pool } from 'pg';
import { isPostgresUnreachable, openPostgres, postgresUnavailableReason } from './postgres';

const url = (): string => {
  const value = process.env.TEST_POSTGRES_URL;
  if (!value) throw new Error('TEST_POSTGRES_URL is not set: the unit globalSetup starts PostgreSQL');
  return value;
};

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('isPostgresUnreachable', () => {
  const pools: Pool[] = [];
  const open = (...args: Parameters<typeof openPostgres>) => {
    const pool = openPostgres(...args);
    pools.push(pool);
    return pool;
  };

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  });

  it('a statement over statement_timeout (SQLSTATE 57014)', async () => {
    const pool = open(url(), 'public', { statementTimeoutMs: 50 });
    const error = await failure(() => pool.query('SELECT pg_sleep(2)'));
    expect(postgresUnavailableReason(error)).toBe('statement_timeout');
    expect(isPostgresUnreachable(error)).toBe(true);
  });

  it('no server listening (a refused connect)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const pool = open(`postgres://u:p@127.0.0.1:${port}/db`, 'public');
    const error = await failure(() => pool.query('SELECT 1'));
    expect(postgresUnavailableReason(error)).toBe('unreachable');
  });

  it('a server that never answers (pg-pool ends the connect at its timeout, an error without a code)', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const pool = open(`postgres://u:p@127.0.0.1:${(silent.address() as { port: number }).port}/db`, 'public', {
        connectionTimeoutMs: 200,
      });
      const error = await failure(() => pool.query('SELECT 1'));
      expect((error as { code?: unknown }).code).toBeUndefined();
      expect(postgresUnavailableReason(error)).toBe('unreachable');
    } finally {
      silent.close();
    }
  });

  it('every pooled connection busy past the checkout timeout', async () => {
    const pool = open(url(), 'public', { max: 1, connectionTimeoutMs: 200 });
    const held = await pool.connect();
    try {
      const error = await failure(() => pool.query('SELECT 1'));
      expect(postgresUnavailableReason(error)).toBe('unreachable');
    } finally {
      held.release();
    }
  });

  it('the connection ended under a running query (terminated by the server, then lost without a code)', async () => {
    const pool = open(url(), 'public', { max: 2 });
    const client = await pool.connect();
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const running = failure(() => client.query('SELECT pg_sleep(5)'));
    const queued = failure(() => client.query('SELECT 1'));
    const admin = open(url(), 'public', { max: 1 });
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const [first, second] = await Promise.all([running, queued]);
    client.release(true);
    expect(postgresUnavailableReason(first)).toBe('shutting_down'); // 57P01, the server's own word
    expect(postgresUnavailableReason(second)).toBe('connection_lost'); // "Connection terminated unexpectedly": no code
  });

  it("not the request's own errors: bad SQL, a broken constraint, a plain Error", async () => {
    const pool = open(url(), 'public');
    expect(postgresUnavailableReason(await failure(() => pool.query('SELEC 1')))).toBeUndefined();
    expect(postgresUnavailableReason(await failure(() => pool.query('SELECT 1/0')))).toBeUndefined();
    expect(isPostgresUnreachable(new Error('Connection terminated unexpectedly'))).toBe(false);
  });
});
