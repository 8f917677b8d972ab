import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ensureGoBinary, type GoProgram } from './go-binary';
import { ManagedProcess } from './process';
import { repoRoot } from './repo-root';

export interface FerretDbHandle {
  uri: string;
  process: ManagedProcess;
}

const FERRETDB: GoProgram = {
  name: 'ferretdb',
  sourceDir: join(repoRoot, 'tools', 'ferretdb'),
  firstBuildTakes: 'about a minute',
  goVersion: '1.22',
  neededFor: 'the embedded FerretDB used as local MongoDB',
  alternative: 'set MONGODB_URI to an existing MongoDB',
};

/** Path of a built FerretDB binary, building it on first use. */
export function ensureFerretDbBinary(): Promise<string> {
  return ensureGoBinary(FERRETDB);
}

/**
 * A FerretDB (SQLite backend) on a loopback port, speaking the MongoDB wire protocol. Started again
 * with the same `dataDir` and `port` (a supervised restart), it serves the same databases.
 */
export async function startFerretDb(opts: {
  dataDir: string;
  logFile: string;
  port?: number;
  signal?: AbortSignal;
  /** Own process group: a terminal's Ctrl-C reaches only the supervisor, which stops FerretDB last. */
  detached?: boolean;
  /** How long it may take to listen; 30 s when absent (it opens every database file first: a thousand take longer). */
  readyTimeoutMs?: number;
}): Promise<FerretDbHandle> {
  const binary = await ensureFerretDbBinary();
  mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const child = ManagedProcess.spawn({
    name: 'ferretdb',
    command: binary,
    args: ['-listen', `127.0.0.1:${port}`, '-data', opts.dataDir, '-log-level', 'warn'],
    logFile: opts.logFile,
    detached: opts.detached,
  });
  try {
    await child.waitForTcp('127.0.0.1', port, opts.readyTimeoutMs ?? 30_000, opts.signal);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { uri: `mongodb://127.0.0.1:${port}/`, process: child };
}
