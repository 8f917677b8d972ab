import type { AbstractCursor } from 'mongodb';

/**
 * Bounds on what a target may answer to a read: a server that keeps a cursor open and sends batch
 * after batch would otherwise fill the service's memory in one `toArray()`. Far above real databases
 * (MongoDB allows 64 indexes per collection; a database of 100,000 collections is already unusual).
 */
export const MAX_COLLECTIONS = 100_000;
export const MAX_INDEXES_PER_COLLECTION = 1_000;

/** More items than a real server would send; the read is abandoned and the target reported. */
export class TargetAnswerTooLargeError extends Error {
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super(`the target sent more than ${limit} ${what}`);
    this.name = 'TargetAnswerTooLargeError';
  }
}

/**
 * The cursor's documents, at most `max` of them; one more closes the cursor and throws.
 * @throws TargetAnswerTooLargeError
 */
export async function collectAtMost<T>(cursor: AbstractCursor<T>, max: number, what: string): Promise<T[]> {
  const items: T[] = [];
  try {
    for await (const item of cursor) {
      if (items.length === max) throw new TargetAnswerTooLargeError(what, max);
      items.push(item);
    }
    return items;
  } finally {
    await cursor.close().catch(() => undefined);
  }
}
