import { Timestamp, type Collection } from 'mongodb';
import { byTs, CAPTURED_OPS, isAfter, type OplogDocument } from './oplog-document';
import type { OplogPosition } from './source-change';

/** At most this many entries are read from the oplog's head; a fuller oplog is queried whole. */
export const HEAD_MAX = 5_000;

/** What one read of the oplog found: the entries asked for and, when it read the whole oplog, all of it. */
export interface OplogRead {
  /** The namespaces' inserts, updates and deletes after the position, in `ts` order. */
  readonly entries: OplogDocument[];
  /** Every entry of the oplog, in natural order, when the read held them all (the head read); else undefined. */
  readonly whole?: readonly OplogDocument[];
}

/**
 * How the reader queries FerretDB's `local.oplog.rs`. FerretDB 1.x hands its backend (SQLite or
 * PostgreSQL) only a lone limit on a capped collection in natural order: `find({})` with a limit and
 * no filter, no sort (explain says `limitPushdown`); any filter on `ts`, and any sort, even on
 * `$natural`, makes it read the whole oplog and filter and sort in memory (oplog-query.spec.ts).
 * With `headFirst` (the capture trims what it read, so the oplog stays short) it reads the head, up to
 * HEAD_MAX entries: fewer than that is the whole oplog, filtered and sorted here. A full head may leave
 * entries out: the query of the whole oplog then, as without `headFirst`.
 */
export class OplogQuery {
  constructor(
    private readonly oplog: () => Collection<OplogDocument>,
    private readonly timeoutMs: number,
    private readonly headFirst: boolean,
    private readonly headMax = HEAD_MAX,
  ) {}

  /** Up to `max` entries of `namespaces` after `from`. */
  async after(from: OplogPosition, namespaces: readonly string[], max: number): Promise<OplogRead> {
    if (this.headFirst) {
      const head = await this.oplog().find({}, { limit: this.headMax, maxTimeMS: this.timeoutMs }).toArray();
      if (head.length < this.headMax) {
        const wanted = new Set(namespaces);
        const entries = head.filter((e) => wanted.has(e.ns) && CAPTURED_OPS.includes(e.op) && isAfter(e.ts, from));
        return { entries: entries.sort(byTs).slice(0, max), whole: head };
      }
    }
    const entries = await this.oplog()
      .find(
        { ts: { $gt: new Timestamp({ t: from.t, i: from.i }) }, ns: { $in: [...namespaces] }, op: { $in: [...CAPTURED_OPS] } },
        { sort: { ts: 1 }, limit: max, maxTimeMS: this.timeoutMs },
      )
      .toArray();
    return { entries };
  }

  /** The oldest entry's `ts` (read whole on FerretDB: a sort is never pushed down). */
  async oldest(): Promise<Timestamp | undefined> {
    const [oldest] = await this.oplog()
      .find({}, { projection: { ts: 1 }, sort: { ts: 1 }, limit: 1, maxTimeMS: this.timeoutMs })
      .toArray();
    return oldest?.ts;
  }

  /** The newest entry's `ts`. */
  async newest(): Promise<Timestamp | undefined> {
    const [last] = await this.oplog()
      .find({}, { projection: { ts: 1 }, sort: { ts: -1 }, limit: 1, maxTimeMS: this.timeoutMs })
      .toArray();
    return last?.ts;
  }
}
