import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityName, EntityShape, OplogPage } from '@ir/contracts';
import { EntityCacheDb } from '../cache/entity-cache-db';

/** Reads one entity's entries after an id (entity-oplog's internal read, filtered to it). */
export type EntityOplogReader = (entity: EntityName, after: string, limit: number) => Promise<OplogPage>;

/**
 * Builds an entity's cache from oplog id 0 in a fresh directory beside the caches, and returns it
 * ready to be swapped in. It reads until the oplog has nothing more for the entity, so the new cache
 * is at least as far as the replica's offset: the entries the replica reads next that it already
 * holds are skipped by its applied id. A failure leaves the old cache as it was.
 */
export async function buildFreshCache(
  root: string,
  entity: EntityName,
  shape: EntityShape,
  read: EntityOplogReader,
  batchSize: number,
): Promise<{ directory: string; appliedId: string; discard(): void }> {
  const staging = join(root, `.recreate-${entity}-${randomBytes(4).toString('hex')}`);
  const discard = () => rmSync(staging, { recursive: true, force: true });
  try {
    const cache = new EntityCacheDb(staging, entity, shape);
    try {
      for (let after = '0'; ;) {
        const page = await read(entity, after, batchSize);
        if (page.entries.length === 0) break;
        cache.apply(page.entries);
        after = page.next_after;
      }
      return { directory: join(staging, entity), appliedId: cache.appliedId(), discard };
    } finally {
      cache.close();
    }
  } catch (error) {
    discard();
    throw error;
  }
}

/** Replaces `<root>/<entity>` by the fresh directory (the caller closed every connection to the old one first). */
export function swapInCache(root: string, entity: EntityName, fresh: { directory: string; discard(): void }): void {
  const target = join(root, entity);
  rmSync(target, { recursive: true, force: true });
  renameSync(fresh.directory, target);
  fresh.discard();
}

/** Deletes an entity's cache directory (the entity was deleted). */
export function removeCache(root: string, entity: EntityName): void {
  rmSync(join(root, entity), { recursive: true, force: true });
}
