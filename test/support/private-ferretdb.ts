import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDb } from '../../tools/infra/ferretdb';
import { FERRETDB_DATABASE, prepareFerretDbDatabase, type FerretDbBackend } from '../../tools/infra/ferretdb-postgres';
import { startPostgres } from '../../tools/infra/postgres';
import type { ManagedProcess } from '../../tools/infra/process';

export interface PrivateFerretDb {
  readonly uri: string;
  stop(): Promise<void>;
}

/**
 * A throw-away FerretDB with `local.oplog.rs`, for the specs that read its oplog. Not the shared test
 * server: there every write of the suite would land in the oplog, and FerretDB reads the whole of it
 * for each `ts` query (no index serves it), so a reader's spec would slow with the suite before it.
 * It stores in SQLite files, or with `backend` 'postgresql' in a private PostgreSQL of its own, as
 * `make start` runs it (that backend hands scalar equalities to PostgreSQL: the reader relies on it).
 */
export function startPrivateFerretDbWithOplog(prefix = 'ir-spec-ferretdb-', backend: FerretDbBackend = 'sqlite'): Promise<PrivateFerretDb> {
  return startPrivateFerretDb(prefix, { oplog: true, backend });
}

/** The same, with or without `local.oplog.rs` (without: a source whose changes cannot be captured). */
export async function startPrivateFerretDb(
  prefix: string,
  options: { oplog: boolean; backend?: FerretDbBackend },
): Promise<PrivateFerretDb> {
  const backend = options.backend ?? 'sqlite';
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    for (const process of processes.reverse()) await process.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let store: { dataDir: string } | { postgresUrl: string } = { dataDir: join(dir, 'data') };
    if (backend === 'postgresql') {
      chmodSync(dir, 0o711); // PostgreSQL started by root runs as the postgres user and needs its data directory here
      const postgres = await startPostgres({ dataDir: join(dir, 'pg'), logFile: join(dir, 'postgres.log'), throwaway: true });
      processes.push(postgres.process);
      store = { postgresUrl: await prepareFerretDbDatabase(postgres.url, FERRETDB_DATABASE) };
    }
    const ferret = await startFerretDb({ ...store, logFile: join(dir, 'ferretdb.log'), oplog: options.oplog });
    processes.push(ferret.process);
    return { uri: ferret.uri, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
