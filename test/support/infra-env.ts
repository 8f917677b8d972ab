// Private infrastructure for jest global setups: one nats-server and one
// FerretDB per test run, in a throw-away directory, on free ports.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDb } from '../../tools/infra/ferretdb';
import { FERRETDB_DATABASE, ferretDbBackend, prepareFerretDbDatabase, type FerretDbBackend } from '../../tools/infra/ferretdb-postgres';
import { startNats } from '../../tools/infra/nats';
import { startPostgres } from '../../tools/infra/postgres';
import type { ManagedProcess } from '../../tools/infra/process';

export { repoRoot } from '../../tools/infra/repo-root';
export { freePort } from '../../tools/infra/free-port';
export { startSystem, API_BASE_PATH, type RunningSystem, type SystemOptions, type ServiceName } from '../../tools/infra/services';

export interface TestInfra {
  natsUrl: string;
  /** The password files of the NATS users (tools/infra/bus-credentials.ts): the services log in with theirs. */
  natsCredentialsDir: string;
  /** FerretDB's URI, or MONGODB_URI from the environment when set (a real MongoDB). */
  mongoUri: string;
  /** The private PostgreSQL's URL (the entity caches' oplog), or POSTGRES_URL from the environment when set. */
  postgresUrl: string;
  /** The run's temp directory: logs/ holds nats-server.log and ferretdb.log. */
  dir: string;
  stop(): Promise<void>;
}

/**
 * `ferretDb`: where FerretDB stores (ignored with MONGODB_URI); FERRETDB_BACKEND, else SQLite (the
 * tests' default, see Tests in the README). On PostgreSQL it is a database of the run's PostgreSQL.
 */
export async function startTestInfra(opts: { ferretDb?: FerretDbBackend } = {}): Promise<TestInfra> {
  const backend = opts.ferretDb ?? ferretDbBackend(process.env.FERRETDB_BACKEND, 'sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'ir-test-'));
  // Traversable (not listable) by others: PostgreSQL, started by root, runs as the postgres user and needs its data directory here.
  chmodSync(dir, 0o711);
  const logDir = join(dir, 'logs');
  const started: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((p) => p.stop()));
    // KEEP_TEST_INFRA=1 keeps logs and data for post-mortems.
    if (!process.env.KEEP_TEST_INFRA) rmSync(dir, { recursive: true, force: true });
  };
  const postgresUrl = process.env.POSTGRES_URL
    ? Promise.resolve(process.env.POSTGRES_URL)
    : startPostgres({ dataDir: join(dir, 'postgres'), logFile: join(logDir, 'postgres.log'), throwaway: true }).then((p) => {
        started.push(p.process);
        return p.url;
      });
  const ferretDbStore = async (): Promise<{ dataDir: string } | { postgresUrl: string }> =>
    backend === 'postgresql'
      ? { postgresUrl: await prepareFerretDbDatabase(await postgresUrl, FERRETDB_DATABASE) }
      : { dataDir: join(dir, 'ferretdb') };
  // allSettled: if one fails, wait for the others so stop() sees them too.
  const [nats, mongo, postgres] = await Promise.allSettled([
    startNats({ dataDir: join(dir, 'nats'), logFile: join(logDir, 'nats-server.log') }).then((n) => {
      started.push(n.process);
      return n;
    }),
    process.env.MONGODB_URI
      ? Promise.resolve(process.env.MONGODB_URI)
      : ferretDbStore()
          .then((store) => startFerretDb({ ...store, logFile: join(logDir, 'ferretdb.log') }))
          .then((f) => {
            started.push(f.process);
            return f.uri;
          }),
    postgresUrl,
  ]);
  if (nats.status === 'rejected') {
    await stop();
    throw nats.reason;
  }
  if (mongo.status === 'rejected') {
    await stop();
    throw mongo.reason;
  }
  if (postgres.status === 'rejected') {
    await stop();
    throw postgres.reason;
  }
  return {
    natsUrl: nats.value.url,
    natsCredentialsDir: nats.value.credentialsDir,
    mongoUri: mongo.value,
    postgresUrl: postgres.value,
    dir,
    stop,
  };
}
