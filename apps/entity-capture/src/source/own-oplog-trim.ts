import { Timestamp, type Collection } from 'mongodb';
import { isAfter, keyOf, type OplogDocument } from './oplog-document';
import type { NamespacePushdown } from './oplog-pushdown';
import type { OplogPosition } from './source-change';

/** At most this many delivered entries are named by one trim (the rest wait for the next). */
const TRIM_NAMED_MAX = 5_000;

/**
 * Deletes a capture's own entries from FerretDB's `local.oplog.rs`, which the embedded FerretDB never
 * trims and reads whole for every query. FerretDB logs each delete from the oplog in the oplog itself
 * (op `d`, ns `local.oplog.rs`, the entry's `_id`), so the oplog keeps one entry per write ever made:
 * a trim replaces each whole document by that small record, which is what each poll's read decodes.
 * Two kinds go: entries older than the reader's look back behind its position (never read again), and
 * entries the reader delivered that are behind the last position the capture saved: those are durable
 * in the entity oplog, and a restart resumes from that position or after it. The entry at the saved
 * position stays, so the oplog never looks as if it lost the history after it (SourceHistoryLost). An
 * entry that was never delivered (one that became visible late) stays for the look back to find.
 */
export class OwnOplogTrim {
  /** Delivered entries not deleted yet, by `t:i`. */
  private readonly pending = new Map<string, Timestamp>();
  private saved: OplogPosition | undefined;

  constructor(
    private readonly oplog: () => Collection<OplogDocument>,
    private readonly timeoutMs: number,
    private readonly pushdown: NamespacePushdown,
  ) {}

  /** The entry at `ts` was handed to the capture (its deletion waits until a saved position passes it). */
  delivered(ts: Timestamp): void {
    this.pending.set(keyOf(ts), ts);
  }

  /** The capture saved this position: everything delivered before it is durable. */
  positionSaved(position: OplogPosition): void {
    this.saved = position;
  }

  /** Deletes `namespaces`' entries older than `lookbackFrom` and those delivered before the saved position. */
  async run(lookbackFrom: number, namespaces: readonly string[]): Promise<void> {
    const saved = this.saved;
    const durable = saved ? [...this.pending.values()].filter((ts) => isAfter(saved, ts)).slice(0, TRIM_NAMED_MAX) : [];
    const old = lookbackFrom > 0 ? [{ ts: { $lt: new Timestamp({ t: lookbackFrom, i: 0 }) } }] : [];
    const named = durable.length > 0 ? [{ ts: { $in: durable } }] : [];
    if (old.length + named.length === 0) return;
    const $or = [...old, ...named];
    // One delete per namespace where the server hands `ns` to its store (it then reads that namespace's entries only).
    if (await this.pushdown.available())
      for (const ns of namespaces) await this.oplog().deleteMany({ ns, $or }, { maxTimeMS: this.timeoutMs });
    else await this.oplog().deleteMany({ ns: { $in: [...namespaces] }, $or }, { maxTimeMS: this.timeoutMs });
    for (const ts of durable) this.pending.delete(keyOf(ts));
    for (const [key, ts] of this.pending) if (ts.t < lookbackFrom) this.pending.delete(key);
  }
}
