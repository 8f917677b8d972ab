import { createHash } from 'node:crypto';
import type { CollectionComparison } from '@ir/contracts';
import type { CollectionDiff, DesiredIndex } from '@ir/index-core';
import { LruMap } from '@ir/platform';
import { cacheLookups } from '../metrics/scan-metrics';

/** A collection's comparison with its JSON, which the answer and the stored drift are assembled from. */
export interface ComparisonView {
  readonly comparison: CollectionComparison;
  readonly json: string;
}

export interface RememberedComparison {
  readonly diff: CollectionDiff;
  /** Only for a read without usage statistics: with them, every compare has its own figures. */
  readonly view?: ComparisonView;
}

/**
 * What is kept of a collection: its view as JSON alone (parsed again when recalled, some
 * microseconds, instead of keeping both forms, about 2 KB more for 5 indexes) and a digest of
 * its listIndexes bytes instead of the bytes (about 1 KB).
 */
interface Remembered {
  readonly digest: string;
  readonly desired: readonly DesiredIndex[];
  readonly diff: CollectionDiff;
  readonly json?: string;
}

/**
 * What the last compare of each collection found, for as long as the server answers listIndexes
 * with the same bytes and the DR wants the same indexes (the same resolved list, which the registry
 * client keeps per definitions version): then the diff, and without usage the whole view, are the
 * same, and a scan of an unchanged database costs its reads, not normalizing and diffing every
 * index again. The least recently compared collection is forgotten beyond the capacity, except by
 * a scheduled compare (`scheduled`), which only takes free room or that of collections unused for
 * `staleAfterMs` (see `LruMap.offer`): a scan going round more collections than the capacity then
 * reuses those that fit instead of none.
 */
export class CollectionMemo {
  private readonly remembered: LruMap<string, Remembered>;

  constructor(capacity: number, staleAfterMs?: number) {
    this.remembered = new LruMap({ maxWeight: capacity, ...(staleAfterMs === undefined ? {} : { staleAfterMs }) });
  }

  recall(
    databaseId: string,
    collection: string,
    bytes: Uint8Array | undefined,
    desired: readonly DesiredIndex[],
  ): RememberedComparison | undefined {
    if (!bytes) return undefined;
    const found = this.remembered.get(keyOf(databaseId, collection));
    const hit = found !== undefined && found.desired === desired && found.digest === digestOf(bytes);
    cacheLookups.inc({ cache: 'collections', result: hit ? 'hit' : 'miss' });
    if (!hit) return undefined;
    const { diff, json } = found;
    return json === undefined ? { diff } : { diff, view: { comparison: JSON.parse(json) as CollectionComparison, json } };
  }

  remember(
    databaseId: string,
    collection: string,
    entry: RememberedComparison & { bytes: Uint8Array; desired: readonly DesiredIndex[] },
    scheduled = false,
  ): void {
    const { bytes, desired, diff, view } = entry;
    const remembered = { digest: digestOf(bytes), desired, diff, ...(view ? { json: view.json } : {}) };
    const key = keyOf(databaseId, collection);
    if (scheduled) this.remembered.offer(key, remembered);
    else this.remembered.set(key, remembered);
  }
}

function keyOf(databaseId: string, collection: string): string {
  return `${databaseId}\u0000${collection}`;
}

function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}
