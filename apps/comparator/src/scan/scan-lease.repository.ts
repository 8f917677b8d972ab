import { Inject, Injectable } from '@nestjs/common';
import { OwnRepository } from '@ir/platform';
import { SCAN_LEASE_MODEL, type ScanLeaseDocument, type ScanLeaseModel } from './scan-lease.model';

const UNCLAIMED = { claimed_until: null, claimed_by: null };

/**
 * The `scan_leases` collection: per database, when it is next compared and which replica holds it.
 * Claims and releases are conditional on the claiming replica, so replicas never undo each other's.
 */
@Injectable()
export class ScanLeaseRepository extends OwnRepository<ScanLeaseDocument> {
  constructor(@Inject(SCAN_LEASE_MODEL) model: ScanLeaseModel) {
    super(model);
  }

  /** Gives a lease to each database that has none, due at `firstScanAt()`. */
  async ensureFor(databaseIds: readonly string[], firstScanAt: () => Date): Promise<void> {
    await Promise.all(
      databaseIds.map((id) => this.model.updateOne({ _id: id }, { $setOnInsert: { next_scan_at: firstScanAt() } }, { upsert: true })),
    );
  }

  /** Deletes the leases of every database but these. */
  async deleteAllBut(databaseIds: readonly string[]): Promise<void> {
    await this.model.deleteMany({ _id: { $nin: [...databaseIds] } });
  }

  async delete(databaseId: string): Promise<void> {
    await this.model.deleteOne({ _id: databaseId });
  }

  /** The scan is due by `at` at the latest (a lease is created if there is none), after a registry change at `changedAt`. */
  async pullForward(databaseId: string, at: Date, changedAt: Date): Promise<void> {
    await this.model.updateOne({ _id: databaseId }, { $min: { next_scan_at: at }, $max: { changed_at: changedAt } }, { upsert: true });
  }

  /** Atomically claims the most overdue unclaimed (or expired) lease for `replica` until `until`; its database id. */
  async claimDue(now: Date, until: Date, replica: string): Promise<string | undefined> {
    const lease = await this.model
      .findOneAndUpdate(
        { next_scan_at: { $lte: now }, $or: [{ claimed_until: null }, { claimed_until: { $lt: now } }] },
        { $set: { claimed_until: until, claimed_by: replica } },
        { sort: { next_scan_at: 1 }, new: true },
      )
      .lean();
    return lease?._id;
  }

  /**
   * Releases the replica's claim with the next scan at `nextScanAt`, but only if the registry changed
   * the database since `changedSince`; false when it did not (or the claim is no longer the replica's).
   */
  async releaseIfChangedSince(databaseId: string, replica: string, changedSince: Date, nextScanAt: Date): Promise<boolean> {
    const { matchedCount } = await this.model.updateOne(
      { _id: databaseId, claimed_by: replica, changed_at: { $gte: changedSince } },
      { $set: { next_scan_at: nextScanAt, ...UNCLAIMED } },
    );
    return matchedCount > 0;
  }

  /**
   * The scans due at `now` that no replica is running: how many, and when the most overdue one fell
   * due. Both on the `due` index; bounded by `maxTimeMs`.
   */
  async waiting(now: Date, maxTimeMs: number): Promise<{ count: number; oldestDueAt?: Date }> {
    const filter = { next_scan_at: { $lte: now }, $or: [{ claimed_until: null }, { claimed_until: { $lt: now } }] };
    const [count, oldest] = await Promise.all([
      this.model.countDocuments(filter).maxTimeMS(maxTimeMs),
      this.model.findOne(filter, { next_scan_at: 1 }).sort({ next_scan_at: 1 }).maxTimeMS(maxTimeMs).lean(),
    ]);
    return { count, ...(oldest ? { oldestDueAt: oldest.next_scan_at } : {}) };
  }

  /** Releases the replica's claim with the next scan at `nextScanAt`. */
  async release(databaseId: string, replica: string, nextScanAt: Date): Promise<void> {
    await this.model.updateOne({ _id: databaseId, claimed_by: replica }, { $set: { next_scan_at: nextScanAt, ...UNCLAIMED } });
  }
}
