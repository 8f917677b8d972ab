import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Own process group, so a terminal Ctrl-C reaches only the supervisor, which
   * then stops children in order instead of all of them dying at once.
   */
  detached?: boolean;
  /** Run as this user and group (a server that refuses root, started by root). */
  uid?: number;
  gid?: number;
  /** The signal `stop()` sends first (SIGTERM unless the server reads another as "shut down now"). */
  stopSignal?: NodeJS.Signals;
}

const POLL_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A child process whose output goes to a log file, so that test and dev runs
 * stay readable and failures can quote the log's tail.
 */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  private readonly child: ChildProcess;
  private readonly exitPromise: Promise<number | null>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private spawnError: Error | undefined;
  private readonly stopSignal: NodeJS.Signals;

  private constructor(options: SpawnOptions) {
    this.name = options.name;
    this.stopSignal = options.stopSignal ?? 'SIGTERM';
    this.logFile = options.logFile;
    mkdirSync(dirname(options.logFile), { recursive: true });
    // Logs append across restarts (make start); the marker shows where a run begins.
    appendFileSync(options.logFile, `=== ${new Date().toISOString()} starting ${options.name}\n`);
    // A file descriptor (not a pipe) keeps the log complete even if this
    // process dies first, and costs no event-loop work here.
    const fd = openSync(options.logFile, 'a');
    try {
      this.child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', fd, fd],
        detached: options.detached ?? false,
        uid: options.uid,
        gid: options.gid,
      });
    } finally {
      closeSync(fd);
    }
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(code);
      });
      this.child.once('error', (error) => {
        this.exitInfo = { code: null, signal: null };
        this.spawnError = error;
        resolve(null);
      });
    });
  }

  static spawn(options: SpawnOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Resolves with the exit code (null when killed by a signal). */
  waitForExit(): Promise<number | null> {
    return this.exitPromise;
  }

  /** Calls `listener` once if the child exits; used to notice crashes. */
  onExit(listener: (description: string) => void): void {
    void this.exitPromise.then(() => listener(this.describeExit()));
  }

  describeExit(): string {
    if (this.spawnError) return `${this.name} could not start: ${this.spawnError.message}`;
    if (!this.exitInfo) return `${this.name} is running`;
    const { code, signal } = this.exitInfo;
    return signal ? `${this.name} was killed by ${signal}` : `${this.name} exited with code ${String(code)}`;
  }

  /** The stop signal (SIGTERM by default), then SIGKILL if the child has not exited within `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.exited) return;
    this.child.kill(this.stopSignal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      await this.exitPromise;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Simulates a crash: no chance to clean up. */
  async kill9(): Promise<void> {
    this.killNow();
    await this.exitPromise;
  }

  /** SIGKILL without waiting: for a parent that is exiting itself. */
  killNow(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Polls until a TCP connect succeeds; `signal` gives up early (a shutdown during a restart). */
  async waitForTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.poll(`TCP ${host}:${port}`, timeoutMs, () => tcpConnects(host, port), signal);
  }

  /** Polls until GET `url` answers 200; `signal` gives up early. */
  async waitForHttpOk(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.poll(`HTTP 200 from ${url}`, timeoutMs, async () => (await httpStatus(url)) === 200, signal);
  }

  /** Polls `probe` until it answers true; fails early when the child exits or `signal` aborts. */
  async waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>, signal?: AbortSignal): Promise<void> {
    await this.poll(what, timeoutMs, probe, signal);
  }

  private async poll(what: string, timeoutMs: number, probe: () => Promise<boolean>, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exited) throw this.failure(`${this.describeExit()} while waiting for ${what}`);
      if (signal?.aborted) throw new Error(`${this.name}: stopped while waiting for ${what}`);
      if (await probe()) return;
      if (Date.now() >= deadline) throw this.failure(`${this.name}: no ${what} after ${timeoutMs} ms`);
      await sleep(POLL_MS);
    }
  }

  private failure(message: string): Error {
    return new Error(`${message}\n--- last lines of ${this.logFile} ---\n${this.logTail()}`);
  }
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Status code of a GET, or 0 when the request fails outright. */
export function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(0));
  });
}
