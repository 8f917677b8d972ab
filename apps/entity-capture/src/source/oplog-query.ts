import { Timestamp, type Collection, type Filter } from 'mongodb';
import { CAPTURED_OPS, isAfter, type OplogDocument } from './oplog-document';
import { mergeInTsOrder } from './oplog-merge';
import type { NamespacePushdown } from './oplog-pushdown';
import type { OplogPosition } from './source-change';

/**
 * How the reader queries FerretDB's `local.oplog.rs`. FerretDB 1.x hands its backend (SQLite or
 * PostgreSQL) a lone limit on a capped collection in natural order: `find({})` with a limit and
 * no filter, no sort (explain says `limitPushdown`); a filter on `ts`, an `$in`, and any sort, even on
 * `$natural`, it applies in memory to every row its backend returned (oplog-query.spec.ts). Over SQLite
 * that is the whole oplog for every query; over PostgreSQL an equality such as `{ ns: 'db.coll' }` is
 * handed over (NamespacePushdown), so a query per namespace reads only that namespace's entries. The
 * head cannot serve the polls: FerretDB logs the deletes from `local.oplog.rs` in it too, so the oplog
 * never holds fewer entries than writes were made, trimmed or not, and its head stays the oldest.
 */
export class OplogQuery {
  constructor(
    private readonly oplog: () => Collection<OplogDocument>,
    private readonly timeoutMs: number,
    private readonly pushdown: NamespacePushdown,
  ) {}

  /**
   * Up to `max` inserts, updates and deletes of `namespaces` after `from`, in `ts` order: one query per
   * namespace, merged, where the server hands `ns` to its store, else one query of them all.
   */
  async after(from: OplogPosition, namespaces: readonly string[], max: number): Promise<OplogDocument[]> {
    const ts = { $gt: new Timestamp({ t: from.t, i: from.i }) };
    const op = { $in: [...CAPTURED_OPS] };
    if (!(await this.pushdown.available())) return this.find({ ts, ns: { $in: [...namespaces] }, op }, max);
    const reads = await Promise.all(namespaces.map((ns) => this.find({ ns, ts, op }, max)));
    return mergeInTsOrder(reads, max);
  }

  private find(filter: Filter<OplogDocument>, max: number): Promise<OplogDocument[]> {
    return this.oplog()
      .find(filter, { sort: { ts: 1 }, limit: max, maxTimeMS: this.timeoutMs })
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
