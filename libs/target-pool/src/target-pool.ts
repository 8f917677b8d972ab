import { inspect } from 'node:util';
import type { TargetCapabilities } from '@ir/index-core';
import type { Db, MongoClient } from 'mongodb';
import { CapabilitiesCache } from './capabilities/capabilities-cache';
import { DEFAULT_PROBE_TIMEOUT_MS, probeCapabilities } from './capabilities/probe-capabilities';
import { classifyTargetError } from './classify-target-error';
import { DEFAULT_TARGET_CLIENT_LIMITS, type TargetClientLimits } from './client-options';
import type { TargetPolicy } from './policy/target-policy';
import { openTargetClient } from './target-client';
import type { TargetConnectionError } from './target-connection-error';
import { shortTargetKey, targetKey } from './target-key';

/**
 * A target's database as the pool hands it out. Code that reads or changes a target holds this
 * type, from here, rather than the driver's: the services' own data is never reached through it.
 */
export type TargetDb = Db;

/** A target database: where it is and which database of it we manage. */
export interface TargetRef {
  uri: string;
  dbName: string;
}

/** What the pool reports, for logs and metrics. `target` is a short sha256 prefix, never the URI. */
export type TargetPoolEvent =
  | { event: 'connected'; target: string; durationMs: number }
  | { event: 'connect_failed'; target: string; durationMs: number; reason: string }
  | { event: 'evicted'; target: string; reason: 'lru' | 'idle' | 'explicit' | 'pool_closed' }
  | { event: 'close_failed'; target: string; error: string }
  | { event: 'refused'; target: string; reason: string };

export interface TargetPoolOptions extends Partial<TargetClientLimits> {
  /** Which targets may be connected to, checked before every client is opened. */
  policy: TargetPolicy;
  /** Most clients kept open at once; the least recently used is closed beyond it. */
  maxClients?: number;
  /** A client unused for this long is closed. */
  idleMs?: number;
  /** How often idle clients are looked for; defaults to idleMs / 4 (at most once a minute). */
  sweepIntervalMs?: number;
  onEvent?: (event: TargetPoolEvent) => void;
  /** How long what a target supports is taken as known before it is probed again. */
  capabilitiesTtlMs?: number;
  /** Time limit of each capability probe command. */
  probeTimeoutMs?: number;
}

export const DEFAULT_MAX_CLIENTS = 50;
export const DEFAULT_IDLE_MS = 5 * 60_000;
/** How long a target whose replica set announced a refused host is refused without trying again. */
const REFUSAL_MEMORY_MS = 60_000;

interface Entry {
  readonly key: string;
  readonly client: MongoClient;
  /** Shared by every caller that arrives while the first connect is still running. */
  readonly connected: Promise<MongoClient>;
  lastUsedAt: number;
  /** Connections checked out right now: an operation is running, so this client must not be closed. */
  inUse: number;
  /** True until connect settles: a caller is waiting on it, so LRU eviction passes it over. */
  connecting: boolean;
}

/**
 * One MongoClient per target connection string, reused across calls. Each client has its own small
 * connection pool and monitoring, so the number of clients is bounded (LRU) and idle ones are closed.
 *
 * "Used" means an operation is running, not only that db() was called: the pool follows connection
 * check-out/check-in events, so an index build that holds a connection for an hour keeps its client
 * alive. Neither idle nor LRU eviction closes a client with an operation in flight; if every client is
 * busy, the pool grows past maxClients until one frees up (killing running operations would be worse).
 */
export class TargetPool {
  // Keyed by sha256(uri). Map iteration order is insertion order, and every use re-inserts its entry,
  // so the first entry is always the least recently used.
  private readonly entries = new Map<string, Entry>();
  private readonly limits: TargetClientLimits;
  private readonly maxClients: number;
  private readonly idleMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly onEvent: (event: TargetPoolEvent) => void;
  private readonly policy: TargetPolicy;
  /** Targets refused after they connected (a host their replica set announced), by key, until a time. */
  private readonly refusals = new Map<string, { error: TargetConnectionError; until: number }>();
  private readonly capabilityCache: CapabilitiesCache;
  private readonly probeTimeoutMs: number;
  private closed = false;

  constructor(options: TargetPoolOptions) {
    this.policy = options.policy;
    this.limits = {
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_TARGET_CLIENT_LIMITS.connectTimeoutMs,
      serverSelectionTimeoutMs: options.serverSelectionTimeoutMs ?? DEFAULT_TARGET_CLIENT_LIMITS.serverSelectionTimeoutMs,
      socketTimeoutMs: options.socketTimeoutMs ?? DEFAULT_TARGET_CLIENT_LIMITS.socketTimeoutMs,
      maxPoolSize: options.maxPoolSize ?? DEFAULT_TARGET_CLIENT_LIMITS.maxPoolSize,
      operationTimeoutMs: options.operationTimeoutMs ?? DEFAULT_TARGET_CLIENT_LIMITS.operationTimeoutMs,
    };
    this.maxClients = Math.max(1, options.maxClients ?? DEFAULT_MAX_CLIENTS);
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.onEvent = options.onEvent ?? (() => undefined);
    const sweepEvery = options.sweepIntervalMs ?? Math.min(Math.max(Math.floor(this.idleMs / 4), 10), 60_000);
    this.sweeper = setInterval(() => this.evictIdle(), sweepEvery);
    // The sweep is housekeeping: it must never keep a process (or a jest worker) alive.
    this.sweeper.unref();
    this.capabilityCache = new CapabilitiesCache({ ttlMs: options.capabilitiesTtlMs });
    this.probeTimeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  }

  /** Clients currently held, connected or connecting. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The target's database on a shared client, connecting on first use. Concurrent first calls share
   * one connect. A failed connect is not cached: the next call tries again.
   * @throws TargetConnectionError when the client cannot be created or connected.
   */
  async db(target: TargetRef): Promise<Db> {
    if (this.closed) throw new Error('TargetPool is closed');
    const key = targetKey(target.uri);
    const refusal = this.refusals.get(key);
    if (refusal && refusal.until > Date.now()) throw refusal.error;
    this.refusals.delete(key);
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // re-insert below: now the most recently used
    } else {
      entry = this.open(key, target.uri);
    }
    entry.lastUsedAt = Date.now();
    this.entries.set(key, entry);
    this.evictOverflow(key);
    const client = await entry.connected;
    return client.db(target.dbName);
  }

  /**
   * What the target's server supports (who it is, what the probes found), probed on the pool's client
   * and kept per target and database until it expires; undefined when the server does not say.
   * @throws TargetConnectionError when the target cannot be connected to (that is not kept).
   */
  async capabilities(target: TargetRef): Promise<TargetCapabilities | undefined> {
    const key = `${targetKey(target.uri)}/${target.dbName}`;
    return this.capabilityCache.get(key, async () => probeCapabilities(await this.db(target), this.probeTimeoutMs));
  }

  /** Closes the target's client, if any. Operations running on it fail. */
  async evict(uri: string): Promise<void> {
    const entry = this.entries.get(targetKey(uri));
    if (entry) await this.drop(entry, 'explicit');
  }

  /** Closes every client and stops the idle sweep; the pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    await Promise.all([...this.entries.values()].map((entry) => this.drop(entry, 'pool_closed')));
  }

  /** Removes clients unused for idleMs. Public so a caller (or a test) can sweep without waiting. */
  evictIdle(now: number = Date.now()): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.inUse === 0 && !entry.connecting && now - entry.lastUsedAt >= this.idleMs) void this.drop(entry, 'idle');
    }
  }

  private open(key: string, uri: string): Entry {
    const started = Date.now();
    const { client, connected: opened } = openTargetClient(uri, this.limits, this.policy, (error) => this.refuse(entry, error));
    const connected = opened.then(
      (c) => {
        entry.connecting = false;
        this.onEvent({ event: 'connected', target: shortTargetKey(key), durationMs: Date.now() - started });
        return c;
      },
      async (error: unknown) => {
        const failure = classifyTargetError(error, uri);
        this.onEvent({ event: 'connect_failed', target: shortTargetKey(key), durationMs: Date.now() - started, reason: failure.kind });
        // Forget this client unless it was already replaced or evicted, and release its monitors.
        if (this.entries.get(key) === entry) this.entries.delete(key);
        await client.close().catch(() => undefined);
        throw failure;
      },
    );
    const entry: Entry = { key, client, connected, lastUsedAt: started, inUse: 0, connecting: true };
    // CMAP events are emitted without monitorCommands, cost nothing per command, and cover cursors'
    // getMores and retries too: a truer measure of use than calls to db().
    client.on('connectionCheckedOut', () => {
      entry.inUse += 1;
      entry.lastUsedAt = Date.now();
    });
    client.on('connectionCheckedIn', () => {
      entry.inUse = Math.max(0, entry.inUse - 1);
      entry.lastUsedAt = Date.now();
    });
    return entry;
  }

  /** A connected target turned out to be refused: close its client, and refuse it for a while. */
  private refuse(entry: Entry, error: TargetConnectionError): void {
    this.refusals.set(entry.key, { error, until: Date.now() + REFUSAL_MEMORY_MS });
    this.onEvent({ event: 'refused', target: shortTargetKey(entry.key), reason: error.kind });
    void this.drop(entry, 'explicit');
  }

  private evictOverflow(justUsed: string): void {
    let excess = this.entries.size - this.maxClients;
    if (excess <= 0) return;
    // Oldest first; the entry just used is last and never chosen while older ones remain.
    for (const entry of [...this.entries.values()]) {
      if (excess <= 0) return;
      if (entry.key === justUsed || entry.inUse > 0 || entry.connecting) continue;
      void this.drop(entry, 'lru');
      excess -= 1;
    }
  }

  private async drop(entry: Entry, reason: 'lru' | 'idle' | 'explicit' | 'pool_closed'): Promise<void> {
    // Removed synchronously, so no caller is handed this client once its close has begun.
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    this.onEvent({ event: 'evicted', target: shortTargetKey(entry.key), reason });
    try {
      await entry.client.close();
    } catch (error) {
      this.onEvent({ event: 'close_failed', target: shortTargetKey(entry.key), error: error instanceof Error ? error.name : 'unknown' });
    }
  }

  /** console.log / util.inspect show counts and hashes, never the clients (whose options hold the URI). */
  [inspect.custom](): string {
    return `TargetPool { size: ${this.entries.size}, maxClients: ${this.maxClients}, targets: [${[...this.entries.keys()].map(shortTargetKey).join(', ')}] }`;
  }

  toJSON(): { size: number; maxClients: number; targets: string[] } {
    return { size: this.entries.size, maxClients: this.maxClients, targets: [...this.entries.keys()].map(shortTargetKey) };
  }
}
