import { CaptureLoop } from './capture-loop';
import type { SourceCapture } from './source-capture';

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
