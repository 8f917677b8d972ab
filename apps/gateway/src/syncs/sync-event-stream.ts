import { SyncEvents, TERMINAL_SYNC_STATUSES, type SyncFact, type SyncView } from '@ir/contracts';
import { decodeJson } from '@ir/messaging';

export const KEEP_ALIVE_MS = 15_000;

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_SYNC_STATUSES);
const CONTRACTS = new Map(Object.entries(SyncEvents).map(([verb, contract]) => [contract.subject, { verb, contract }]));

/** What the stream needs of a core NATS subscription. */
export interface EventSubscription extends AsyncIterable<{ readonly subject: string; readonly data: Uint8Array }> {
  unsubscribe(): void;
}

/** What the stream needs of an HTTP response. */
export interface EventSink {
  /** Sends the status and headers: called once, after the current view was read. */
  open(): void;
  write(chunk: string): void;
  end(): void;
  /** Registers what to do when the client goes away. */
  onClose(listener: () => void): void;
}

export interface SyncEventStreamOptions {
  readonly syncId: string;
  readonly subscribe: () => EventSubscription;
  /** The sync's current view; a rejection (404…) is thrown before anything is sent. */
  readonly current: () => Promise<SyncView>;
  readonly sink: EventSink;
  readonly keepAliveMs?: number;
}

/** One server-sent event: its name and JSON data (one line: JSON.stringify never emits a newline). */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Streams a sync's progress as server-sent events: first `status` with the current SyncView, then
 * `started` / `progress` / `completed` / `failed` with each SyncFact of this sync, until the sync
 * ends (at once when it already has) or the client goes away. A comment every `keepAliveMs` keeps
 * proxies from closing an idle stream.
 *
 * The subscription opens before the view is read, so nothing published in between is lost; events
 * older than the view (a lower progress) are dropped, so progress never goes backwards.
 * Resolves when the stream has ended.
 */
export async function streamSyncEvents(options: SyncEventStreamOptions): Promise<void> {
  const { syncId, sink } = options;
  const subscription = options.subscribe();
  let view: SyncView;
  try {
    view = await options.current();
  } catch (error) {
    subscription.unsubscribe();
    throw error;
  }
  let ended = false;
  let keepAlive: NodeJS.Timeout | undefined;
  const finish = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(keepAlive);
    subscription.unsubscribe();
    sink.end();
  };
  sink.onClose(finish);
  sink.open();
  sink.write(sseEvent('status', view));
  if (TERMINAL.has(view.status)) return finish();
  keepAlive = setInterval(() => sink.write(': keep-alive\n\n'), options.keepAliveMs ?? KEEP_ALIVE_MS);
  keepAlive.unref();

  let progress = view.progress;
  try {
    for await (const msg of subscription) {
      if (ended) break;
      const fact = parseFact(msg.subject, msg.data);
      if (!fact || fact.payload.sync_id !== syncId) continue;
      const terminal = TERMINAL.has(fact.payload.status) || fact.verb === 'completed' || fact.verb === 'failed';
      if (!terminal && fact.payload.progress < progress) continue;
      progress = Math.max(progress, fact.payload.progress);
      sink.write(sseEvent(fact.verb, fact.payload));
      if (terminal) break;
    }
  } finally {
    finish();
  }
}

function parseFact(subject: string, data: Uint8Array): { verb: string; payload: SyncFact } | undefined {
  const known = CONTRACTS.get(subject);
  if (!known) return undefined;
  try {
    const parsed = known.contract.payload.safeParse(decodeJson(data));
    return parsed.success ? { verb: known.verb, payload: parsed.data as SyncFact } : undefined;
  } catch {
    return undefined;
  }
}
