import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import { SYNC_LOCK_MODEL, type SyncLockDocument, type SyncLockModel } from './sync-lock.model';

/**
 * The `sync_locks` collection: one lock per database (`_id` = database id). Every write names the
 * sync that holds the lock, so a sync never extends or releases a lock taken over from it.
 */
@Injectable()
export class SyncLockRepository extends OwnRepository<SyncLockDocument> {
  constructor(@Inject(SYNC_LOCK_MODEL) model: SyncLockModel) {
    super(model);
  }

  /** Takes the database's lock with one insert, atomic on every server; false when it is held. */
  async tryInsert(lock: SyncLockDocument): Promise<boolean> {
    try {
      await this.model.create(lock);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  holderOf(databaseId: string): Promise<SyncLockDocument | null> {
    return this.model.findById(databaseId).lean<SyncLockDocument>();
  }

  /** Deletes exactly this lock (same sync and expiry), so that a lock refreshed or taken meanwhile stays. */
  async deleteExactly(lock: Pick<SyncLockDocument, '_id' | 'sync_id' | 'expires_at'>): Promise<void> {
    await this.model.deleteOne({ _id: lock._id, sync_id: lock.sync_id, expires_at: lock.expires_at });
  }

  /** Moves the expiry of the sync's lock; false when the sync no longer holds it. */
  async extend(databaseId: string, syncId: string, expiresAt: Date): Promise<boolean> {
    const { matchedCount } = await this.model.updateOne({ _id: databaseId, sync_id: syncId }, { $set: { expires_at: expiresAt } });
    return matchedCount > 0;
  }

  /** Releases the lock if this sync holds it. */
  async release(databaseId: string, syncId: string): Promise<void> {
    await this.model.deleteOne({ _id: databaseId, sync_id: syncId });
  }
}
