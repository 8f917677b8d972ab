import { JobScheduler, type Job } from './job-scheduler';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JobScheduler (real timers, short intervals)', () => {
  let scheduler: JobScheduler;
  afterEach(() => scheduler?.stop());

  const job = (overrides: Partial<Job> & Pick<Job, 'run'>): Job => ({
    name: 'j',
    intervalMs: 20,
    timeoutMs: 1_000,
    jitter: 0,
    ...overrides,
  });

  it('runs a job on its interval', async () => {
    scheduler = new JobScheduler();
    let runs = 0;
    scheduler.add(job({ run: async () => void (runs += 1) }));
    await sleep(150);
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(scheduler.status()[0]).toMatchObject({ name: 'j', consecutiveFailures: 0, lastOutcome: 'ok' });
  });

  it('never runs one job twice at once, even when a run outlives its bound', async () => {
    scheduler = new JobScheduler();
    let active = 0;
    let most = 0;
    // Ignores its signal and outlives its time bound: the scheduler must still not start another.
    scheduler.add(
      job({
        timeoutMs: 10,
        run: async () => {
          active += 1;
          most = Math.max(most, active);
          await sleep(80);
          active -= 1;
        },
      }),
    );
    await sleep(300);
    expect(most).toBe(1);
    expect(scheduler.status()[0]!.lastOutcome).toBe('timed_out');
  });

  it('aborts a run past its time bound through its signal', async () => {
    scheduler = new JobScheduler();
    const reasons: unknown[] = [];
    const started = Date.now();
    let abortedAfterMs = 0;
    scheduler.add(
      job({
        firstDelayMs: 0,
        intervalMs: 10_000,
        timeoutMs: 20,
        run: (signal) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => {
              abortedAfterMs = Date.now() - started;
              reasons.push(signal.reason);
              reject(signal.reason);
            }),
          ),
      }),
    );
    // Waits for the abort rather than a fixed time: on a loaded machine the timer fires late, never early.
    for (const deadline = Date.now() + 5_000; reasons.length === 0 && Date.now() < deadline;) await sleep(10);
    await sleep(30);
    expect(reasons).toHaveLength(1);
    expect(abortedAfterMs).toBeGreaterThanOrEqual(19); // the 20 ms bound, give or take Date.now()'s rounding
    expect(String(reasons[0])).toContain('ran past its bound of 20 ms');
    expect(scheduler.status()[0]).toMatchObject({ consecutiveFailures: 1, lastOutcome: 'timed_out' });
  });

  it('backs off exponentially after failures, and goes back to the interval after a success', async () => {
    scheduler = new JobScheduler();
    const at: number[] = [];
    const start = Date.now();
    scheduler.add(
      job({
        firstDelayMs: 0,
        intervalMs: 1_000,
        backoff: { initialMs: 20 },
        run: async () => {
          at.push(Date.now() - start);
          if (at.length <= 3) throw new Error(`failure ${at.length}`);
        },
      }),
    );
    await sleep(400);
    // Runs at ~0, +20, +40, +80 (the fourth succeeds), then the next only after the interval.
    expect(at).toHaveLength(4);
    const gaps = at.slice(1).map((t, n) => t - at[n]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
    expect(scheduler.status()[0]).toMatchObject({ consecutiveFailures: 0, lastOutcome: 'ok', runs: 4 });
  });

  it('spreads delays by the jitter', async () => {
    scheduler = new JobScheduler({ random: () => 1 });
    scheduler.add(job({ intervalMs: 1_000, jitter: 0.5, run: async () => undefined }));
    const delay = scheduler.status()[0]!.nextRunAt!.getTime() - Date.now();
    expect(delay).toBeGreaterThan(1_400);
    expect(delay).toBeLessThanOrEqual(1_500);
  });

  it('stop waits for a run in flight and starts no other', async () => {
    scheduler = new JobScheduler();
    let finished = 0;
    let started = 0;
    scheduler.add(job({ firstDelayMs: 0, run: async () => ((started += 1), await sleep(60), (finished += 1)) }));
    await sleep(10);
    await scheduler.stop();
    expect(finished).toBe(1);
    await sleep(60);
    expect(started).toBe(1);
  });

  it('stop waits at most its bound, then aborts the run', async () => {
    const warnings: string[] = [];
    scheduler = new JobScheduler({ stopTimeoutMs: 30, logger: { warn: (_fields, message) => warnings.push(message) } });
    let aborted = false;
    scheduler.add(
      job({
        firstDelayMs: 0,
        timeoutMs: 10_000,
        run: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => ((aborted = true), resolve(undefined)))),
      }),
    );
    await sleep(10);
    const before = Date.now();
    await scheduler.stop();
    expect(Date.now() - before).toBeLessThan(500);
    expect(aborted).toBe(true);
    expect(warnings).toEqual(['jobs still running at stop: aborted']);
  });

  it('runNow runs a job at once; a name is scheduled once', async () => {
    scheduler = new JobScheduler();
    let runs = 0;
    scheduler.add(job({ intervalMs: 60_000, run: async () => void (runs += 1) }));
    expect(() => scheduler.add(job({ run: async () => undefined }))).toThrow('scheduled already');
    expect(await scheduler.runNow('j')).toBe('ok');
    expect(runs).toBe(1);
  });
});
