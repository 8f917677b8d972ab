import type { CompareResult, FleetDriftItem } from '@ir/contracts';
import { totalsOf } from '../compare/comparison-view';
import { unpackResult, type DriftSnapshotDocument } from './drift-snapshot.model';
import type { OverviewFields, OverviewRow } from './drift-snapshot.repository';

/** The fields of a snapshot that the fleet overview lists, from the (merged) result it stores. */
export function overviewFieldsOf(result: Pick<CompareResult, 'project_id' | 'database_name' | 'db_name' | 'totals'>): OverviewFields {
  return {
    project_id: result.project_id ?? null,
    database_name: result.database_name ?? null,
    db_name: result.db_name,
    totals: result.totals,
  };
}

/**
 * The overview fields of a snapshot stored before them, counted once from its body (totals counted
 * again, as `latest` does: a body stored before a count was added has it too).
 */
export function overviewFieldsFromBody(snapshot: DriftSnapshotDocument): OverviewFields {
  const body = JSON.parse(unpackResult(snapshot.result_deflated)) as Omit<CompareResult, 'compared_at'>;
  return overviewFieldsOf({ ...body, totals: totalsOf(body.collections) });
}

/** A row as the overview answers it. */
export function toFleetDriftItem(row: OverviewRow): FleetDriftItem {
  return {
    database_id: row._id,
    database_name: row.database_name ?? null,
    project_id: row.project_id ?? null,
    db_name: row.db_name ?? null,
    drift: row.drift,
    failed: row.totals.failed_collections > 0,
    totals: row.totals,
    compared_at: new Date(row.compared_at).toISOString(),
  };
}
