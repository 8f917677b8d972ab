import { Timestamp, type Collection, type Document, type MongoClient } from 'mongodb';
import { scanCollection } from './collection-scan';
import { SourceHistoryLost } from './history-lost';
import { OwnOplogTrim } from './own-oplog-trim';
import { isResumeToken, type OplogPosition, type SourceChange, type SourcePosition } from './source-change';
import type { SourceReader } from './source-reader';

interface OplogDocument {
  op: string;
  ns: string;
  ts: Timestamp;
  wall?: Date;
  o: Document;
  o2?: Document;
}

/** How often the reader asks the server's clock again. */
const CLOCK_CHECK_MS = 10_000;
/** How far behind its position the reader looks for entries that became visible after it passed them. */
const LATE_LOOKBACK_SECONDS = 30;
/** How often it looks (that poll's read starts further back). */
const LATE_CHECK_MS = 1_000;
/** At most this many entries before the position are read by one look back (the newest are passed over beyond it). */
const LATE_READ_MAX = 10_000;
/**
 * How often it deletes its namespaces' entries it no longer needs, when asked to (trimOwnEntries, OwnOplogTrim).
 * The embedded FerretDB never trims its capped oplog (the cleanup is off in its embeddable package) and
 * answers every query by reading all of it, so without this each poll costs more the longer it has run.
 */
const TRIM_EVERY_MS = 2_000;

const positionOf = (ts: Timestamp): OplogPosition => ({ t: ts.t, i: ts.i });
const keyOf = (ts: Timestamp | OplogPosition): string => `${ts.t}:${ts.i}`;

/**
 * Reads `local.oplog.rs` where the server has no change streams but keeps an oplog (FerretDB 1.18+,
 * once that capped collection exists). Tailable cursors closed after their first batch when tried on
 * FerretDB, so this asks again for entries with a `ts` after the last one seen. FerretDB records an
 * update as the whole new document under `$set` (op `u`); an update without it (a real MongoDB
 * oplog's diff) is read back from the collection by id.
 *
 * FerretDB takes an entry's `ts` before it inserts the entry, so two concurrent writes may become
 * visible out of `ts` order; reading `ts > last` then would pass over the one that came late. Only
 * entries older than `settleMs` by the server's own clock are read: by then every earlier one is
 * there, as a rule. On a loaded server a write can take longer than that between its `ts` and its
 * entry's visibility, so the reader also looks back (LATE_LOOKBACK_SECONDS, once a LATE_CHECK_MS) for
 * entries before its position it has not delivered, and delivers each such document as it is now
 * (upserted, or deleted if gone): later entries of that document follow in order, so the cache
 * converges to the source whichever came first. That is the capture's floor of lag.
 */
export class FerretOplogReader implements SourceReader {
  private readonly timeoutMs: number;
  readonly settleMs: number;
  /** The server's clock minus this process's, as last measured (see serverTime). */
  private clockOffset: number | undefined;
  private clockCheckedAt = 0;
  /** Entries delivered within the lookback, by `t:i`, with their `t` (to forget them once behind it). */
  private readonly delivered = new Map<string, number>();
  /** The late entries the last read delivered, counted delivered once the capture confirms them (confirm). */
  private unconfirmedLate = new Map<string, Timestamp>();
  private lateCheckedAt = 0;
  private historyCheckedAt = 0;
  private trimmedAt = 0;
  /** When, on this process's clock, the earliest entry the last read left unsettled becomes readable. */
  private firstUnsettledAt: number | undefined;
  /** Deletes the entries it no longer needs, when asked to (trimOwnEntries). */
  private readonly trim: OwnOplogTrim | undefined;
  /** The trim started after the last read: it runs while the capture appends, and the next read waits for it. */
  private trimming: Promise<void> | undefined;
  /**
   * Per namespace, the first position this reader read it after: it looks back no further. What came
   * before was read by an earlier process, or is covered by the scan of an entity that starts it.
   */
  private readonly watchedSince = new Map<string, OplogPosition>();

  constructor(
    private readonly client: MongoClient,
    options: { timeoutMs?: number; settleMs?: number; trimOwnEntries?: boolean } = {},
  ) {
    if (options.trimOwnEntries)
      this.trim = new OwnOplogTrim(() => this.oplog() as unknown as Collection<Document>, options.timeoutMs ?? 10_000);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.settleMs = options.settleMs ?? 250;
  }

  /** The newest entry's position: where a first start begins listening before it scans. */
  async latestPosition(): Promise<OplogPosition> {
    const [last] = await this.oplog()
      .find({}, { projection: { ts: 1 }, sort: { ts: -1 }, limit: 1, maxTimeMS: this.timeoutMs })
      .toArray();
    return last ? positionOf(last.ts) : { t: 0, i: 0 };
  }

  /** Up to `limit` changes after `position`, in oplog order, of the namespaces given (no other is read). */
  async readAfter(position: SourcePosition, namespaces: readonly string[], limit: number): Promise<SourceChange[]> {
    // A read after an unconfirmed one: that batch was not appended, its late entries are due again.
    this.unconfirmedLate = new Map();
    this.firstUnsettledAt = undefined;
    if (isResumeToken(position))
      throw new Error('the saved position is a change stream resume token, and this source has no change streams: delete it to scan again');
    if (namespaces.length === 0) return [];
    // Its failure surfaces here: the capture retries this read.
    const trimming = this.trimming;
    this.trimming = undefined;
    await trimming;
    await this.assertHistoryKept(position);
    const settledBefore = new Date((await this.serverTime()).getTime() - this.settleMs);
    for (const ns of namespaces) if (!this.watchedSince.has(ns)) this.watchedSince.set(ns, position);
    // FerretDB reads its whole oplog for any query: when the look back is due, the one query of this poll
    // starts from its floor instead of from the position (the entries up to the position come first).
    const lookbackFrom = this.lookbackDue(position, namespaces);
    const from = lookbackFrom ?? position;
    // The settle window is applied here rather than in the query: the entries not yet settled tell when the
    // next one will be (settlesInMs), so an idle capture polls again then instead of after its full wait.
    const read = await this.oplog()
      .find(
        { ts: { $gt: new Timestamp({ t: from.t, i: from.i }) }, ns: { $in: [...namespaces] }, op: { $in: ['i', 'u', 'd'] } },
        { sort: { ts: 1 }, limit: lookbackFrom ? limit + LATE_READ_MAX : limit, maxTimeMS: this.timeoutMs },
      )
      .toArray();
    const entries = read.filter((entry) => entry.wall !== undefined && entry.wall < settledBefore);
    this.noteUnsettled(read, settledBefore);
    const after = (ts: Timestamp) => ts.t > position.t || (ts.t === position.t && ts.i > position.i);
    const late = await this.lateChanges(
      entries.filter((entry) => !after(entry.ts)),
      position,
    );
    const changes: SourceChange[] = [];
    for (const entry of entries.filter((e) => after(e.ts)).slice(0, limit)) {
      changes.push(await this.changeOf(entry));
      this.delivered.set(keyOf(entry.ts), entry.ts.t);
      this.trim?.delivered(entry.ts);
    }
    this.startTrim(position, namespaces);
    return [...late, ...changes];
  }

  /**
   * Milliseconds until the first entry the last read saw but left unsettled becomes readable (0 or more);
   * undefined when it saw none. Measured on this process's clock from the server's `wall`, as the window is.
   */
  settlesInMs(): number | undefined {
    return this.firstUnsettledAt === undefined ? undefined : Math.max(0, this.firstUnsettledAt - Date.now());
  }

  /** Remembers when (on this process's clock) the earliest unsettled entry of `read` settles. */
  private noteUnsettled(read: readonly OplogDocument[], settledBefore: Date): void {
    const unsettled = read.filter((entry) => entry.wall !== undefined && entry.wall >= settledBefore);
    const first = Math.min(...unsettled.map((entry) => entry.wall!.getTime()));
    // `wall` is on the server's clock: readable once the server's now passes wall + settleMs (strictly).
    this.firstUnsettledAt = unsettled.length > 0 ? first + this.settleMs + 1 - (this.clockOffset ?? 0) : undefined;
  }

  /**
   * Where this poll's read starts when the look back is due (once a LATE_CHECK_MS): the lookback behind
   * `position`, or later where the reader first read the namespaces from. Undefined when not due.
   */
  private lookbackDue(position: OplogPosition, namespaces: readonly string[]): OplogPosition | undefined {
    const now = Date.now();
    if (now - this.lateCheckedAt < LATE_CHECK_MS) return undefined;
    this.lateCheckedAt = now;
    const since = position.t - LATE_LOOKBACK_SECONDS;
    for (const [key, t] of this.delivered) if (t < since) this.delivered.delete(key);
    const floor = namespaces.map((ns) => this.watchedSince.get(ns)!).reduce((a, b) => (a.t < b.t || (a.t === b.t && a.i < b.i) ? a : b));
    return floor.t > since ? floor : { t: since, i: 0 };
  }

  /** Every TRIM_EVERY_MS, starts deleting the entries of `namespaces` it no longer needs (OwnOplogTrim). */
  private startTrim(position: OplogPosition, namespaces: readonly string[]): void {
    const now = Date.now();
    if (!this.trim || now - this.trimmedAt < TRIM_EVERY_MS) return;
    this.trimmedAt = now;
    this.trimming = this.trim.run(position.t - LATE_LOOKBACK_SECONDS, namespaces);
    // Handled when the next read awaits it; until then it must not count as unhandled.
    this.trimming.catch(() => undefined);
  }

  /** The capture saved `position`: what it delivered before it may be trimmed. */
  positionSaved(position: SourcePosition): void {
    if (!isResumeToken(position)) this.trim?.positionSaved(position);
  }

  /**
   * Of the entries at or before `position` (read by a look back), those after the position the reader
   * first read their namespace from that were not delivered: each document once, as it is now, at
   * `position` (the capture's position does not move back).
   */
  private async lateChanges(entries: readonly OplogDocument[], position: OplogPosition): Promise<SourceChange[]> {
    const documents = new Map<string, { ns: string; id: unknown; at: Date }>();
    for (const entry of entries) {
      const watched = this.watchedSince.get(entry.ns)!;
      if (this.delivered.has(keyOf(entry.ts)) || entry.ts.t < watched.t || (entry.ts.t === watched.t && entry.ts.i <= watched.i)) continue;
      this.unconfirmedLate.set(keyOf(entry.ts), entry.ts);
      const id = entry.o2?._id ?? (entry.o.$set as Document | undefined)?._id ?? entry.o._id;
      documents.set(`${entry.ns}\u0000${JSON.stringify(id)}`, { ns: entry.ns, id, at: entry.wall ?? new Date(entry.ts.t * 1000) });
    }
    const changes: SourceChange[] = [];
    for (const { ns, id, at } of documents.values()) changes.push(await this.asItIsNow({ ns, at, position }, id));
    return changes;
  }

  /** The last read's changes are in the entity oplog: its late entries are delivered for good. */
  confirm(): void {
    for (const [key, ts] of this.unconfirmedLate) {
      this.delivered.set(key, ts.t);
      this.trim?.delivered(ts);
    }
    this.unconfirmedLate = new Map();
  }

  /**
   * Throws SourceHistoryLost when the capped oplog's oldest entry is newer than `position`: the entry at
   * the position, and maybe others after it, were dropped unread. Asked on the first read and then every
   * CLOCK_CHECK_MS (each look reads the oplog once more on FerretDB). A position of 0 (the oplog was empty
   * when the capture started listening) cannot tell and is not checked.
   */
  private async assertHistoryKept(position: OplogPosition): Promise<void> {
    const now = Date.now();
    if (position.t === 0 || now - this.historyCheckedAt < CLOCK_CHECK_MS) return;
    this.historyCheckedAt = now;
    const [oldest] = await this.oplog()
      .find({}, { projection: { ts: 1 }, sort: { ts: 1 }, limit: 1, maxTimeMS: this.timeoutMs })
      .toArray();
    if (oldest && (oldest.ts.t > position.t || (oldest.ts.t === position.t && oldest.ts.i > position.i)))
      throw new SourceHistoryLost(`the oplog's oldest entry (${keyOf(oldest.ts)}) is newer than the saved position (${keyOf(position)})`);
  }

  /** Every document of a collection, in batches: an entity's first scan. */
  scan(database: string, collection: string, batchSize: number): AsyncGenerator<Document[]> {
    return scanCollection(this.client, database, collection, batchSize, this.timeoutMs);
  }

  private async changeOf(entry: OplogDocument): Promise<SourceChange> {
    const common = { ns: entry.ns, at: entry.wall ?? new Date(entry.ts.t * 1000), position: positionOf(entry.ts) };
    if (entry.op === 'd') return { ...common, operation: 'delete', documentId: entry.o._id };
    if (entry.op === 'i') return { ...common, operation: 'upsert', documentId: entry.o._id, document: entry.o };
    const whole = entry.o.$set as Document | undefined;
    const id = entry.o2?._id ?? whole?._id;
    if (whole && '_id' in whole) return { ...common, operation: 'upsert', documentId: id, document: whole };
    // A diff: the document as it is now (it may have changed again since; its later entries follow).
    return this.asItIsNow(common, id);
  }

  /** The document as it is now: upserted, or deleted if it is gone. */
  private async asItIsNow(common: Pick<SourceChange, 'ns' | 'at' | 'position'>, id: unknown): Promise<SourceChange> {
    const current = await this.collectionOf(common.ns).findOne({ _id: id as never }, { maxTimeMS: this.timeoutMs });
    return current
      ? { ...common, operation: 'upsert', documentId: id, document: current }
      : { ...common, operation: 'delete', documentId: id };
  }

  /**
   * The server's clock (`hello.localTime`): the settle window is measured on the clock that wrote
   * `wall`. Asked every CLOCK_CHECK_MS, not on every poll (a round trip each): between checks it is this
   * process's clock plus the offset last measured, less the round trip's time, so the window only grows.
   */
  private async serverTime(): Promise<Date> {
    const now = Date.now();
    if (this.clockOffset === undefined || now - this.clockCheckedAt > CLOCK_CHECK_MS) {
      const hello = await this.client.db('admin').command({ hello: 1 }, { timeoutMS: this.timeoutMs });
      const after = Date.now();
      this.clockOffset = hello.localTime instanceof Date ? hello.localTime.getTime() - after : 0;
      this.clockCheckedAt = after;
      return new Date(after + this.clockOffset);
    }
    return new Date(now + this.clockOffset);
  }

  private oplog() {
    return this.client.db('local').collection<OplogDocument>('oplog.rs');
  }

  private collectionOf(ns: string) {
    const dot = ns.indexOf('.');
    return this.client.db(ns.slice(0, dot)).collection(ns.slice(dot + 1));
  }
}
