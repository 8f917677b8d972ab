import type { Document, MongoClient } from 'mongodb';
import { scanCollection } from './collection-scan';
import { SourceHistoryLost } from './history-lost';
import { LATE_LOOKBACK_SECONDS, LATE_READ_MAX, LateEntries } from './late-entries';
import { isAfter, keyOf, positionOf, type OplogDocument } from './oplog-document';
import { firstInWholeTs } from './oplog-merge';
import { NamespacePushdown } from './oplog-pushdown';
import { OplogQuery } from './oplog-query';
import { OwnOplogTrim } from './own-oplog-trim';
import { CLOCK_CHECK_MS, ServerClock } from './server-clock';
import { isResumeToken, type OplogPosition, type SourceChange, type SourcePosition } from './source-change';
import type { SourceReader } from './source-reader';

/**
 * How often it deletes the entries it no longer needs, when asked to (trimOwnEntries, OwnOplogTrim).
 * The embedded FerretDB never trims its capped oplog (the cleanup is off in its embeddable package) and
 * answers every query but a lone limit by reading all of it, so without this each poll costs more the
 * longer it has run.
 */
const TRIM_EVERY_MS = 2_000;

/**
 * Reads `local.oplog.rs` where the server has no change streams but keeps an oplog (FerretDB 1.18+,
 * once that capped collection exists). Tailable cursors closed after their first batch when tried on
 * FerretDB, so this asks again for entries with a `ts` after the last one seen (OplogQuery). FerretDB records an update as the whole new
 * document under `$set` (op `u`); an update without it (a real MongoDB oplog's diff) is read back
 * from the collection by id.
 *
 * FerretDB takes an entry's `ts` before it inserts the entry, so two concurrent writes may become
 * visible out of `ts` order; reading `ts > last` then would pass over the one that came late. Only
 * entries older than `settleMs` by the server's own clock are read: by then every earlier one is
 * there, as a rule. On a loaded server a write can take longer than that between its `ts` and its
 * entry's visibility, so the reader also looks back (LateEntries) for entries before its position it
 * has not delivered, and delivers each such document as it is now (upserted, or deleted if gone):
 * later entries of that document follow in order, so the cache converges to the source whichever
 * came first. That is the capture's floor of lag.
 */
export class FerretOplogReader implements SourceReader {
  private readonly timeoutMs: number;
  readonly settleMs: number;
  private readonly clock: ServerClock;
  private readonly query: OplogQuery;
  private readonly late = new LateEntries();
  private historyCheckedAt = 0;
  private trimmedAt = 0;
  /** When, on this process's clock, the earliest entry the last read left unsettled becomes readable. */
  private firstUnsettledAt: number | undefined;
  /** Deletes the entries it no longer needs, when asked to (trimOwnEntries). */
  private readonly trim: OwnOplogTrim | undefined;
  /** The trim started after the last read: it runs while the capture appends, and the next read waits for it. */
  private trimming: Promise<void> | undefined;

  constructor(
    private readonly client: MongoClient,
    options: { timeoutMs?: number; settleMs?: number; trimOwnEntries?: boolean } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.settleMs = options.settleMs ?? 250;
    this.clock = new ServerClock(client, this.timeoutMs);
    const oplog = () => this.client.db('local').collection<OplogDocument>('oplog.rs');
    const pushdown = new NamespacePushdown(oplog, this.timeoutMs);
    if (options.trimOwnEntries) this.trim = new OwnOplogTrim(oplog, this.timeoutMs, pushdown);
    this.query = new OplogQuery(oplog, this.timeoutMs, pushdown);
  }

  /** The newest entry's position: where a first start begins listening before it scans. */
  async latestPosition(): Promise<OplogPosition> {
    const newest = await this.query.newest();
    return newest ? positionOf(newest) : { t: 0, i: 0 };
  }

  /** Up to `limit` changes after `position`, in oplog order, of the namespaces given (no other is read). */
  async readAfter(position: SourcePosition, namespaces: readonly string[], limit: number): Promise<SourceChange[]> {
    this.late.reading();
    this.firstUnsettledAt = undefined;
    if (isResumeToken(position))
      throw new Error('the saved position is a change stream resume token, and this source has no change streams: delete it to scan again');
    if (namespaces.length === 0) return [];
    // Its failure surfaces here: the capture retries this read.
    const trimming = this.trimming;
    this.trimming = undefined;
    await trimming;
    await this.assertHistoryKept(position);
    this.late.watch(position, namespaces);
    const settledBefore = new Date((await this.clock.now()).getTime() - this.settleMs);
    // FerretDB reads its whole oplog for any query but a lone limit: when the look back is due, the one
    // query of this poll starts from its floor instead of from the position (the entries up to it come first).
    const lookbackFrom = this.late.lookbackDue(position, namespaces);
    const read = await this.query.after(lookbackFrom ?? position, namespaces, lookbackFrom ? limit + LATE_READ_MAX : limit);
    // The settle window is applied here rather than in the query: the entries not yet settled tell when the
    // next one will be (settlesInMs), so an idle capture polls again then instead of after its full wait.
    const entries = read.filter((entry) => entry.wall !== undefined && entry.wall < settledBefore);
    this.noteUnsettled(read, settledBefore);
    const late = await this.lateChanges(
      entries.filter((entry) => !isAfter(entry.ts, position)),
      position,
    );
    const changes: SourceChange[] = [];
    for (const entry of firstInWholeTs(
      entries.filter((e) => isAfter(e.ts, position)),
      limit,
    )) {
      changes.push(await this.changeOf(entry));
      this.late.deliveredInOrder(entry.ts);
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
    this.firstUnsettledAt = unsettled.length > 0 ? this.clock.toLocal(first + this.settleMs + 1) : undefined;
  }

  /** Every TRIM_EVERY_MS, starts deleting the entries it no longer needs (OwnOplogTrim). */
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

  /** Late entries (LateEntries): each document as it is now, at `position` (the capture's position does not move back). */
  private async lateChanges(entries: readonly OplogDocument[], position: OplogPosition): Promise<SourceChange[]> {
    const changes: SourceChange[] = [];
    for (const { ns, id, at } of this.late.lateDocuments(entries)) changes.push(await this.asItIsNow({ ns, at, position }, id));
    return changes;
  }

  /** The last read's changes are in the entity oplog: its late entries are delivered for good. */
  confirm(): void {
    for (const ts of this.late.confirm()) this.trim?.delivered(ts);
  }

  /**
   * Throws SourceHistoryLost when the capped oplog's oldest entry is newer than `position`: the entry at
   * the position, and maybe others after it, were dropped unread. Asked on the first read and then every
   * CLOCK_CHECK_MS. A position of 0 (the oplog was empty when the capture started listening) cannot tell
   * and is not checked.
   */
  private async assertHistoryKept(position: OplogPosition): Promise<void> {
    const now = Date.now();
    if (position.t === 0 || now - this.historyCheckedAt < CLOCK_CHECK_MS) return;
    this.historyCheckedAt = now;
    const oldest = await this.query.oldestAfter(position);
    if (oldest)
      throw new SourceHistoryLost(`the oplog's oldest entry (${keyOf(oldest)}) is newer than the saved position (${keyOf(position)})`);
  }

  /** Every document of a collection, in batches: an entity's first scan. */
  scan(database: string, collection: string, batchSize: number): AsyncGenerator<Document[]> {
    return scanCollection(this.client, database, collection, batchSize, this.timeoutMs);
  }

  private async changeOf(entry: OplogDocument): Promise<SourceChange> {
    const common = { ns: entry.ns, at: entry.wall ?? new Date(entry.ts.t * 1000), position: positionOf(entry.ts) };
    if (entry.op === 'd') return { ...common, operation: 'delete', documentId: entry.o._id };
    if (entry.op === 'i') return { ...common, operation: 'upsert', documentId: entry.o._id, document: entry.o };
    const whole = entry.o.$set as Record<string, unknown> | undefined;
    const id = entry.o2?._id ?? whole?._id;
    if (whole && '_id' in whole) return { ...common, operation: 'upsert', documentId: id, document: whole };
    // A diff: the document as it is now (it may have changed again since; its later entries follow).
    return this.asItIsNow(common, id);
  }

  /** The document as it is now: upserted, or deleted if it is gone. */
  private async asItIsNow(common: Pick<SourceChange, 'ns' | 'at' | 'position'>, id: unknown): Promise<SourceChange> {
    const dot = common.ns.indexOf('.');
    const collection = this.client.db(common.ns.slice(0, dot)).collection(common.ns.slice(dot + 1));
    const current = await collection.findOne({ _id: id as never }, { maxTimeMS: this.timeoutMs });
    return current
      ? { ...common, operation: 'upsert', documentId: id, document: current }
      : { ...common, operation: 'delete', documentId: id };
  }
}
