import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { missingBinaryHint } from './nats';
import { ManagedProcess } from './process';

export interface PostgresHandle {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  process: ManagedProcess;
}

/** Where Debian's packages put the server (`/usr/lib/postgresql/<major>/bin`); POSTGRES_BIN_DIR wins. */
export function postgresBinDir(): string {
  if (process.env.POSTGRES_BIN_DIR) return process.env.POSTGRES_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`PostgreSQL server binaries not found under ${root}: apt-get install postgresql (or set POSTGRES_URL)`);
  return join(root, newest, 'bin');
}

/** postgres refuses to run as root: started by root, it runs as the `postgres` user the package creates. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('running as root needs the `postgres` user (Debian package postgresql) to run the server as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The superuser's password, kept 0600 beside the data directory so a restart (or `make start` again) reuses it. */
function loadOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('hex');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** initdb once: scram passwords, UTF-8, the superuser `postgres`. The password file is handed to initdb and removed. */
function initCluster(binDir: string, dataDir: string, password: string, user: { uid: number; gid: number } | undefined): void {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwFile = join(dataDir, '..', `.pwfile-${process.pid}`);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) {
      chownSync(dataDir, user.uid, user.gid);
      chownSync(pwFile, user.uid, user.gid);
    }
    execFileSync(
      join(binDir, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '-A', 'scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--no-sync', '--locale=C.UTF-8'],
      { stdio: 'pipe', uid: user?.uid, gid: user?.gid, timeout: 120_000 },
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`initdb failed for ${dataDir} (as ${user ? 'postgres' : userInfo().username}): ${stderr || String(error)}`);
  } finally {
    rmSync(pwFile, { force: true });
  }
}

async function answersQueries(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A private PostgreSQL on loopback only (no Unix socket), for `make start` and the tests when POSTGRES_URL is
 * unset. Started again with the same `dataDir` and `port` (a supervised restart), it serves the same data.
 * `throwaway` trades durability for speed (no fsync): for test runs whose data dies with them.
 */
export async function startPostgres(opts: {
  dataDir: string;
  logFile: string;
  port?: number;
  throwaway?: boolean;
  signal?: AbortSignal;
  detached?: boolean;
}): Promise<PostgresHandle> {
  const binDir = postgresBinDir();
  const user = serverUser();
  mkdirSync(dirname(opts.dataDir), { recursive: true });
  const password = loadOrCreatePassword(`${opts.dataDir}.password`);
  try {
    initCluster(binDir, opts.dataDir, password, user);
  } catch (error) {
    throw missingBinaryHint(error, 'initdb', 'apt-get install postgresql (or set POSTGRES_URL)');
  }
  const port = opts.port ?? (await freePort());
  const fast = opts.throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  const child = ManagedProcess.spawn({
    name: 'postgres',
    command: join(binDir, 'postgres'),
    args: ['-D', opts.dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...fast],
    logFile: opts.logFile,
    detached: opts.detached,
    uid: user?.uid,
    gid: user?.gid,
    // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the WAL flushed, a checkpoint written.
    // SIGTERM (smart) waits for every client to leave; a pool that never idles kept it up until the
    // SIGKILL ten seconds later, a crash that also lost the last commits of a `throwaway` server.
    stopSignal: 'SIGINT',
  });
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  try {
    // TCP opens before recovery ends ("the database system is starting up"): only a query says it is ready.
    await child.waitUntil(`PostgreSQL queries on port ${port}`, 60_000, () => answersQueries(url), opts.signal);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url, process: child };
}
