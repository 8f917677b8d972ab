// The API's shapes, from the contracts that define them (type-only: nothing of zod reaches the bundle).
import type {
  AuditEntry,
  AuditPage,
  CollectionSummary,
  CompareSummary,
  DatabaseCreated,
  DatabaseView,
  FleetDriftItem,
  FleetDriftPage,
  FleetDriftState,
  ImportResult,
  ImportView,
  IndexDefinitionView,
  InvitationCreated,
  InvitationView,
  MemberView,
  Role,
  ManifestApplyResult,
  ManifestUpdate,
  PlanResult,
  ProjectView,
  RegisterRequest,
  SyncStatus,
  SyncView,
  TokenPair,
} from '@ir/contracts';
import type { z } from 'zod';

export type {
  AuditEntry,
  AuditPage,
  CollectionSummary,
  CompareSummary,
  DatabaseView,
  FleetDriftItem,
  FleetDriftPage,
  FleetDriftState,
  ImportResult,
  ImportView,
  IndexDefinitionView,
  InvitationView,
  ManifestApplyResult,
  ManifestUpdate,
  MemberView,
  PlanResult,
  ProjectView,
  RegisterRequest,
  Role,
  SyncStatus,
  SyncView,
  TokenPair,
};

/** `201` of `POST /invitations`: the invitation and its token, shown this once. */
export type InvitationCreatedView = z.infer<typeof InvitationCreated>;

/** `201` of `POST /databases`: the database, and the import it queued when `import_indexes` was asked. */
export type DatabaseCreatedView = z.infer<typeof DatabaseCreated>;

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
