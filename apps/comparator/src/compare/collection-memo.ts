import type { CollectionComparison } from '@ir/contracts';
import type { CollectionDiff, DesiredIndex } from '@ir/index-core';

/** A collection's comparison with its JSON, which the answer and the stored drift are assembled from. */
export interface ComparisonView {
  readonly comparison: CollectionComparison;
  readonly json: string;
}

export interface RememberedComparison {
  readonly bytes: Uint8Array;
  readonly desired: readonly DesiredIndex[];
  readonly diff: CollectionDiff;
  /** Only for a read without usage statistics: with them, every compare has its own figures. */
  readonly view?: ComparisonView;
}

/**
 * What the last compare of each collection found, for as long as the server answers listIndexes
 * with the same bytes and the DR wants the same indexes (the same resolved list, which the registry
 * client keeps per definitions version): then the diff, and without usage the whole view, are the
 * same, and a scan of an unchanged database costs its reads, not normalizing and diffing every
 * index again. The least recently compared collection is forgotten beyond the capacity.
 */
export class CollectionMemo {
  private readonly remembered = new Map<string, RememberedComparison>();

  constructor(private readonly capacity: number) {}

  recall(
    databaseId: string,
    collection: string,
    bytes: Uint8Array | undefined,
    desired: readonly DesiredIndex[],
  ): Omit<RememberedComparison, 'bytes' | 'desired'> | undefined {
    if (!bytes) return undefined;
    const key = keyOf(databaseId, collection);
    const found = this.remembered.get(key);
    if (!found || found.desired !== desired || !sameBytes(found.bytes, bytes)) return undefined;
    this.remembered.delete(key);
    this.remembered.set(key, found);
    return found;
  }

  remember(databaseId: string, collection: string, entry: RememberedComparison): void {
    const key = keyOf(databaseId, collection);
    this.remembered.delete(key);
    // A copy: the driver's bytes may be a view of a larger read buffer, which this would keep alive.
    this.remembered.set(key, { ...entry, bytes: Buffer.from(entry.bytes) });
    if (this.remembered.size > this.capacity) this.remembered.delete(this.remembered.keys().next().value as string);
  }
}

function keyOf(databaseId: string, collection: string): string {
  return `${databaseId}\u0000${collection}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
