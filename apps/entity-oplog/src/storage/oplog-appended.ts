import type { Pool, PoolClient } from 'pg';

/** How long a lost LISTEN connection waits before it is opened again (meanwhile waits end at their timeout). */
const RELISTEN_MS = 1_000;

/**
 * Tells waiting readers that the oplog grew. Every write to the oplog commits with a NOTIFY on the
 * channel named after the schema (`inAppendTransaction`), which PostgreSQL delivers at commit, to every
 * entity-oplog replica: this holds one connection of the pool LISTENing on it. A replicator that is
 * caught up waits here (`EntityInternalRpc.read`'s `wait_ms`) instead of asking again on an interval.
 * While the connection is lost (PostgreSQL restarting) waits end at their timeout: the reader's interval
 * poll is the fallback, and nothing is missed, since a reader reads again after every wait.
 */
export class OplogAppended {
  private client: PoolClient | undefined;
  private readonly waiters = new Set<() => void>();
  private stopped = false;
  private relisten: NodeJS.Timeout | undefined;

  /** `channel`: the schema's name (what `inAppendTransaction` notifies: `current_schema()`). */
  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
  ) {}

  /** Starts listening; a failure is retried in the background (waits end at their timeout meanwhile). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.listen().catch(() => this.listenLater());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.relisten);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query('UNLISTEN *').catch(() => undefined);
      client.release();
    }
    for (const wake of this.waiters) wake();
  }

  /** True while a LISTEN connection is open. */
  listening(): boolean {
    return this.client !== undefined;
  }

  /**
   * Resolves true at the next commit that writes to the oplog, or false after `timeoutMs`. Call it
   * before reading: a commit between the read and the wait then still ends the wait.
   */
  next(timeoutMs: number): { appended: Promise<boolean>; cancel: () => void } {
    let cancel = () => undefined as void;
    const appended = new Promise<boolean>((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(value);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
      cancel = () => done(false);
    });
    return { appended, cancel };
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    try {
      client.on('notification', () => this.wakeAll());
      client.on('error', () => this.lost(client));
      // A plain identifier (openPostgres checks schema names), as PostgreSQL folds unquoted names.
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (this.stopped) {
      client.release(true);
      return;
    }
    this.client = client;
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** The connection broke: dropped from the pool, and opened again shortly. */
  private lost(client: PoolClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(true);
    this.listenLater();
  }

  private listenLater(): void {
    if (this.stopped) return;
    clearTimeout(this.relisten);
    this.relisten = setTimeout(() => void this.listen().catch(() => this.listenLater()), RELISTEN_MS);
  }
}
