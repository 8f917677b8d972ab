// The API's shapes, from the contracts that define them (type-only: nothing of zod reaches the bundle).
import type {
  AuditEntry,
  CollectionSummary,
  CompareSummary,
  DatabaseView,
  FleetDriftItem,
  FleetDriftPage,
  FleetDriftState,
  PlanResult,
  ProjectView,
  SyncStatus,
  SyncView,
  TokenPair,
} from '@ir/contracts';

export type {
  AuditEntry,
  CollectionSummary,
  CompareSummary,
  DatabaseView,
  FleetDriftItem,
  FleetDriftPage,
  FleetDriftState,
  PlanResult,
  ProjectView,
  SyncStatus,
  SyncView,
  TokenPair,
};

/** A page of a paged list (`pageOf` in the contracts). */
export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}

/** `202` of a sync request. */
export interface SyncAccepted {
  sync_id: string;
  status: SyncStatus;
  database_id: string;
}

/** Statuses after which nothing more happens to a sync (TERMINAL_SYNC_STATUSES in the contracts). */
export const TERMINAL_STATUSES: ReadonlySet<SyncStatus> = new Set<SyncStatus>([
  'completed',
  'partially_failed',
  'failed',
  'cancelled',
  'rejected',
]);
