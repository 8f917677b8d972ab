import type { Timestamp } from 'mongodb';
import { isAfter, type OplogDocument } from './oplog-document';

const byTs = (a: { ts: Timestamp }, b: { ts: Timestamp }): number => (isAfter(a.ts, b.ts) ? 1 : isAfter(b.ts, a.ts) ? -1 : 0);

/**
 * The first `max` of `entries` (in `ts` order), cut only where the next entry has a later `ts`: the
 * reader goes on from the last `ts` it delivers, so an entry left behind with that same `ts` would never
 * be read. Should one `ts` hold more than `max` entries (FerretDB numbers its entries with a counter, so
 * none does), they go out together rather than none ever again.
 */
export function firstInWholeTs<T extends { ts: Timestamp }>(entries: readonly T[], max: number): T[] {
  if (entries.length <= max) return [...entries];
  let cut = max;
  while (cut > 0 && byTs(entries[cut - 1]!, entries[cut]!) === 0) cut -= 1;
  return cut > 0 ? entries.slice(0, cut) : entries.filter((entry) => byTs(entry, entries[0]!) === 0);
}

/**
 * The first `max` entries, in `ts` order, of the namespaces' reads (each in `ts` order and of at most
 * `max`: one query per namespace). A namespace whose read was full may hold more entries at its last
 * `ts`, or later ones before other namespaces' entries: only the entries before that `ts` are certain to
 * be all there, and only they go out (all of that `ts`, should nothing come before it).
 */
export function mergeInTsOrder(reads: readonly (readonly OplogDocument[])[], max: number): OplogDocument[] {
  const fullUpTo = reads
    .filter((read) => read.length > 0 && read.length >= max)
    .map((read) => read.at(-1)!)
    .reduce<OplogDocument | undefined>((first, last) => (first === undefined || byTs(last, first) < 0 ? last : first), undefined);
  const merged = reads.flat().sort(byTs);
  if (!fullUpTo) return firstInWholeTs(merged, max);
  const complete = merged.filter((entry) => byTs(entry, fullUpTo) < 0);
  return firstInWholeTs(complete.length > 0 ? complete : merged.filter((entry) => byTs(entry, fullUpTo) === 0), max);
}
