import { SyncEvents, type SyncFact, type SyncView } from '@ir/contracts';
import { sseEvent, streamSyncEvents, type EventSink, type EventSubscription } from './sync-event-stream';

const SYNC_ID = 'a'.repeat(24);
const encoder = new TextEncoder();

/** A core subscription fed by hand; `unsubscribe` ends its iterator like the NATS client does. */
class FakeSubscription implements EventSubscription {
  unsubscribed = false;
  private readonly queue: { subject: string; data: Uint8Array }[] = [];
  private wake?: () => void;

  push(subject: string, payload: unknown): void {
    this.queue.push({ subject, data: encoder.encode(typeof payload === 'string' ? payload : JSON.stringify(payload)) });
    this.wake?.();
  }

  unsubscribe(): void {
    this.unsubscribed = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator]() {
    for (;;) {
      while (this.queue.length > 0) yield this.queue.shift()!;
      if (this.unsubscribed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

class FakeSink implements EventSink {
  chunks: string[] = [];
  opened = false;
  ended = false;
  private closeListener?: () => void;
  open(): void {
    this.opened = true;
  }
  write(chunk: string): void {
    this.chunks.push(chunk);
  }
  end(): void {
    this.ended = true;
  }
  onClose(listener: () => void): void {
    this.closeListener = listener;
  }
  disconnect(): void {
    this.closeListener?.();
  }
}

function view(status: SyncView['status'], progress: number): SyncView {
  return {
    id: SYNC_ID,
    database_id: 'b'.repeat(24),
    status,
    progress,
    dry_run: false,
    options: { hide_before_drop: false, on_error: 'continue' },
    error: null,
    steps: [],
    warnings: [],
    created_at: '2025-01-01T00:00:00.000Z',
    started_at: null,
    completed_at: null,
    duration_ms: null,
  };
}

function fact(status: SyncFact['status'], progress: number, syncId = SYNC_ID): SyncFact {
  return {
    sync_id: syncId,
    database_id: 'b'.repeat(24),
    status,
    progress,
    steps_done: progress / 10,
    steps_total: 10,
    error: null,
    at: '2025-01-01T00:00:00.000Z',
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('streamSyncEvents', () => {
  it('sends the current view, then this sync’s events in order, and ends after completed', async () => {
    const subscription = new FakeSubscription();
    const sink = new FakeSink();
    const done = streamSyncEvents({ syncId: SYNC_ID, subscribe: () => subscription, current: async () => view('running', 20), sink });
    await tick();
    subscription.push(SyncEvents.progress.subject, fact('running', 10)); // older than the view: dropped
    subscription.push(SyncEvents.progress.subject, fact('running', 50, 'c'.repeat(24))); // another sync
    subscription.push(SyncEvents.progress.subject, { not: 'a fact' }); // invalid
    subscription.push(SyncEvents.progress.subject, 'not json');
    subscription.push(SyncEvents.progress.subject, fact('running', 50));
    subscription.push(SyncEvents.completed.subject, fact('completed', 100));
    await done;
    expect(sink.opened).toBe(true);
    expect(sink.chunks).toEqual([
      sseEvent('status', view('running', 20)),
      sseEvent('progress', fact('running', 50)),
      sseEvent('completed', fact('completed', 100)),
    ]);
    expect(sink.ended).toBe(true);
    expect(subscription.unsubscribed).toBe(true);
  });

  it.each([
    ['partiallyFailed', SyncEvents.partiallyFailed.subject, 'partially_failed'],
    ['cancelled', SyncEvents.cancelled.subject, 'cancelled'],
  ] as const)('ends after %s', async (verb, subject, status) => {
    const subscription = new FakeSubscription();
    const sink = new FakeSink();
    const done = streamSyncEvents({ syncId: SYNC_ID, subscribe: () => subscription, current: async () => view('running', 20), sink });
    await tick();
    subscription.push(subject, fact(status, 60));
    await done;
    expect(sink.chunks).toEqual([sseEvent('status', view('running', 20)), sseEvent(verb, fact(status, 60))]);
    expect(sink.ended).toBe(true);
  });

  it('ends at once for a sync that has already ended', async () => {
    const subscription = new FakeSubscription();
    const sink = new FakeSink();
    await streamSyncEvents({ syncId: SYNC_ID, subscribe: () => subscription, current: async () => view('failed', 40), sink });
    expect(sink.chunks).toEqual([sseEvent('status', view('failed', 40))]);
    expect(sink.ended).toBe(true);
    expect(subscription.unsubscribed).toBe(true);
  });

  it('throws before sending anything when the sync cannot be read, and unsubscribes', async () => {
    const subscription = new FakeSubscription();
    const sink = new FakeSink();
    await expect(
      streamSyncEvents({ syncId: SYNC_ID, subscribe: () => subscription, current: () => Promise.reject(new Error('404')), sink }),
    ).rejects.toThrow('404');
    expect(sink.opened).toBe(false);
    expect(sink.chunks).toEqual([]);
    expect(subscription.unsubscribed).toBe(true);
  });

  it('sends keep-alive comments and cleans up when the client disconnects', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      const subscription = new FakeSubscription();
      const sink = new FakeSink();
      const done = streamSyncEvents({
        syncId: SYNC_ID,
        subscribe: () => subscription,
        current: async () => view('pending', 0),
        sink,
        keepAliveMs: 15_000,
      });
      await tick();
      jest.advanceTimersByTime(31_000);
      expect(sink.chunks.filter((c) => c === ': keep-alive\n\n')).toHaveLength(2);
      sink.disconnect();
      await done;
      expect(subscription.unsubscribed).toBe(true);
      expect(sink.ended).toBe(true);
      jest.advanceTimersByTime(60_000);
      expect(sink.chunks.filter((c) => c === ': keep-alive\n\n')).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
