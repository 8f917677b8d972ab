import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ManagedProcess } from './process';
import { repoRoot } from './repo-root';

export interface FerretDbHandle {
  uri: string;
  process: ManagedProcess;
}

const SOURCE_DIR = join(repoRoot, 'tools', 'ferretdb');
const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go'];

/** Cache key: the build inputs, so editing them rebuilds and nothing else does. */
function sourceKey(): string {
  const hash = createHash('sha256');
  for (const file of SOURCE_FILES) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(SOURCE_DIR, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** `go` from PATH, else the standard tarball location. */
function goBinary(): string {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'Go (>= 1.22) is needed once to build the embedded FerretDB used as local MongoDB. ' +
      'Install it (https://go.dev/dl, e.g. into /usr/local/go) or set MONGODB_URI to an existing MongoDB.',
  );
}

/** Path of a built FerretDB binary, building it on first use. */
export async function ensureFerretDbBinary(): Promise<string> {
  const dir = join(repoRoot, '.cache', 'ferretdb', sourceKey());
  const binary = join(dir, 'ferretdb');
  if (existsSync(binary)) return binary;

  const go = goBinary();
  mkdirSync(dir, { recursive: true });
  // Unique temp name + rename: concurrent builders (parallel jest workers,
  // make start in another terminal) never see a half-written binary.
  const tmp = join(dir, `ferretdb.tmp-${process.pid}-${Date.now()}`);
  process.stderr.write(`Building FerretDB into ${dir} (first time takes about a minute)...\n`);
  try {
    await run(go, ['build', '-o', tmp, '.'], SOURCE_DIR, { GOFLAGS: '-mod=mod' });
    renameSync(tmp, binary);
  } finally {
    rmSync(tmp, { force: true });
  }
  return binary;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed with code ${String(code)}:\n${stderr}`)),
    );
  });
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
    await child.waitForTcp('127.0.0.1', port, 30_000, opts.signal);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { uri: `mongodb://127.0.0.1:${port}/`, process: child };
}
