import { Injectable } from '@nestjs/common';
import {
  classifyTargetError,
  collectAtMost,
  defaultCollationsOf,
  MAX_INDEXES_PER_COLLECTION,
  readIndexListing,
  type IndexListing,
} from '@ir/target-pool';
import type { Db } from 'mongodb';

/** CommandNotFound, CommandNotSupported, NotImplemented, and "unrecognized pipeline stage". */
const UNSUPPORTED_CODES: ReadonlySet<number> = new Set([59, 115, 238, 40324]);

export interface IndexUsage {
  readonly ops: number;
  readonly since: Date | null;
}

export interface CollectionIndexes {
  readonly exists: boolean;
  /** Absent when the collection does not exist. */
  readonly listing?: IndexListing;
  /** Per index name; absent when the server cannot say (then `usageUnsupported` tells why). */
  readonly usage?: ReadonlyMap<string, IndexUsage>;
  /** The server has no `$indexStats`: why. */
  readonly usageUnsupported?: string;
  /** `$indexStats` failed for another reason this time (a time limit, a privilege): why. */
  readonly usageUnavailable?: string;
}

/** Reads a target collection's indexes and, where the server supports `$indexStats`, their usage. */
@Injectable()
export class TargetReader {
  /** `withUsage: false` skips `$indexStats`, for a target already known not to support it. Both are asked at once. */
  async read(db: Db, collection: string, withUsage = true): Promise<CollectionIndexes> {
    const [listed, usage] = await Promise.all([
      readIndexListing(db, collection).then((listing) => (listing ? { exists: true, listing } : { exists: false })),
      withUsage
        ? this.usage(db, collection).then(
            (byName) => ({ usage: byName }),
            // Reasons in our words: a target's own error text is not repeated to callers.
            (error: unknown) =>
              UNSUPPORTED_CODES.has((error as { code?: number }).code ?? -1)
                ? { usageUnsupported: 'the server does not support $indexStats' }
                : { usageUnavailable: `$indexStats failed: ${classifyTargetError(error, '').kind}` },
          )
        : undefined,
    ]);
    return listed.exists ? { ...listed, ...usage } : listed;
  }

  /** The default collation of each of `collections` that has one (`defaultCollationsOf`). */
  defaultCollations(db: Db, collections: readonly string[]): Promise<ReadonlyMap<string, unknown>> {
    return defaultCollationsOf(db, collections);
  }

  /** Accesses summed over every host that reports the index (replica set members, shards); the earliest `since`. */
  private async usage(db: Db, collection: string): Promise<Map<string, IndexUsage>> {
    const stats = await collectAtMost(
      db.collection(collection).aggregate<{ name: string; accesses?: { ops?: unknown; since?: Date } }>([{ $indexStats: {} }]),
      // One entry per index and host (replica set members, shards).
      MAX_INDEXES_PER_COLLECTION,
      'index statistics',
    );
    const usage = new Map<string, IndexUsage>();
    for (const stat of stats) {
      const previous = usage.get(stat.name);
      const ops = Number(stat.accesses?.ops ?? 0) + (previous?.ops ?? 0);
      const since =
        [previous?.since, stat.accesses?.since].filter((d): d is Date => d instanceof Date).sort((a, b) => a.getTime() - b.getTime())[0] ??
        null;
      usage.set(stat.name, { ops, since });
    }
    return usage;
  }
}
