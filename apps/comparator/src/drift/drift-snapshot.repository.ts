import { Inject, Injectable } from '@nestjs/common';
import { narrowTo, type FleetDriftState, type ProjectScope } from '@ir/contracts';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import type { FilterQuery } from 'mongoose';
import { DRIFT_SNAPSHOT_MODEL, type DriftSnapshotDocument, type DriftSnapshotModel } from './drift-snapshot.model';

/** What a write of a snapshot needs to know of the stored one. */
export type StoredState = Pick<DriftSnapshotDocument, 'version' | 'result_hash' | 'drift' | 'fingerprint' | 'announced_changes'>;
/** A snapshot's next state; without `result_deflated`, the body stays as it is. */
export type NextState = Omit<DriftSnapshotDocument, '_id' | 'version' | 'result_deflated'> &
  Partial<Pick<DriftSnapshotDocument, 'result_deflated'>>;

/** What the fleet overview lists of a snapshot: never its body. */
export type OverviewRow = Pick<DriftSnapshotDocument, '_id' | 'project_id' | 'database_name' | 'db_name' | 'drift' | 'compared_at'> &
  Required<Pick<DriftSnapshotDocument, 'totals'>>;
const OVERVIEW_FIELDS = { project_id: 1, database_name: 1, db_name: 1, drift: 1, totals: 1, compared_at: 1 } as const;

/** What the drift metrics export of a snapshot: its names and counts, never its body. */
export type MetricsRow = Pick<DriftSnapshotDocument, '_id' | 'project_id' | 'database_name' | 'compared_at'> &
  Required<Pick<DriftSnapshotDocument, 'totals'>>;
const METRICS_FIELDS = { project_id: 1, database_name: 1, totals: 1, compared_at: 1 } as const;

/** What a page of the overview keeps to, besides the caller's reach. */
export interface OverviewFilter {
  readonly projectId?: string;
  readonly state?: FleetDriftState;
  /** The page starts after this database id (keyset: no skipping over the pages before). */
  readonly after?: string;
}

/** The overview fields of a snapshot stored before them, counted from its body. */
export type OverviewFields = Required<Pick<DriftSnapshotDocument, 'project_id' | 'database_name' | 'db_name' | 'totals'>>;

const STATE_FILTERS: Record<FleetDriftState, FilterQuery<DriftSnapshotDocument>> = {
  drifted: { drift: true },
  failed: { 'totals.failed_collections': { $gt: 0 } },
  in_sync: { drift: false, 'totals.failed_collections': 0 },
};

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

  /**
   * One page of the overview, by database id, in the projects of `scope` (narrowed to the one asked
   * for). Snapshots stored before projects have none: only a scope of every project finds them.
   */
  async overviewPage(scope: ProjectScope, filter: OverviewFilter, limit: number): Promise<OverviewRow[]> {
    const reach = filter.projectId ? narrowTo(scope, filter.projectId) : scope;
    if (!reach.all && reach.ids.length === 0) return [];
    const query: FilterQuery<DriftSnapshotDocument> = {
      ...this.inProjects(reach),
      // Not yet counted by the backfill: listed once it has been.
      totals: { $exists: true },
      ...(filter.state ? STATE_FILTERS[filter.state] : {}),
      ...(filter.after ? { _id: { $gt: filter.after } } : {}),
    };
    return this.model.find(query, OVERVIEW_FIELDS).sort({ _id: 1 }).limit(limit).lean<OverviewRow[]>();
  }

  /**
   * Every counted snapshot of the fleet, for the drift metrics: one query without the bodies,
   * bounded by `maxTimeMs` so that a slow database fails a scrape's refresh rather than holds it.
   */
  fleetTotals(maxTimeMs: number): Promise<MetricsRow[]> {
    return this.model
      .find({ totals: { $exists: true } }, METRICS_FIELDS)
      .maxTimeMS(maxTimeMs)
      .lean<MetricsRow[]>();
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
  }

  async delete(databaseId: string): Promise<void> {
    await this.model.deleteOne({ _id: databaseId });
  }
}
