// Runs the index-registry CLI (packages/cli, compiled by `npm run build`) as a child process, as a
// person or a CI job would, with a home directory of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI_BIN = join(__dirname, '../../packages/cli/bin/index-registry.js');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliUser {
  /** HOME and XDG_CONFIG_HOME (HOME/.config) of this user. */
  readonly home: string;
  readonly configHome: string;
  /** Starts the CLI; `running` lets a test act while it runs (send SIGINT), `done` is its outcome. */
  start(args: string[], options?: CliOptions): { child: ChildProcess; running: () => string; done: Promise<CliRun> };
  run(args: string[], options?: CliOptions): Promise<CliRun>;
}

export interface CliOptions {
  readonly input?: string;
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

/** A CLI user with an empty home of their own; nothing of the suite's environment reaches the CLI's settings. */
export function cliUser(): CliUser {
  if (!existsSync(join(CLI_BIN, '../../dist/main.js'))) throw new Error('the CLI is not built: run npm run build (or npm run build:cli)');
  const home = mkdtempSync(join(tmpdir(), 'ir-cli-home-'));
  const configHome = join(home, '.config');
  const start = (args: string[], options: CliOptions = {}) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: configHome, NO_COLOR: '1', ...options.env };
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin!.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    const done = new Promise<CliRun>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
    return { child, running: () => stderr, done };
  };
  return { home, configHome, start, run: (args, options) => start(args, options).done };
}
