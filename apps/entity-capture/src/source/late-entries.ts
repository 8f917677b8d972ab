import type { Document, Timestamp } from 'mongodb';
import { isAfter, keyOf, type OplogDocument } from './oplog-document';
import type { OplogPosition } from './source-change';

/** How far behind its position the reader looks for entries that became visible after it passed them. */
export const LATE_LOOKBACK_SECONDS = 30;
/** How often it looks (that poll's read starts further back). */
const LATE_CHECK_MS = 1_000;
/** At most this many entries before the position are read by one look back (the newest are passed over beyond it). */
export const LATE_READ_MAX = 10_000;

/** A document to deliver as it is now, at the reader's position: the one a late entry names. */
export interface LateDocument {
  readonly ns: string;
  readonly id: unknown;
  readonly at: Date;
}

/**
 * The reader's look back (see FerretOplogReader): which entries it delivered within the lookback, which
 * namespaces it watches since when, when the next look is due, and which entries before its position
 * it never delivered. Late entries count delivered only once the capture confirms the batch that
 * carried them, so a batch whose append failed delivers them again.
 */
export class LateEntries {
  /** Entries delivered within the lookback, by `t:i`, with their `t` (to forget them once behind it). */
  private readonly delivered = new Map<string, number>();
  /** The late entries the last read delivered, counted delivered once the capture confirms them (confirm). */
  private unconfirmed = new Map<string, Timestamp>();
  private checkedAt = 0;
  /**
   * Per namespace, the first position this reader read it after: it looks back no further. What came
   * before was read by an earlier process, or is covered by the scan of an entity that starts it.
   */
  private readonly watchedSince = new Map<string, OplogPosition>();

  /** A new read begins: late entries of a read never confirmed are due again. */
  reading(): void {
    this.unconfirmed = new Map();
  }

  /** The read goes on from `position` (one the source still has): namespaces new to the reader are watched from there. */
  watch(position: OplogPosition, namespaces: readonly string[]): void {
    for (const ns of namespaces) if (!this.watchedSince.has(ns)) this.watchedSince.set(ns, position);
  }

  /**
   * Where this poll's read starts when the look back is due (once a LATE_CHECK_MS): the lookback behind
   * `position`, or later where the reader first read the namespaces from. Undefined when not due.
   */
  lookbackDue(position: OplogPosition, namespaces: readonly string[]): OplogPosition | undefined {
    const now = Date.now();
    if (now - this.checkedAt < LATE_CHECK_MS) return undefined;
    this.checkedAt = now;
    const since = position.t - LATE_LOOKBACK_SECONDS;
    for (const [key, t] of this.delivered) if (t < since) this.delivered.delete(key);
    const floor = namespaces.map((ns) => this.watchedSince.get(ns)!).reduce((a, b) => (isAfter(b, a) ? a : b));
    return floor.t > since ? floor : { t: since, i: 0 };
  }

  /** The entry at `ts` was handed to the capture in order (after the position). */
  deliveredInOrder(ts: Timestamp): void {
    this.delivered.set(keyOf(ts), ts.t);
  }

  /**
   * Of the entries at or before the position (read by a look back), those after the position the reader
   * first read their namespace from that were not delivered: each document once.
   */
  lateDocuments(entries: readonly OplogDocument[]): LateDocument[] {
    const documents = new Map<string, LateDocument>();
    for (const entry of entries) {
      const watched = this.watchedSince.get(entry.ns)!;
      if (this.delivered.has(keyOf(entry.ts)) || !isAfter(entry.ts, watched)) continue;
      this.unconfirmed.set(keyOf(entry.ts), entry.ts);
      const id = entry.o2?._id ?? (entry.o.$set as Document | undefined)?._id ?? entry.o._id;
      documents.set(`${entry.ns}\u0000${JSON.stringify(id)}`, { ns: entry.ns, id, at: entry.wall ?? new Date(entry.ts.t * 1000) });
    }
    return [...documents.values()];
  }

  /** The last read's changes are in the entity oplog: its late entries are delivered for good (returned, for the trim). */
  confirm(): Timestamp[] {
    const confirmed = [...this.unconfirmed.values()];
    for (const ts of confirmed) this.delivered.set(keyOf(ts), ts.t);
    this.unconfirmed = new Map();
    return confirmed;
  }
}
