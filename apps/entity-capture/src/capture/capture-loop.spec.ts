import { CaptureLoop } from './capture-loop';
import type { SourceCapture } from './source-capture';

/** A capture that counts its starts and fails the polls it is told to: the loop's bookkeeping only. */
function captureFailing(polls: readonly boolean[]) {
  const calls = { starts: 0, polls: 0 };
  const capture = {
    start: async () => {
      calls.starts += 1;
    },
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
    expect(warnings).toEqual([expect.objectContaining({ failures: 1, error: 'connection terminated' })]);
  });
});
