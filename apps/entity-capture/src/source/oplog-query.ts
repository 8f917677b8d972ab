import { Timestamp, type Collection } from 'mongodb';
import { CAPTURED_OPS, isAfter, type OplogDocument } from './oplog-document';
import type { OplogPosition } from './source-change';

/**
 * How the reader queries FerretDB's `local.oplog.rs`. FerretDB 1.x hands its backend (SQLite or
 * PostgreSQL) only a lone limit on a capped collection in natural order: `find({})` with a limit and
 * no filter, no sort (explain says `limitPushdown`); any filter on `ts`, and any sort, even on
 * `$natural`, makes it read the whole oplog and filter and sort in memory (oplog-query.spec.ts). Its
 * head cannot serve the polls: FerretDB logs the deletes from `local.oplog.rs` in it too, so the oplog
 * never holds fewer entries than writes were made, trimmed or not, and its head stays the oldest.
 */
export class OplogQuery {
  constructor(
    private readonly oplog: () => Collection<OplogDocument>,
    private readonly timeoutMs: number,
  ) {}

  /** Up to `max` inserts, updates and deletes of `namespaces` after `from`, in `ts` order. */
  after(from: OplogPosition, namespaces: readonly string[], max: number): Promise<OplogDocument[]> {
    return this.oplog()
      .find(
        { ts: { $gt: new Timestamp({ t: from.t, i: from.i }) }, ns: { $in: [...namespaces] }, op: { $in: [...CAPTURED_OPS] } },
        { sort: { ts: 1 }, limit: max, maxTimeMS: this.timeoutMs },
      )
      .toArray();
  }

  /**
   * Whether the oplog's oldest entry is newer than `position`. Its first entry in natural order (a lone
   * limit) answers at once when it is not; FerretDB takes an entry's `ts` a moment before its place in
   * that order, so a first entry newer than the position is checked against the oldest `ts`, read whole.
   */
  async oldestAfter(position: OplogPosition): Promise<Timestamp | undefined> {
    const [first] = await this.oplog()
      .find({}, { projection: { ts: 1 }, limit: 1, maxTimeMS: this.timeoutMs })
      .toArray();
    if (!first || !isAfter(first.ts, position)) return undefined;
    const [oldest] = await this.oplog()
      .find({}, { projection: { ts: 1 }, sort: { ts: 1 }, limit: 1, maxTimeMS: this.timeoutMs })
      .toArray();
    return oldest && isAfter(oldest.ts, position) ? oldest.ts : undefined;
  }

  /** The newest entry's `ts` (read whole on FerretDB: a sort is never pushed down). */
  async newest(): Promise<Timestamp | undefined> {
    const [last] = await this.oplog()
      .find({}, { projection: { ts: 1 }, sort: { ts: -1 }, limit: 1, maxTimeMS: this.timeoutMs })
      .toArray();
    return last?.ts;
  }
}
