/**
 * The turn scheduled compares take around foreground work, in real time: no server is involved
 * (running-syncs.listener.spec.ts hears real sync events, scan-scheduler.spec.ts yields a real
 * scheduler's claims).
 */
import { metricsRegistry } from '@ir/platform';
import { ForegroundWork } from './foreground-work';

const MAX_MS = 1000;
/** Timers on a loaded 2-core machine fire late by this much. */
const LATE_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long `turn()` took, in ms. */
async function timedTurn(work: ForegroundWork): Promise<number> {
  const started = performance.now();
  await work.turn();
  return performance.now() - started;
}

async function pauses(ended: 'quiet' | 'bound'): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('index_registry_scan_pauses_total')!.get();
  return metric.values.find((v) => v.labels.ended === ended)?.value ?? 0;
}

describe('ForegroundWork', () => {
  let work: ForegroundWork;

  beforeEach(() => {
    work = new ForegroundWork({ DRIFT_SCAN_YIELD: true, DRIFT_SCAN_YIELD_MAX: MAX_MS });
  });

  it('lets scheduled work go at once when nothing runs in the foreground', async () => {
    expect(work.busy()).toBe(false);
    expect(await timedTurn(work)).toBeLessThan(50);
  });

  it('holds scheduled work while a request runs, and lets it go as soon as the request ends', async () => {
    const end = work.begin();
    const quietBefore = await pauses('quiet');
    let resumedAt = 0;
    const waiting = work.turn().then(() => (resumedAt = performance.now()));
    await sleep(150);
    expect(resumedAt).toBe(0);
    const endedAt = performance.now();
    end();
    await waiting;
    expect(resumedAt - endedAt).toBeLessThan(LATE_MS);
    expect(await pauses('quiet')).toBe(quietBefore + 1);
  });

  it('waits for every request: one ending while another runs lets nothing go', async () => {
    const [endFirst, endSecond] = [work.begin(), work.begin()];
    let resumed = false;
    const waiting = work.turn().then(() => (resumed = true));
    endFirst();
    endFirst(); // Ending twice counts once.
    await sleep(100);
    expect(resumed).toBe(false);
    endSecond();
    await waiting;
    expect(work.busy()).toBe(false);
  });

  it('bounds a pause: scheduled work goes on after DRIFT_SCAN_YIELD_MAX, then runs twice as long before pausing again', async () => {
    const boundBefore = await pauses('bound');
    const end = work.begin(); // Never ends while measured: constant foreground work.
    try {
      // Several scheduled steps wait in one pause, not one pause each.
      const waited = await Promise.all([timedTurn(work), sleep(100).then(() => timedTurn(work))]);
      expect(waited[0]).toBeGreaterThanOrEqual(MAX_MS - 20);
      expect(waited[0]).toBeLessThan(MAX_MS + LATE_MS);
      expect(waited[1]).toBeLessThanOrEqual(waited[0] - 50);
      expect(await pauses('bound')).toBe(boundBefore + 1);

      // The run after the pause: no waiting for twice the bound...
      const runStarted = performance.now();
      while (performance.now() - runStarted < 2 * MAX_MS - 2 * LATE_MS) {
        expect(await timedTurn(work)).toBeLessThan(LATE_MS);
        await sleep(100);
      }
      // ...then the next pause, bounded again.
      await sleep(2 * LATE_MS);
      const next = await timedTurn(work);
      expect(next).toBeGreaterThanOrEqual(MAX_MS - 20);
      expect(next).toBeLessThan(MAX_MS + LATE_MS);
    } finally {
      end();
    }
  });

  it('yields to a running sync until its end is heard', async () => {
    work.syncRunning('sync-1');
    let resumed = false;
    const waiting = work.turn().then(() => (resumed = true));
    await sleep(100);
    expect(resumed).toBe(false);
    work.syncEnded('sync-1');
    await waiting;
    expect(work.busy()).toBe(false);
  });

  it('forgets a sync whose end was never heard DRIFT_SCAN_YIELD_MAX after it was last heard of', async () => {
    work.syncRunning('lost-end');
    await sleep(MAX_MS / 2);
    work.syncRunning('lost-end'); // Its progress: still running.
    await sleep(MAX_MS / 2 + 50);
    expect(work.busy()).toBe(true);
    await sleep(MAX_MS / 2);
    expect(work.busy()).toBe(false);
    expect(await timedTurn(work)).toBeLessThan(20);
  });

  it('never holds scheduled work when DRIFT_SCAN_YIELD is false', async () => {
    const off = new ForegroundWork({ DRIFT_SCAN_YIELD: false, DRIFT_SCAN_YIELD_MAX: MAX_MS });
    off.begin();
    off.syncRunning('sync-1');
    expect(await timedTurn(off)).toBeLessThan(20);
  });
});
