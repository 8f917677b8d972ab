import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import { ensureOwnIndexes, isDuplicateKeyError, OwnRepository, type OwnIndexesResult } from '@ir/platform';
import { SCAN_CLAIM_MODEL, SCAN_LEASE_MODEL, type ScanClaimModel, type ScanLeaseDocument, type ScanLeaseModel } from './scan-lease.model';

const UNCLAIMED = { claimed_until: null, claimed_by: null };
/**
 * A claim document older than this whose lease is still in the state it named was abandoned: its
 * replica died, or its store write failed, between the insert and the lease's update. Its id would
 * otherwise turn every replica away from that lease until the claims are cleaned up (minutes).
 */
const ABANDONED_CLAIM_MS = 30_000;
/** Inserts one claim tries at most: each abandoned generation or freed id costs one. */
const MAX_CLAIM_ATTEMPTS = 20;

/** A due lease as a replica saw it: what a claim of it is conditional on. */
export type DueLease = Pick<ScanLeaseDocument, '_id' | 'next_scan_at' | 'claimed_until'>;

/** Due at `now` and held by no replica (or by one whose claim expired). */
function dueFilter(now: Date) {
  return { next_scan_at: { $lte: now }, $or: [{ claimed_until: null }, { claimed_until: { $lt: now } }] };
}

/** The claim of a lease in the state it was seen in: a later state (released, or expired) is claimed anew. */
function claimId(lease: DueLease): string {
  return `${lease._id}@${lease.next_scan_at.getTime()}@${lease.claimed_until?.getTime() ?? '-'}`;
}

/**
 * The `scan_leases` collection: per database, when it is next compared and which replica holds it.
 * Claims and releases are conditional on the claiming replica, so replicas never undo each other's.
 */
@Injectable()
export class ScanLeaseRepository extends OwnRepository<ScanLeaseDocument> {
  constructor(
    @Inject(SCAN_LEASE_MODEL) model: ScanLeaseModel,
    @Inject(SCAN_CLAIM_MODEL) private readonly claims: ScanClaimModel,
  ) {
    super(model);
  }

  override ensureIndexes(logger: LoggerService): Promise<OwnIndexesResult> {
    return ensureOwnIndexes([this.model, this.claims], logger);
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

  /**
   * The `limit` most overdue leases that no replica holds: one read for a batch of claims (FerretDB
   * pushes neither the range nor the sort down, so each read goes through every lease).
   */
  due(now: Date, limit: number): Promise<DueLease[]> {
    return this.model.find(dueFilter(now), { next_scan_at: 1, claimed_until: 1 }).sort({ next_scan_at: 1 }).limit(limit).lean<DueLease[]>();
  }

  /**
   * Claims `lease` for `replica` until `until`, if it is still as it was seen; false when another
   * replica claimed it first. The insert of the claim's unique id decides between replicas that saw
   * the same state; the update by `_id`, on that state, turns away a state seen before a claim and
   * release by another replica.
   */
  async claim(lease: DueLease, until: Date, replica: string, now: Date): Promise<boolean> {
    const _id = await this.insertClaim(claimId(lease), lease._id, now);
    if (_id === undefined) return false;
    try {
      const { modifiedCount } = await this.model.updateOne(
        { _id: lease._id, next_scan_at: lease.next_scan_at, claimed_until: lease.claimed_until },
        { $set: { claimed_until: until, claimed_by: replica } },
      );
      return modifiedCount === 1;
    } catch (error) {
      // The lease was not taken: free its state for the next claim at once rather than in ABANDONED_CLAIM_MS.
      await this.claims.deleteOne({ _id }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Inserts a claim of the lease state `stateId`; its id, or undefined when another replica holds it.
   * A claim abandoned before its lease was updated (older than ABANDONED_CLAIM_MS: a live claim
   * changes its lease's state, so its id is never seen again) is taken over by inserting the state's
   * next generation (`<state>#1`, `#2`, ...), never by deleting it: on FerretDB 1.x a delete reads,
   * then deletes by `_id`, so two replicas deleting one abandoned claim could delete the claim the
   * first had inserted again in between, and both win (seen in the spec: two of five). Only inserts
   * of unique ids decide, which FerretDB makes atomic too.
   */
  private async insertClaim(stateId: string, lease: string, now: Date): Promise<string | undefined> {
    const abandonedBefore = now.getTime() - ABANDONED_CLAIM_MS;
    let generation = 0;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const _id = generation === 0 ? stateId : `${stateId}#${generation}`;
      try {
        await this.claims.create({ _id, lease, at: now });
        return _id;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const held = await this.claims.findById(_id, { at: 1 }).lean();
      // Gone since (a failed claim frees its id, clean-up deletes old ones): the same id is tried again.
      if (!held) continue;
      if (held.at.getTime() >= abandonedBefore) return undefined;
      generation++;
    }
    return undefined;
  }

  /** Deletes the claims made before `before`: their leases have been released or have expired since. */
  async deleteClaimsBefore(before: Date): Promise<void> {
    await this.claims.deleteMany({ at: { $lt: before } });
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
    const filter = dueFilter(now);
    const [count, oldest] = await Promise.all([
      this.model.countDocuments(filter).maxTimeMS(maxTimeMs),
      this.model.findOne(filter, { next_scan_at: 1 }).sort({ next_scan_at: 1 }).maxTimeMS(maxTimeMs).lean(),
    ]);
    return { count, ...(oldest ? { oldestDueAt: oldest.next_scan_at } : {}) };
  }

  /**
   * Frees the leases claimed by `replica`, which scans none of them now, their next scan left as it is.
   * On FerretDB 1.x an update reads the document and then writes all of it back: a registry
   * change's `pullForward` (or any update) that read a lease before its release wrote it back
   * claimed, with no scan left to release it, and it stayed so until the claim expired.
   */
  async releaseAbandoned(replica: string): Promise<void> {
    await this.model.updateMany({ claimed_by: replica }, { $set: UNCLAIMED });
  }

  /** Releases the replica's claim with the next scan at `nextScanAt`. */
  async release(databaseId: string, replica: string, nextScanAt: Date): Promise<void> {
    await this.model.updateOne({ _id: databaseId, claimed_by: replica }, { $set: { next_scan_at: nextScanAt, ...UNCLAIMED } });
  }
}
