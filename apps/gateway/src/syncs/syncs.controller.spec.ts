// The sync endpoints in a Nest app of their own, on a private nats-server where
// this spec answers the executor's subjects itself.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, SyncEvents, SyncRpc, type SyncFact, type SyncView } from '@ir/contracts';
import { MessagingModule, NatsBus } from '@ir/messaging';
import { natsCredentials, startPrivateNats, type PrivateNats } from '@ir/testing';
import type { Subscription } from '@nats-io/transport-node';
import { Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { HttpExceptionFilter } from '../http/http-exception.filter';
import { StrictQueryInterceptor } from '../http/route-query';
import { SyncsController } from './syncs.controller';

jest.setTimeout(20_000);

const SYNC_ID = 'a'.repeat(24);
const DATABASE_ID = 'b'.repeat(24);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let nats: PrivateNats;
let bus: NatsBus;
let executor: NatsBus;
let app: INestApplication;
let base: string;
/** What the fake executor answers per subject, and what it was asked. */
const answers = new Map<string, (payload: Record<string, unknown>) => { ok: true; data: unknown } | { ok: false; error: unknown }>();
const asked: { subject: string; payload: Record<string, unknown> }[] = [];
const subscriptions: Subscription[] = [];
/** Subscriptions the gateway gave up (a subscription nobody iterates reports isClosed() only once iterated). */
const unsubscribed = new Set<Subscription>();

function view(status: SyncView['status'], progress: number): SyncView {
  return {
    id: SYNC_ID,
    database_id: DATABASE_ID,
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

function fact(status: SyncFact['status'], progress: number): SyncFact {
  return {
    sync_id: SYNC_ID,
    database_id: DATABASE_ID,
    status,
    progress,
    steps_done: 1,
    steps_total: 2,
    error: null,
    at: new Date().toISOString(),
  };
}

beforeAll(async () => {
  nats = await startPrivateNats();
  bus = await NatsBus.connect({ servers: nats.url, name: 'gateway-spec', credentials: natsCredentials(nats) });
  executor = await NatsBus.connect({ servers: nats.url, name: 'executor-spec', credentials: natsCredentials(nats) });
  const sub = executor.nc.subscribe('sync.rpc.>');
  void (async () => {
    for await (const msg of sub) {
      const payload = JSON.parse(decoder.decode(msg.data)) as Record<string, unknown>;
      asked.push({ subject: msg.subject, payload });
      const answer = answers.get(msg.subject);
      if (answer) msg.respond(encoder.encode(JSON.stringify(answer(payload))));
    }
  })();
  const config = { TARGET_REQUEST_TIMEOUT: 2000 } as GatewayConfig;
  @Module({
    imports: [MessagingModule.forRoot({ bus, requestTimeoutMs: 2000, service: 'gateway' })],
    controllers: [SyncsController],
    providers: [
      { provide: GATEWAY_CONFIG, useValue: config },
      { provide: APP_FILTER, useClass: HttpExceptionFilter },
      { provide: APP_INTERCEPTOR, useClass: StrictQueryInterceptor },
    ],
  })
  class SpecModule {}
  app = await NestFactory.create(SpecModule, { logger: false, abortOnError: false });
  const subscribe = bus.nc.subscribe.bind(bus.nc);
  jest.spyOn(bus.nc, 'subscribe').mockImplementation((subject, opts) => {
    const subscription = subscribe(subject, opts);
    const unsubscribe = subscription.unsubscribe.bind(subscription);
    subscription.unsubscribe = (max?: number) => {
      unsubscribed.add(subscription);
      unsubscribe(max);
    };
    subscriptions.push(subscription);
    return subscription;
  });
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  await executor?.drain();
  await nats?.stop();
});

beforeEach(() => {
  answers.clear();
  asked.length = 0;
});

/** Opens the event stream; resolves with the response once its headers arrived. */
function openStream(path: string): Promise<{ res: IncomingMessage; text: () => string; ended: Promise<void>; abort: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({ res, text: () => text, ended, abort: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function json(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /indexes/sync-status/:sync_id/events', () => {
  it('streams the current view, then this sync’s events, and ends after completed', async () => {
    answers.set(SyncRpc.status.subject, () => ({ ok: true, data: view('running', 0) }));
    const stream = await openStream(`/indexes/sync-status/${SYNC_ID}/events`);
    expect(stream.res.statusCode).toBe(200);
    expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/);
    await waitFor(() => stream.text().includes('event: status'));
    executor.nc.publish(SyncEvents.progress.subject, encoder.encode(JSON.stringify({ ...fact('running', 30), sync_id: 'c'.repeat(24) })));
    executor.nc.publish(SyncEvents.progress.subject, encoder.encode(JSON.stringify(fact('running', 50))));
    executor.nc.publish(SyncEvents.completed.subject, encoder.encode(JSON.stringify(fact('completed', 100))));
    await stream.ended;
    const events = stream
      .text()
      .split('\n\n')
      .filter((block) => block.startsWith('event:'))
      .map((block) => block.split('\n')[0]);
    expect(events).toEqual(['event: status', 'event: progress', 'event: completed']);
    expect(stream.text()).toContain('"progress":50');
    expect(unsubscribed.has(subscriptions.at(-1)!)).toBe(true);
  });

  it('ends at once for a sync that has ended', async () => {
    answers.set(SyncRpc.status.subject, () => ({ ok: true, data: view('completed', 100) }));
    const stream = await openStream(`/indexes/sync-status/${SYNC_ID}/events`);
    await stream.ended;
    expect(stream.text()).toBe(`event: status\ndata: ${JSON.stringify(view('completed', 100))}\n\n`);
    expect(unsubscribed.has(subscriptions.at(-1)!)).toBe(true);
  });

  it('answers 404 as JSON for an unknown sync, and leaves no subscription behind', async () => {
    answers.set(SyncRpc.status.subject, () => ({ ok: false, error: { code: ErrorCode.notFound, message: 'sync not found' } }));
    const res = await json('GET', `/indexes/sync-status/${SYNC_ID}/events`);
    expect(res).toMatchObject({ status: 404, body: { statusCode: 404, message: 'sync not found' } });
    expect(unsubscribed.has(subscriptions.at(-1)!)).toBe(true);
  });

  it('unsubscribes when the client goes away', async () => {
    answers.set(SyncRpc.status.subject, () => ({ ok: true, data: view('running', 10) }));
    const stream = await openStream(`/indexes/sync-status/${SYNC_ID}/events`);
    await waitFor(() => stream.text().includes('event: status'));
    const subscription = subscriptions.at(-1)!;
    expect(unsubscribed.has(subscription)).toBe(false);
    stream.abort();
    await waitFor(() => unsubscribed.has(subscription) && subscription.isClosed());
  });
});

describe('the other sync endpoints', () => {
  it('answers 202 with the accepted sync, and passes a 409 through with the running sync’s id', async () => {
    answers.set(SyncRpc.start.subject, () => ({ ok: true, data: { sync_id: SYNC_ID, status: 'pending', database_id: DATABASE_ID } }));
    const accepted = await json('POST', '/indexes/sync-by-collections', { database_id: DATABASE_ID, collections: ['orders'] });
    expect(accepted).toEqual({ status: 202, body: { sync_id: SYNC_ID, status: 'pending', database_id: DATABASE_ID } });
    expect(asked.at(-1)?.payload).toEqual({
      database_id: DATABASE_ID,
      collections: ['orders'],
      hide_before_drop: false,
      dry_run: false,
      on_error: 'continue',
    });

    answers.set(SyncRpc.start.subject, () => ({
      ok: false,
      error: { code: ErrorCode.conflict, message: 'a sync of this database is running', details: { sync_id: SYNC_ID } },
    }));
    const conflict = await json('POST', '/indexes/sync-by-database', { database_id: DATABASE_ID, dry_run: true });
    expect(conflict).toMatchObject({ status: 409, body: { details: { sync_id: SYNC_ID } } });
  });

  it('builds the history request from the path and the query', async () => {
    answers.set(SyncRpc.history.subject, () => ({ ok: true, data: { items: [view('completed', 100)], page: 2, limit: 5, total: 6 } }));
    const res = await json('GET', `/indexes/sync-status/by-database/${DATABASE_ID}?page=2&limit=5`);
    expect(res.status).toBe(200);
    expect(asked.at(-1)).toEqual({ subject: SyncRpc.history.subject, payload: { database_id: DATABASE_ID, page: 2, limit: 5 } });
  });

  it('validates the path and the query string before asking the executor', async () => {
    const badId = await json('GET', `/indexes/sync-status/by-database/nope?limit=5`);
    expect(badId.status).toBe(400);
    expect((badId.body.issues as { field: string }[]).map((i) => i.field)).toEqual(['database_id']);
    const badLimit = await json('GET', `/indexes/sync-status/by-database/${DATABASE_ID}?limit=0`);
    expect(badLimit.status).toBe(400);
    expect((badLimit.body.issues as { field: string }[]).map((i) => i.field)).toEqual(['limit']);
    const unknown = await json('GET', `/indexes/sync-status/by-database/${DATABASE_ID}?pagesize=5`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([{ field: 'pagesize', rule: 'unknown_parameter', message: 'unknown query parameter "pagesize"' }]);
    expect(asked).toEqual([]);
  });

  it('retries (202) and cancels (200) a sync named by the path, and refuses a bad body or id before asking', async () => {
    answers.set(SyncRpc.retry.subject, () => ({
      ok: true,
      data: { sync_id: 'c'.repeat(24), status: 'pending', database_id: DATABASE_ID, retry_of: SYNC_ID },
    }));
    const retried = await json('POST', `/indexes/sync-status/${SYNC_ID}/retry`, { on_error: 'stop' });
    expect(retried).toEqual({
      status: 202,
      body: { sync_id: 'c'.repeat(24), status: 'pending', database_id: DATABASE_ID, retry_of: SYNC_ID },
    });
    expect(asked.at(-1)).toEqual({ subject: SyncRpc.retry.subject, payload: { sync_id: SYNC_ID, on_error: 'stop' } });

    answers.set(SyncRpc.cancel.subject, () => ({ ok: true, data: view('cancelled', 0) }));
    const cancelled = await json('POST', `/indexes/sync-status/${SYNC_ID}/cancel`, {});
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    answers.set(SyncRpc.cancel.subject, () => ({
      ok: false,
      error: {
        code: ErrorCode.conflict,
        message: `sync ${SYNC_ID} is completed: only a pending sync can be cancelled`,
        details: { status: 'completed' },
      },
    }));
    expect(await json('POST', `/indexes/sync-status/${SYNC_ID}/cancel`, {})).toMatchObject({
      status: 409,
      body: { details: { status: 'completed' } },
    });

    const before = asked.length;
    const badBody = await json('POST', `/indexes/sync-status/${SYNC_ID}/retry`, { on_error: 'later' });
    expect(badBody.status).toBe(400);
    expect((badBody.body.issues as { field: string }[]).map((i) => i.field)).toEqual(['on_error']);
    expect((await json('POST', '/indexes/sync-status/nope/cancel', {})).status).toBe(400);
    expect(asked.length).toBe(before);
  });

  it('answers the import result with 200', async () => {
    const result = { database_id: DATABASE_ID, imported: 1, skipped: [], failed: [], counts: { imported: 1, skipped: 0, failed: 0 } };
    answers.set(SyncRpc.importIndexes.subject, () => ({ ok: true, data: result }));
    expect(await json('POST', '/indexes/sync-from-database', { database_id: DATABASE_ID })).toEqual({ status: 200, body: result });
    expect(asked.at(-1)?.payload).toEqual({ database_id: DATABASE_ID, on_conflict: 'skip', dry_run: false });
  });
});
