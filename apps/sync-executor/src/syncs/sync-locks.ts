import type { SyncLockDocument } from './sync-lock.model';
import { SyncLockRepository } from './sync-lock.repository';
import { isTerminal, type SyncStatus } from './sync.model';
import { SyncRepository } from './sync.repository';

/** A lock whose sync does not exist yet is left alone this long: its start may still be inserting the sync. */
export const ORPHAN_LOCK_GRACE_MS = 30_000;

export type AcquireResult =
  | {
      readonly acquired: true;
      /** The lock was taken over from a sync that held it past its time (its executor stopped, or it never started). */
      readonly tookOverFrom?: { readonly sync_id: string; readonly status: SyncStatus | 'missing' };
    }
  | { readonly acquired: false; readonly holder: SyncLockDocument };

/**
 * One lock per database in `sync_locks` (`_id` = database id). Taking it is an insert, so of any
 * number of concurrent requests, on any number of replicas, exactly one wins. A lock that outlived
 * its sync (expired without a refresh, or left behind by a sync that ended) is taken over by
 * deleting exactly that lock (same sync and expiry) and inserting once more.
 */
export class SyncLocks {
  constructor(
    private readonly locks: SyncLockRepository,
    private readonly syncs: SyncRepository,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(databaseId: string, syncId: string, ttlMs: number): Promise<AcquireResult> {
    if (await this.tryInsert(databaseId, syncId, ttlMs)) return { acquired: true };
    const holder = await this.locks.holderOf(databaseId);
    // Released between our insert and this read: one more try.
    if (!holder) {
      if (await this.tryInsert(databaseId, syncId, ttlMs)) return { acquired: true };
      return { acquired: false, holder: (await this.locks.holderOf(databaseId))! };
    }
    const stale = await this.staleness(holder);
    if (!stale) return { acquired: false, holder };
    await this.locks.deleteExactly(holder);
    if (await this.tryInsert(databaseId, syncId, ttlMs))
      return { acquired: true, tookOverFrom: { sync_id: holder.sync_id, status: stale } };
    const current = await this.locks.holderOf(databaseId);
    return { acquired: false, holder: current ?? holder };
  }

  /** Extends the lock of a running sync; false when the sync no longer holds it (taken over). */
  async refresh(databaseId: string, syncId: string, ttlMs: number): Promise<boolean> {
    return this.locks.extend(databaseId, syncId, new Date(this.now() + ttlMs));
  }

  /** Releases the lock if this sync holds it. */
  async release(databaseId: string, syncId: string): Promise<void> {
    await this.locks.release(databaseId, syncId);
  }

  async holder(databaseId: string): Promise<SyncLockDocument | null> {
    return this.locks.holderOf(databaseId);
  }

  /**
   * Why the holder no longer deserves the lock (the status of its sync, or `missing`), or undefined
   * when it does: its sync is pending or running and the lock has not expired.
   */
  async staleness(holder: SyncLockDocument): Promise<SyncStatus | 'missing' | undefined> {
    const status = await this.syncs.statusOf(holder.sync_id);
    const now = this.now();
    if (!status) return now - new Date(holder.created_at).getTime() > ORPHAN_LOCK_GRACE_MS ? 'missing' : undefined;
    if (isTerminal(status)) return status;
    return new Date(holder.expires_at).getTime() <= now ? status : undefined;
  }

  private async tryInsert(databaseId: string, syncId: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return this.locks.tryInsert({ _id: databaseId, sync_id: syncId, expires_at: new Date(now + ttlMs), created_at: new Date(now) });
  }
}
