import type { ManagedProcess } from './process';
import { CrashWindow, DEFAULT_RESTART_POLICY, restartDelayMs, type RestartPolicy } from './restart-policy';

/** Lines of a dead process's log quoted in its crash report. */
const LOG_TAIL_LINES = 12;

/** What a crash report says: who died, how, where its log is, and how close it is to being given up. */
export interface CrashReport {
  readonly name: string;
  /** How it ended: `registry was killed by SIGKILL`, or why it could not start again. */
  readonly reason: string;
  readonly logFile: string;
  readonly logTail: string;
  readonly crashesInWindow: number;
  readonly maxCrashes: number;
  readonly windowMs: number;
}

export type SupervisionEvent =
  | ({ readonly kind: 'crashed'; readonly restartInMs: number } & CrashReport)
  | ({ readonly kind: 'gave-up' } & CrashReport)
  | {
      readonly kind: 'restarted';
      readonly name: string;
      readonly pid: number | undefined;
      readonly downMs: number;
      readonly restarts: number;
    };

export type SupervisionEventKind = SupervisionEvent['kind'];

/** `running` also while a process that just died is being noticed; `stopped` once stopping began. */
export type SupervisionState = 'running' | 'restarting' | 'given-up' | 'stopped';

export interface SupervisedProcessOptions {
  readonly name: string;
  /**
   * Starts the process and resolves once it is ready; rejects, having stopped it, when it cannot be
   * or when `signal` aborts (a shutdown while it starts).
   */
  readonly start: (signal: AbortSignal) => Promise<ManagedProcess>;
  readonly policy?: RestartPolicy;
  /** For tests: the jitter's randomness. */
  readonly random?: () => number;
}

/**
 * One process kept running: when it dies it is started again (the same command, ports and data
 * directory) after a backoff, until it crashes too often within the policy's window. Crash reports
 * go to the listeners, which decide how to tell (the terminal for `make start`).
 */
export class SupervisedProcess {
  readonly name: string;
  private child: ManagedProcess;
  private status: SupervisionState = 'running';
  private restartCount = 0;
  private readonly policy: RestartPolicy;
  private readonly crashes: CrashWindow;
  private readonly listeners = new Set<(event: SupervisionEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  /** The restart under way, and how to cut it short. */
  private restarting: { readonly task: Promise<void>; readonly abort: AbortController } | undefined;
  private downSince = 0;

  private constructor(
    private readonly options: SupervisedProcessOptions,
    first: ManagedProcess,
  ) {
    this.name = options.name;
    this.policy = options.policy ?? DEFAULT_RESTART_POLICY;
    this.crashes = new CrashWindow(this.policy.crashWindowMs);
    this.child = first;
    this.watch(first);
  }

  /** Starts the process the first time; a failure here is the caller's (a wrong setup is not retried). */
  static async start(options: SupervisedProcessOptions): Promise<SupervisedProcess> {
    return new SupervisedProcess(options, await options.start(new AbortController().signal));
  }

  /** The process started last (it may have died since). */
  get current(): ManagedProcess {
    return this.child;
  }

  get state(): SupervisionState {
    return this.status;
  }

  get restarts(): number {
    return this.restartCount;
  }

  onEvent(listener: (event: SupervisionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next event of `kind`; rejects after `timeoutMs`. */
  next<K extends SupervisionEventKind>(kind: K, timeoutMs: number): Promise<Extract<SupervisionEvent, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${this.name}: no ${kind} event within ${timeoutMs} ms (state ${this.status})`));
      }, timeoutMs);
      const off = this.onEvent((event) => {
        if (event.kind !== kind) return;
        clearTimeout(timer);
        off();
        resolve(event as Extract<SupervisionEvent, { kind: K }>);
      });
    });
  }

  /** No restart from now on, whatever dies: the first step of an orderly shutdown. */
  holdRestarts(): void {
    this.status = 'stopped';
    clearTimeout(this.timer);
  }

  /** Stops the process (and one being started), never to restart it. */
  async stop(): Promise<void> {
    this.holdRestarts();
    this.restarting?.abort.abort();
    await Promise.all([this.restarting?.task, this.child.stop()]);
  }

  private watch(child: ManagedProcess): void {
    child.onExit((reason) => {
      if (child === this.child) this.crashed(reason);
    });
  }

  private crashed(reason: string): void {
    if (this.status === 'stopped' || this.status === 'given-up') return;
    const crashesInWindow = this.crashes.record(Date.now());
    const logTail = this.child.logTail(LOG_TAIL_LINES);
    const { maxCrashes, crashWindowMs: windowMs } = this.policy;
    const report: CrashReport = { name: this.name, reason, logFile: this.child.logFile, logTail, crashesInWindow, maxCrashes, windowMs };
    if (crashesInWindow >= maxCrashes) {
      this.status = 'given-up';
      this.emit({ kind: 'gave-up', ...report });
      return;
    }
    const restartInMs = restartDelayMs(crashesInWindow, this.policy, this.options.random);
    this.status = 'restarting';
    this.downSince ||= Date.now();
    this.emit({ kind: 'crashed', ...report, restartInMs });
    this.timer = setTimeout(() => {
      const abort = new AbortController();
      const task = this.restart(abort.signal).finally(() => (this.restarting = undefined));
      this.restarting = { task, abort };
    }, restartInMs);
  }

  private async restart(signal: AbortSignal): Promise<void> {
    let child: ManagedProcess;
    try {
      child = await this.options.start(signal);
    } catch (error) {
      // Counts as a crash: a process that cannot come back must not be retried forever either.
      this.crashed(`${this.name} could not start again: ${firstLine(error)}`);
      return;
    }
    if (this.status !== 'restarting') {
      await child.stop();
      return;
    }
    this.child = child;
    this.status = 'running';
    this.restartCount += 1;
    const downMs = Date.now() - this.downSince;
    this.downSince = 0;
    this.watch(child);
    this.emit({ kind: 'restarted', name: this.name, pid: child.pid, downMs, restarts: this.restartCount });
  }

  private emit(event: SupervisionEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
