import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDb } from '../../tools/infra/ferretdb';

export interface PrivateFerretDb {
  readonly uri: string;
  stop(): Promise<void>;
}

/**
 * A throw-away FerretDB with `local.oplog.rs`, for the specs that read its oplog. Not the shared test
 * server: there every write of the suite would land in the oplog, and FerretDB reads the whole of it
 * for each `ts` query (no index serves it), so a reader's spec would slow with the suite before it.
 */
export function startPrivateFerretDbWithOplog(prefix = 'ir-spec-ferretdb-'): Promise<PrivateFerretDb> {
  return startPrivateFerretDb(prefix, { oplog: true });
}

/** The same, with or without `local.oplog.rs` (without: a source whose changes cannot be captured). */
export async function startPrivateFerretDb(prefix: string, options: { oplog: boolean }): Promise<PrivateFerretDb> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const ferret = await startFerretDb({ dataDir: join(dir, 'data'), logFile: join(dir, 'ferretdb.log'), oplog: options.oplog });
  return {
    uri: ferret.uri,
    stop: async () => {
      await ferret.process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
