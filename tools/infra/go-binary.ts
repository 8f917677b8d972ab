import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './repo-root';

/** A Go main module of this repository, built once and cached until its sources change. */
export interface GoProgram {
  /** Binary name, also the cache directory: `.cache/<name>/<source key>/<name>`. */
  readonly name: string;
  /** The module's directory (holding go.mod). */
  readonly sourceDir: string;
  /** Shown while building the first time, e.g. "about a minute". */
  readonly firstBuildTakes: string;
  /** The Go release its go.mod needs at least. */
  readonly goVersion: string;
  /** What the binary is, for the message when Go is missing. */
  readonly neededFor: string;
  /** What to do instead of installing Go, if anything. */
  readonly alternative?: string;
}

/** The module's build inputs: go.mod, go.sum and every .go file (not data it reads at run time). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && (entry.name.endsWith('.go') || entry.name === 'go.mod' || entry.name === 'go.sum'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** Cache key: the build inputs, so editing them rebuilds and nothing else does. */
function sourceKey(dir: string): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(dir)) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** `go` from PATH, else the standard tarball location. */
function goBinary(program: GoProgram): string {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  const alternative = program.alternative ? ` or ${program.alternative}` : '';
  throw new Error(
    `Go (>= ${program.goVersion}) is needed once to build ${program.neededFor}. ` +
      `Install it (https://go.dev/dl, e.g. into /usr/local/go)${alternative}.`,
  );
}

/** Path of the program's binary, building it on first use. */
export async function ensureGoBinary(program: GoProgram): Promise<string> {
  const dir = join(repoRoot, '.cache', program.name, sourceKey(program.sourceDir));
  const binary = join(dir, program.name);
  if (existsSync(binary)) return binary;

  const go = goBinary(program);
  mkdirSync(dir, { recursive: true });
  // Unique temp name + rename: concurrent builders (parallel jest workers,
  // make start in another terminal) never see a half-written binary.
  const tmp = join(dir, `${program.name}.tmp-${process.pid}-${Date.now()}`);
  process.stderr.write(`Building ${program.name} into ${dir} (first time takes ${program.firstBuildTakes})...\n`);
  try {
    await run(go, ['build', '-o', tmp, '.'], program.sourceDir, { GOFLAGS: '-mod=mod' });
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
