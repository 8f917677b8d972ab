import { Timestamp, type Collection } from 'mongodb';
import { isAfter, keyOf, type OplogDocument } from './oplog-document';
import type { OplogPosition } from './source-change';

/**
 * The namespace of the records FerretDB writes of the trim's own deletes: its oplog logs every write to
 * any collection, `local.oplog.rs` included, so each entry deleted adds one of these. Nothing reads them;
 * each trim deletes those of the trims before it, or the oplog would never get shorter.
 */
export const OPLOG_NS = 'local.oplog.rs';

/** At most this many entries are named by one trim (the rest wait for the next). */
const TRIM_NAMED_MAX = 5_000;

/**
 * Deletes a capture's own entries from FerretDB's `local.oplog.rs`, which the embedded FerretDB never
 * trims and reads whole for every query but a lone limit, so that each poll costs what the oplog holds.
 * Three kinds go: entries of the capture's namespaces older than the reader's look back behind its
 * position (never read again); entries the reader delivered that are behind the last position the
 * capture saved: those are durable in the entity oplog, and a restart resumes from that position or
 * after it; and entries the reader passed over (`skipped`: other collections of its databases, which
 * no entity of this capture maps), with the records of earlier trims' deletes (OPLOG_NS). The entry at the saved position stays, so the oplog never looks as
 * if it lost the history after it (SourceHistoryLost). An entry of its namespaces that was never
 * delivered (one that became visible late) stays for the look back to find.
 */
export class OwnOplogTrim {
  /** Delivered entries not deleted yet, by `t:i`. */
  private readonly pending = new Map<string, Timestamp>();
  /** Entries passed over, not deleted yet, by `t:i`. */
  private readonly passedOver = new Map<string, Timestamp>();
  private saved: OplogPosition | undefined;

  constructor(
    private readonly oplog: () => Collection<OplogDocument>,
    private readonly timeoutMs: number,
  ) {}

  /** The entry at `ts` was handed to the capture (its deletion waits until a saved position passes it). */
  delivered(ts: Timestamp): void {
    this.pending.set(keyOf(ts), ts);
  }

  /** The entry at `ts` is of a collection no entity of the capture maps: nothing needs it. */
  skipped(ts: Timestamp): void {
    this.passedOver.set(keyOf(ts), ts);
  }

  /** The capture saved this position: everything delivered before it is durable. */
  positionSaved(position: OplogPosition): void {
    this.saved = position;
    // A position taken anew (a first start's, after a lost history) may be an entry passed over: it stays.
    this.passedOver.delete(keyOf(position));
  }

  /** Deletes `namespaces`' entries older than `lookbackFrom`, those delivered before the saved position, and those passed over. */
  async run(lookbackFrom: number, namespaces: readonly string[]): Promise<void> {
    const saved = this.saved;
    const durable = saved ? [...this.pending.values()].filter((ts) => isAfter(saved, ts)) : [];
    const named = [...durable, ...this.passedOver.values()].slice(0, TRIM_NAMED_MAX);
    const old = lookbackFrom > 0 ? [{ ns: { $in: [...namespaces] }, ts: { $lt: new Timestamp({ t: lookbackFrom, i: 0 }) } }] : [];
    const byName = named.length > 0 ? [{ ts: { $in: named } }] : [];
    await this.oplog().deleteMany({ $or: [{ ns: OPLOG_NS }, ...old, ...byName] }, { maxTimeMS: this.timeoutMs });
    for (const ts of named) {
      this.pending.delete(keyOf(ts));
      this.passedOver.delete(keyOf(ts));
    }
    for (const [key, ts] of this.pending) if (ts.t < lookbackFrom) this.pending.delete(key);
  }
}
