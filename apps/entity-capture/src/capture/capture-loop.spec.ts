import { CaptureLoop } from './capture-loop';
import type { SourceCapture } from './source-capture';

/** A capture that counts its starts and fails the polls it is told to: the loop's bookkeeping only. */
function captureFailing(polls: readonly boolean[]) {
  const calls = { starts: 0, polls: 0 };
  const capture = {
    start: async () => {
      calls.starts += 1;
    },
    nextChangeInMs: () => undefined,
    settleMs: () => 0,
    pollOnce: async () => {
      const fails = polls[calls.polls] ?? false;
      calls.polls += 1;
      if (fails) throw new Error('connection terminated');
      return 0;
    },
  } as unknown as SourceCapture;
  return { capture, calls };
}

describe('CaptureLoop', () => {
  const run = async (capture: SourceCapture, polls: number, calls: { polls: number }) => {
    const stop = new AbortController();
    const warnings: unknown[] = [];
    const loop = new CaptureLoop(capture, {
      refreshEntities: async () => undefined,
      idleMs: 1,
      backoff: { initialMs: 1, maxMs: 1 },
      logger: { warn: (fields) => warnings.push(fields) },
      onPoll: () => calls.polls >= polls && stop.abort(),
    });
    await loop.run(stop.signal);
    return warnings;
  };

  it('starts once and then only polls while nothing fails', async () => {
    const { capture, calls } = captureFailing([]);
    await run(capture, 3, calls);
    expect(calls).toEqual({ starts: 1, polls: 3 });
  });

  it('after a failure starts again, reading the saved position, instead of going on from the one in memory', async () => {
    const { capture, calls } = captureFailing([false, true, false]);
    const warnings = await run(capture, 3, calls);
    expect(calls).toEqual({ starts: 2, polls: 3 });
    expect(warnings).toEqual([expect.objectContaining({ failures: 1, error: new Error('connection terminated') })]);
  });
});

/** A capture whose polls read nothing, with a change held back for `heldMs` (or none), timing its polls. */
function idleCapture(heldMs: number | undefined) {
  const polls: number[] = [];
  const capture = {
    start: async () => undefined,
    pollOnce: async () => {
      polls.push(Date.now());
      return 0;
    },
    nextChangeInMs: () => heldMs,
    settleMs: () => 0,
  };
  return { capture: capture as unknown as SourceCapture, polls };
}

async function pollsFor(heldMs: number | undefined, runMs: number): Promise<number[]> {
  const { capture, polls } = idleCapture(heldMs);
  const stop = new AbortController();
  const running = new CaptureLoop(capture, { refreshEntities: async () => undefined, idleMs: 1_000 }).run(stop.signal);
  await new Promise((resolve) => setTimeout(resolve, runMs));
  stop.abort();
  await running;
  return polls;
}

describe('CaptureLoop when idle', () => {
  it('waits its full idle time when the source holds nothing back', async () => {
    const polls = await pollsFor(undefined, 1_500);
    expect(polls).toHaveLength(2);
    expect(polls[1]! - polls[0]!).toBeGreaterThanOrEqual(990);
  });

  it('polls again as soon as a change the source held back becomes readable', async () => {
    const polls = await pollsFor(50, 1_500);
    // Every 50 ms rather than every 1,000: many polls in the time the full wait allows two.
    expect(polls.length).toBeGreaterThan(5);
  });
});
