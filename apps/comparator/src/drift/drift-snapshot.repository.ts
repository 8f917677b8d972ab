import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import { DRIFT_SNAPSHOT_MODEL, type DriftSnapshotDocument, type DriftSnapshotModel } from './drift-snapshot.model';

/** What a write of a snapshot needs to know of the stored one. */
export type StoredState = Pick<DriftSnapshotDocument, 'version' | 'result_hash' | 'drift' | 'fingerprint' | 'announced_changes'>;
/** A snapshot's next state; without `result_deflated`, the body stays as it is. */
export type NextState = Omit<DriftSnapshotDocument, '_id' | 'version' | 'result_deflated'> &
  Partial<Pick<DriftSnapshotDocument, 'result_deflated'>>;

/** The `drift_snapshots` collection: the latest comparison per database, versioned for concurrent writers. */
@Injectable()
export class DriftSnapshotRepository extends OwnRepository<DriftSnapshotDocument> {
  constructor(@Inject(DRIFT_SNAPSHOT_MODEL) model: DriftSnapshotModel) {
    super(model);
  }

  /** The database's snapshot; without its body (it may be large) unless `withBody`. */
  findById(databaseId: string, { withBody }: { withBody: boolean }): Promise<DriftSnapshotDocument | null> {
    return this.model.findById(databaseId, withBody ? {} : { result_deflated: 0 }).lean();
  }

  /**
   * Writes the next state over `previous`, only if the stored snapshot is still that one (its
   * version); a first snapshot only if there is none yet. False when another writer came first.
   */
  async write(id: string, previous: StoredState | null, next: NextState): Promise<boolean> {
    if (previous) {
      // Without a body, only over the same body: a remembered version may be of a snapshot deleted and created again since.
      const sameBody = next.result_deflated ? {} : { result_hash: next.result_hash };
      const { modifiedCount } = await this.model.updateOne(
        { _id: id, version: previous.version, ...sameBody },
        { $set: { ...next, version: previous.version + 1 } },
      );
      return modifiedCount === 1;
    }
    if (!next.result_deflated) return false;
    try {
      await this.model.create({ _id: id, version: 1, ...next, result_deflated: next.result_deflated });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async delete(databaseId: string): Promise<void> {
    await this.model.deleteOne({ _id: databaseId });
  }
}
