import { Inject, Injectable } from '@nestjs/common';
import { narrowTo, type ProjectScope } from '@ir/contracts';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import { DRIFT_SNAPSHOT_MODEL, type DriftSnapshotDocument, type DriftSnapshotModel } from './drift-snapshot.model';
import { OverviewCopy, type OverviewFilter, type OverviewRow } from './overview-copy';

export type { OverviewFilter, OverviewRow } from './overview-copy';

/** What a write of a snapshot needs to know of the stored one. */
export type StoredState = Pick<DriftSnapshotDocument, 'version' | 'result_hash' | 'drift' | 'fingerprint' | 'announced_changes'>;
/** A snapshot's next state; without `result_deflated`, the body stays as it is. */
export type NextState = Omit<DriftSnapshotDocument, '_id' | 'version' | 'result_deflated'> &
  Partial<Pick<DriftSnapshotDocument, 'result_deflated'>>;

const OVERVIEW_FIELDS = { project_id: 1, database_name: 1, db_name: 1, drift: 1, totals: 1, compared_at: 1 } as const;

/** A read of the overview's rows slower than this is given up; the copy keeps what it holds. */
const OVERVIEW_READ_LIMIT_MS = 30_000;

/** The overview fields of a snapshot stored before them, counted from its body. */
export type OverviewFields = Required<Pick<DriftSnapshotDocument, 'project_id' | 'database_name' | 'db_name' | 'totals'>>;

/**
 * The `drift_snapshots` collection: the latest comparison per database, versioned for concurrent
 * writers. The fleet overview is answered from a copy of its rows in memory (see `OverviewCopy`),
 * which every write of this repository keeps.
 */
@Injectable()
export class DriftSnapshotRepository extends OwnRepository<DriftSnapshotDocument> {
  private readonly overview: OverviewCopy;

  constructor(@Inject(DRIFT_SNAPSHOT_MODEL) model: DriftSnapshotModel) {
    super(model);
    // Not yet counted by the backfill: listed once it has been.
    this.overview = new OverviewCopy(() =>
      this.model
        .find({ totals: { $exists: true } }, OVERVIEW_FIELDS)
        .maxTimeMS(OVERVIEW_READ_LIMIT_MS)
        .lean<OverviewRow[]>(),
    );
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
      if (modifiedCount === 1) this.keepOverview(id, next);
      return modifiedCount === 1;
    }
    if (!next.result_deflated) return false;
    try {
      await this.model.create({ _id: id, version: 1, ...next, result_deflated: next.result_deflated });
      this.keepOverview(id, next);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * One page of the overview, by database id, in the projects of `scope` (narrowed to the one asked
   * for). Snapshots stored before projects have none: only a scope of every project finds them.
   */
  async overviewPage(scope: ProjectScope, filter: OverviewFilter, limit: number): Promise<OverviewRow[]> {
    const reach = filter.projectId ? narrowTo(scope, filter.projectId) : scope;
    if (!reach.all && reach.ids.length === 0) return [];
    return this.overview.page(reach, filter, limit);
  }

  /**
   * Every counted snapshot of the fleet, for the drift metrics: the overview's copy in memory (no
   * query of its own); undefined until the copy has been read once.
   */
  fleet(): readonly OverviewRow[] | undefined {
    return this.overview.all();
  }

  /** Reads the fleet's rows again when the copy is older than `maxAgeMs`; `0`: after any read under way. */
  refreshFleet(maxAgeMs: number): Promise<void> {
    return maxAgeMs === 0 ? this.overview.reread() : this.overview.freshen(maxAgeMs);
  }

  /**
   * The ids of the snapshots stored before the overview's fields, to count each from its body: one
   * query without the bodies; each body is then read by `_id`, the one filter FerretDB's SQLite
   * backend looks up instead of reading the whole collection.
   */
  async withoutOverview(): Promise<string[]> {
    const docs = await this.model.find({ totals: { $exists: false } }, { _id: 1 }).lean<Pick<DriftSnapshotDocument, '_id'>[]>();
    return docs.map((doc) => doc._id);
  }

  /**
   * Sets the overview fields counted from a snapshot's body, by `_id` alone: FerretDB's SQLite
   * backend looks up a lone `_id` and reads the whole collection for any other filter (a condition
   * on the version made the backfill of 1,000 snapshots take 2 minutes instead of 25–45 s here). A compare
   * written between the read of the body and this (a few ms) would show the older counts until its
   * database's next compare, which sets them again.
   */
  async setOverview(id: string, fields: OverviewFields): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: fields });
    const row = await this.model.findById(id, OVERVIEW_FIELDS).lean<OverviewRow>();
    if (row?.totals) this.overview.put(row);
  }

  async delete(databaseId: string): Promise<void> {
    await this.model.deleteOne({ _id: databaseId });
    this.overview.remove(databaseId);
  }

  /** The overview's row as this write left it: the fields it set over the row the copy holds. */
  private keepOverview(id: string, next: NextState): void {
    const before = this.overview.get(id);
    const row = {
      ...before,
      _id: id,
      drift: next.drift,
      compared_at: next.compared_at,
      ...(next.project_id !== undefined ? { project_id: next.project_id } : {}),
      ...(next.database_name !== undefined ? { database_name: next.database_name } : {}),
      ...(next.db_name !== undefined ? { db_name: next.db_name } : {}),
      ...(next.totals ? { totals: next.totals } : {}),
    };
    if (row.totals) this.overview.put(row as OverviewRow);
  }
}
