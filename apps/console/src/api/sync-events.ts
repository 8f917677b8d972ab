import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { SyncFact } from '@ir/contracts';
import { apiFetch } from './client';
import type { SyncView } from './types';

export type { SyncFact };

export interface SyncEventHandlers {
  /** The sync's whole view: the stream's first event. */
  onView(view: SyncView): void;
  /** Each change after it (started, progress, approved, completed, ...), named by `event`. */
  onFact(event: string, fact: SyncFact): void;
}

/**
 * Follows `GET /indexes/sync-status/:id/events` until the sync ends or `signal` aborts. Not
 * EventSource: it cannot send the Authorization header, so the stream is read with fetch and parsed
 * by eventsource-parser.
 */
export async function followSync(syncId: string, handlers: SyncEventHandlers, signal: AbortSignal): Promise<void> {
  const response = await apiFetch(`/indexes/sync-status/${syncId}/events`, { accept: 'text/event-stream', signal });
  if (!response.body) return;
  const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const data: unknown = JSON.parse(value.data);
      if (value.event === 'status') handlers.onView(data as SyncView);
      else handlers.onFact(value.event ?? 'message', data as SyncFact);
    }
  } finally {
    reader.releaseLock();
  }
}
