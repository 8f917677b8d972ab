import { CrashWindow, DEFAULT_RESTART_POLICY, restartDelayMs, type RestartPolicy } from './restart-policy';

const policy: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 1000, jitterRatio: 0.2, maxCrashes: 5, crashWindowMs: 60_000 };
const middle = (): number => 0.5;

describe('restartDelayMs', () => {
  it('doubles from the initial wait with each crash in the window, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => restartDelayMs(n, policy, middle))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('moves each wait by at most the jitter ratio either way, never beyond the cap', () => {
    expect(restartDelayMs(2, policy, () => 0)).toBe(160);
    expect(restartDelayMs(2, policy, () => 0.999_999)).toBe(240);
    expect(restartDelayMs(9, policy, () => 0.999_999)).toBe(1000);
    expect(restartDelayMs(9, policy, () => 0)).toBe(800);
  });

  it('spreads processes that crashed together', () => {
    const waits = new Set(Array.from({ length: 50 }, () => restartDelayMs(1, policy)));
    expect(waits.size).toBeGreaterThan(10);
    for (const wait of waits) expect(wait >= 80 && wait <= 120).toBe(true);
  });

  it('by default gives a crash loop 0.5, 1, 2 and 4 s of waits before the fifth crash in a minute gives it up', () => {
    expect([1, 2, 3, 4].map((n) => restartDelayMs(n, DEFAULT_RESTART_POLICY, middle))).toEqual([500, 1000, 2000, 4000]);
    expect(DEFAULT_RESTART_POLICY).toMatchObject({ maxCrashes: 5, crashWindowMs: 60_000 });
  });
});

describe('CrashWindow', () => {
  it('counts the crashes of the last window only', () => {
    const window = new CrashWindow(1000);
    expect(window.record(0)).toBe(1);
    expect(window.record(400)).toBe(2);
    expect(window.record(900)).toBe(3);
    // The crash at 0 is a full window old at 1000.
    expect(window.record(1000)).toBe(3);
    expect(window.record(5000)).toBe(1);
  });
});
