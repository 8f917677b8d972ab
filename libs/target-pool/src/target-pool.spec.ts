import { connect, createServer, type Server, type Socket } from 'node:net';
import { inspect } from 'node:util';
import type { MongoClient } from 'mongodb';
import { TargetConnectionError } from './target-connection-error';
import { TargetPolicy } from './policy/target-policy';
import { TargetPool, type TargetPoolEvent } from './target-pool';

const mongoUri = (): string => {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
  return uri;
};

/** The same server under a different connection string, hence a different pool key. */
const variant = (uri: string, n: number): string => `${uri}${uri.includes('?') ? '&' : '?'}maxIdleTimeMS=${60_000 + n}`;

const DB = 'target_pool_spec';

async function freedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A TCP relay on `port` to the test server: the target "comes back" on an address that was dead. */
async function relay(port: number, to: { host: string; port: number }): Promise<() => Promise<void>> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(to.port, to.host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** Resolves when the client's topology closes, i.e. the pool really closed it. */
const closedSignal = (client: MongoClient): { closed: () => boolean } => {
  let closed = false;
  client.once('topologyClosed', () => {
    closed = true;
  });
  return { closed: () => closed };
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Until `check` holds; fails after `timeoutMs`. A client's close crosses the network: a loaded machine takes its time. */
async function waitFor(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('TargetPool (real FerretDB)', () => {
  let pool: TargetPool;
  let events: TargetPoolEvent[];

  beforeEach(() => {
    events = [];
  });
  afterEach(async () => {
    await pool?.close();
  });

  it('reuses one client for the same uri', async () => {
    pool = new TargetPool({ policy: TargetPolicy.loopback(), onEvent: (e) => events.push(e) });
    const a = await pool.db({ uri: mongoUri(), dbName: DB });
    const b = await pool.db({ uri: mongoUri(), dbName: DB });
    expect(b.client).toBe(a.client);
    expect(pool.size).toBe(1);
    expect(await a.command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect(events.filter((e) => e.event === 'connected')).toHaveLength(1);
  });

  it('gives different uris different clients, and never shows a uri in its debug output', async () => {
    pool = new TargetPool({ policy: TargetPolicy.loopback() });
    const a = await pool.db({ uri: variant(mongoUri(), 1), dbName: DB });
    const b = await pool.db({ uri: variant(mongoUri(), 2), dbName: DB });
    expect(b.client).not.toBe(a.client);
    expect(pool.size).toBe(2);
    const shown = inspect(pool) + JSON.stringify(pool);
    expect(shown).not.toContain('mongodb://');
    expect(shown).not.toContain('maxIdleTimeMS');
  });

  it('closes the least recently used client beyond maxClients', async () => {
    pool = new TargetPool({ policy: TargetPolicy.loopback(), maxClients: 2, onEvent: (e) => events.push(e) });
    const [u1, u2, u3] = [variant(mongoUri(), 1), variant(mongoUri(), 2), variant(mongoUri(), 3)];
    const first = await pool.db({ uri: u1, dbName: DB });
    const second = await pool.db({ uri: u2, dbName: DB });
    await pool.db({ uri: u1, dbName: DB }); // u1 is now more recent than u2
    const secondClosed = closedSignal(second.client);
    const firstClosed = closedSignal(first.client);
    await pool.db({ uri: u3, dbName: DB });
    expect(pool.size).toBe(2);
    await waitFor('the evicted client closed', secondClosed.closed); // close() runs in the background of db()
    expect(firstClosed.closed()).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ event: 'evicted', reason: 'lru' }));
    const again = await pool.db({ uri: u2, dbName: DB });
    expect(again.client).not.toBe(second.client); // a fresh client, and u1 went out in turn
    expect((await pool.db({ uri: u1, dbName: DB })).client).not.toBe(first.client);
  });

  it('closes clients left idle for idleMs', async () => {
    let evictedAt: number | undefined;
    const onEvent = (e: TargetPoolEvent) => {
      if (e.event === 'evicted' && e.reason === 'idle') evictedAt ??= Date.now();
    };
    pool = new TargetPool({ policy: TargetPolicy.loopback(), idleMs: 150, sweepIntervalMs: 25, onEvent });
    const db = await pool.db({ uri: mongoUri(), dbName: DB });
    const signal = closedSignal(db.client);
    const pinging = Date.now();
    await db.command({ ping: 1 });
    const idleSince = Date.now();
    // Timed by the eviction itself: a look after a fixed sleep found the client gone already when the timer
    // fired late on a loaded machine.
    await waitFor('the idle eviction', () => evictedAt !== undefined);
    expect(evictedAt! - pinging).toBeGreaterThanOrEqual(150);
    expect(evictedAt! - idleSince).toBeLessThan(380);
    expect(pool.size).toBe(0);
    await waitFor('the idle client closed', signal.closed);
    expect((await pool.db({ uri: mongoUri(), dbName: DB })).client).not.toBe(db.client);
  });

  it('connects once for concurrent first calls', async () => {
    pool = new TargetPool({ policy: TargetPolicy.loopback(), onEvent: (e) => events.push(e) });
    const dbs = await Promise.all(Array.from({ length: 8 }, () => pool.db({ uri: variant(mongoUri(), 9), dbName: DB })));
    expect(new Set(dbs.map((d) => d.client)).size).toBe(1);
    expect(events.filter((e) => e.event === 'connected')).toHaveLength(1);
    expect(pool.size).toBe(1);
  });

  it('does not cache a failed connect: the next call connects again', async () => {
    const server = new URL(mongoUri().replace(/^mongodb:/, 'http:'));
    if (mongoUri().startsWith('mongodb+srv:') || server.host.includes(',')) return; // the relay needs one host
    pool = new TargetPool({
      policy: TargetPolicy.loopback(),
      serverSelectionTimeoutMs: 500,
      connectTimeoutMs: 500,
      onEvent: (e) => events.push(e),
    });
    const port = await freedPort();
    const uri = `mongodb://127.0.0.1:${port}/?directConnection=true`;
    const started = Date.now();
    const error = await pool.db({ uri, dbName: DB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetConnectionError);
    expect((error as TargetConnectionError).kind).toBe('unreachable');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(pool.size).toBe(0);
    const stop = await relay(port, { host: server.hostname, port: Number(server.port || 27017) });
    try {
      const db = await pool.db({ uri, dbName: DB });
      expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
      expect(pool.size).toBe(1);
      expect(events.map((e) => e.event)).toEqual(['connect_failed', 'connected']);
    } finally {
      await pool.close();
      await stop();
    }
  });

  it('rejects a malformed uri without caching anything', async () => {
    pool = new TargetPool({ policy: TargetPolicy.loopback() });
    await expect(pool.db({ uri: 'http://x', dbName: DB })).rejects.toMatchObject({ kind: 'malformed_uri' });
    expect(pool.size).toBe(0);
  });

  it('evict() and close() close clients; a closed pool refuses work', async () => {
    pool = new TargetPool({ policy: TargetPolicy.loopback() });
    const a = await pool.db({ uri: variant(mongoUri(), 1), dbName: DB });
    const b = await pool.db({ uri: variant(mongoUri(), 2), dbName: DB });
    const [aClosed, bClosed] = [closedSignal(a.client), closedSignal(b.client)];
    await pool.evict(variant(mongoUri(), 1));
    expect(aClosed.closed()).toBe(true);
    expect(pool.size).toBe(1);
    await pool.close();
    expect(bClosed.closed()).toBe(true);
    expect(pool.size).toBe(0);
    await expect(pool.db({ uri: mongoUri(), dbName: DB })).rejects.toThrow('closed');
  });
});
