import { recordJobRun, type JobOutcome } from './job-metrics';

/** One job the scheduler runs on an interval. */
export interface Job {
  /** Names the job in logs, metrics and status (unique per scheduler). */
  readonly name: string;
  readonly intervalMs: number;
  /** Each run is bounded: past this its signal is aborted and the run counts as failed. */
  readonly timeoutMs: number;
  /** The delay spreads by up to ± this fraction (default 0.1), so replicas started together do not run in step. */
  readonly jitter?: number;
  /** The first run after this long (default: one jittered interval). */
  readonly firstDelayMs?: number;
  /** After consecutive failures the next run waits initial × 2^(n-1), at most `maxMs` (default: the interval). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs?: number };
  run(signal: AbortSignal): Promise<unknown>;
}

export interface JobStatus {
  readonly name: string;
  readonly running: boolean;
  readonly runs: number;
  readonly consecutiveFailures: number;
  readonly lastOutcome?: JobOutcome;
  readonly lastError?: string;
  readonly nextRunAt?: Date;
}

/** What the scheduler logs: a pino logger fits. */
export interface JobLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

interface Scheduled {
  readonly job: Job;
  timer?: NodeJS.Timeout;
  nextRunAt?: Date;
  /** The run in flight (it may outlive its time bound if it ignores its signal: the next run waits for it). */
  running?: Promise<void>;
  abort?: AbortController;
  runs: number;
  consecutiveFailures: number;
  lastOutcome?: JobOutcome;
  lastError?: string;
}

class JobTimeout extends Error {
  constructor(job: string, ms: number) {
    super(`job ${job} ran past its bound of ${ms} ms`);
  }
}

/**
 * Interval jobs in one process: jittered delays, never two runs of one job at once, each run bounded in
 * time, exponential backoff after failures, and a stop that waits for the runs in flight up to a bound
 * (then aborts them). Own code rather than a library: node-cron, toad-scheduler and @nestjs/schedule
 * offer intervals but neither per-run time bounds with an AbortSignal nor failure backoff, which is most
 * of what the entity caches' jobs need; this is a hundred lines over timers.
 */
export class JobScheduler {
  private readonly jobs = new Map<string, Scheduled>();
  private stopped = false;

  constructor(private readonly options: { logger?: JobLogger; random?: () => number; stopTimeoutMs?: number } = {}) {}

  add(job: Job): void {
    if (this.stopped) throw new Error('JobScheduler.add after stop()');
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} is scheduled already`);
    if (!(job.intervalMs > 0) || !(job.timeoutMs > 0)) throw new Error(`job ${job.name} needs a positive interval and time bound`);
    const scheduled: Scheduled = { job, runs: 0, consecutiveFailures: 0 };
    this.jobs.set(job.name, scheduled);
    this.schedule(scheduled, job.firstDelayMs ?? this.jittered(job, job.intervalMs));
  }

  /** Unschedules a job (a run in flight finishes; its signal is aborted). */
  remove(name: string): void {
    const scheduled = this.jobs.get(name);
    if (!scheduled) return;
    clearTimeout(scheduled.timer);
    scheduled.abort?.abort();
    this.jobs.delete(name);
  }

  has(name: string): boolean {
    return this.jobs.has(name);
  }

  /** Runs a job now (an operator's request), unless it is running: then waits for that run. */
  async runNow(name: string): Promise<JobOutcome> {
    const scheduled = this.jobs.get(name);
    if (!scheduled) throw new Error(`no job ${name}`);
    if (scheduled.running) {
      await scheduled.running;
      return 'skipped_overlap';
    }
    clearTimeout(scheduled.timer);
    await this.runOnce(scheduled);
    return scheduled.lastOutcome!;
  }

  status(): JobStatus[] {
    return [...this.jobs.values()].map((s) => ({
      name: s.job.name,
      running: s.running !== undefined,
      runs: s.runs,
      consecutiveFailures: s.consecutiveFailures,
      lastOutcome: s.lastOutcome,
      lastError: s.lastError,
      nextRunAt: s.nextRunAt,
    }));
  }

  /** No new runs; waits for the runs in flight up to `stopTimeoutMs` (default 10 s), then aborts them. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.jobs.values()];
    all.forEach((s) => clearTimeout(s.timer));
    const inFlight = all.flatMap((s) => (s.running ? [s.running] : []));
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs ?? 10_000)));
    const outcome = await Promise.race([Promise.all(inFlight).then(() => 'done' as const), bound]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      all.forEach((s) => s.abort?.abort());
      this.options.logger?.warn({ jobs: all.filter((s) => s.running).map((s) => s.job.name) }, 'jobs still running at stop: aborted');
    }
    this.jobs.clear();
  }

  private schedule(scheduled: Scheduled, delayMs: number): void {
    if (this.stopped || this.jobs.get(scheduled.job.name) !== scheduled) return;
    scheduled.nextRunAt = new Date(Date.now() + delayMs);
    scheduled.timer = setTimeout(() => void this.tick(scheduled), delayMs);
    scheduled.timer.unref();
  }

  private async tick(scheduled: Scheduled): Promise<void> {
    if (scheduled.running) {
      // The previous run outlived its bound and still goes on: never two at once.
      recordJobRun(scheduled.job.name, 'skipped_overlap');
      this.schedule(scheduled, this.nextDelay(scheduled));
      return;
    }
    await this.runOnce(scheduled);
  }

  private async runOnce(scheduled: Scheduled): Promise<void> {
    const { job } = scheduled;
    const abort = new AbortController();
    scheduled.abort = abort;
    const started = performance.now();
    const run = Promise.resolve().then(() => job.run(abort.signal));
    scheduled.running = run.then(
      () => undefined,
      () => undefined,
    );
    void scheduled.running.then(() => {
      if (scheduled.abort === abort) scheduled.running = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort(new JobTimeout(job.name, job.timeoutMs));
        reject(new JobTimeout(job.name, job.timeoutMs));
      }, job.timeoutMs);
    });
    let outcome: JobOutcome;
    try {
      await Promise.race([run, bound]);
      outcome = 'ok';
      scheduled.consecutiveFailures = 0;
      scheduled.lastError = undefined;
    } catch (error) {
      outcome = error instanceof JobTimeout ? 'timed_out' : 'failed';
      scheduled.consecutiveFailures += 1;
      scheduled.lastError = error instanceof Error ? error.message : String(error);
      this.options.logger?.warn(
        { job: job.name, outcome, consecutive_failures: scheduled.consecutiveFailures, error: scheduled.lastError },
        'scheduled job failed',
      );
    } finally {
      clearTimeout(timer);
    }
    scheduled.runs += 1;
    scheduled.lastOutcome = outcome;
    recordJobRun(job.name, outcome, (performance.now() - started) / 1000);
    this.schedule(scheduled, this.nextDelay(scheduled));
  }

  private nextDelay(scheduled: Scheduled): number {
    const { job, consecutiveFailures } = scheduled;
    if (consecutiveFailures === 0 || !job.backoff) return this.jittered(job, job.intervalMs);
    const backoff = Math.min(job.backoff.initialMs * 2 ** (consecutiveFailures - 1), job.backoff.maxMs ?? job.intervalMs);
    return this.jittered(job, backoff);
  }

  private jittered(job: Job, ms: number): number {
    const spread = job.jitter ?? 0.1;
    const random = this.options.random ?? Math.random;
    return Math.max(0, Math.round(ms * (1 + spread * (2 * random() - 1))));
  }
}
