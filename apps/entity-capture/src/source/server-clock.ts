import type { MongoClient } from 'mongodb';

/** How often the server's clock is asked again. */
export const CLOCK_CHECK_MS = 10_000;

/**
 * The server's clock (`hello.localTime`): the settle window is measured on the clock that wrote
 * `wall`. Asked every CLOCK_CHECK_MS, not on every poll (a round trip each): between checks it is this
 * process's clock plus the offset last measured, less the round trip's time, so the window only grows.
 */
export class ServerClock {
  /** The server's clock minus this process's, as last measured. */
  private offset: number | undefined;
  private checkedAt = 0;

  constructor(
    private readonly client: MongoClient,
    private readonly timeoutMs: number,
  ) {}

  async now(): Promise<Date> {
    const now = Date.now();
    if (this.offset === undefined || now - this.checkedAt > CLOCK_CHECK_MS) {
      const hello = await this.client.db('admin').command({ hello: 1 }, { timeoutMS: this.timeoutMs });
      const after = Date.now();
      this.offset = hello.localTime instanceof Date ? hello.localTime.getTime() - after : 0;
      this.checkedAt = after;
      return new Date(after + this.offset);
    }
    return new Date(now + this.offset);
  }

  /** A time on the server's clock as on this process's (by the offset last measured). */
  toLocal(serverTime: number): number {
    return serverTime - (this.offset ?? 0);
  }
}
