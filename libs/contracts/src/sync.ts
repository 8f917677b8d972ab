import { z } from 'zod';
import { Actor } from './access';
import { defineCommand, defineEvent, defineRpc } from './bus';
import { OperationKind, PlanOperationView } from './drift';
import { CollectionName } from './mongo-names';
import { pageOf, PagingFields, resolvePaging, MAX_OFFSET_RULE, withinMaxOffset } from './pagination';
import { RecordId } from './registry';
import { Streams } from './streams';

/**
 * `awaiting_approval`: a sync of a protected database whose plan drops, hides or rebuilds an index,
 * waiting for a second person; `rejected`: one that person turned down. `partially_failed`: some
 * steps failed and others succeeded; `failed`: steps failed (or the sync could not run) and none
 * succeeded; `cancelled`: someone cancelled it (`cancellation` says who).
 */
export const SyncStatus = z.enum([
  'awaiting_approval',
  'pending',
  'running',
  'completed',
  'partially_failed',
  'failed',
  'cancelled',
  'rejected',
]);
export type SyncStatus = z.infer<typeof SyncStatus>;

/** Statuses after which nothing more happens to a sync. */
export const TERMINAL_SYNC_STATUSES: readonly SyncStatus[] = ['completed', 'partially_failed', 'failed', 'cancelled', 'rejected'];

/** Statuses a sync can be retried from (`POST /indexes/sync-status/:sync_id/retry`). */
export const RETRYABLE_SYNC_STATUSES: readonly SyncStatus[] = ['partially_failed', 'failed', 'cancelled'];

/** Statuses a sync can be cancelled in (`POST /indexes/sync-status/:sync_id/cancel`). */
export const CANCELLABLE_SYNC_STATUSES: readonly SyncStatus[] = ['pending', 'awaiting_approval', 'running'];

/**
 * After a failed step: `continue` runs every step that does not depend on it (steps on other
 * collections, other changes of the same collection); `stop` runs nothing more.
 */
export const SyncOnError = z.enum(['continue', 'stop']);
export type SyncOnError = z.infer<typeof SyncOnError>;

/** What a protected database's sync needed approved, and who decided. */
export const SyncApproval = z.object({
  state: z.enum(['awaiting', 'approved', 'rejected']),
  /** The plan's operations that need it: "drops orders.status_1", ... */
  reasons: z.array(z.string()),
  decided_by: Actor.optional(),
  decided_at: z.string().optional(),
  comment: z.string().optional(),
});
export type SyncApproval = z.infer<typeof SyncApproval>;

// ---------- requests ----------

const SyncOptions = {
  /** Which kinds of operation to run (default: all). */
  include: z.array(OperationKind).min(1).optional(),
  /** Hide redundant indexes instead of dropping them. */
  hide_before_drop: z.boolean().default(false),
  /** Plan and record the steps, change nothing on the target. */
  dry_run: z.boolean().default(false),
  /** After a failed step, go on with the steps that do not depend on it (default) or stop. */
  on_error: SyncOnError.default('continue'),
};

export const SyncByCollectionsBody = z.strictObject({
  database_id: RecordId,
  collections: z.array(CollectionName).min(1, { error: 'give at least one collection' }).max(1000),
  ...SyncOptions,
});
export const SyncByDatabaseBody = z.strictObject({ database_id: RecordId, ...SyncOptions });
export type SyncRequest = z.output<typeof SyncByDatabaseBody> & { collections?: string[] };

export const SyncFromDatabaseBody = z.strictObject({
  database_id: RecordId,
  collections: z.array(CollectionName).min(1).max(1000).optional(),
  /**
   * A live index that a definition stands for but does not describe (same name or key, other options;
   * or the same index under another name): report it and keep the definition (skip), or replace the
   * definition with the live index (overwrite). Identical ones are left alone either way.
   */
  on_conflict: z.enum(['skip', 'overwrite']).default('skip'),
  /** Report what the import would do (the same answer) and write nothing. */
  dry_run: z.boolean().default(false),
});
export type SyncFromDatabaseBody = z.output<typeof SyncFromDatabaseBody>;

export const SyncDecisionBody = z.strictObject({ comment: z.string().trim().max(1000).optional() });
export const SyncDecisionRequest = SyncDecisionBody.extend({ sync_id: RecordId });

/** `POST /indexes/sync-status/:sync_id/retry`: the retry keeps the sync's options; `on_error` may be changed. */
export const SyncRetryBody = z.strictObject({ on_error: SyncOnError.optional() });
export const SyncRetryRequest = SyncRetryBody.extend({ sync_id: RecordId });

/** `POST /indexes/sync-status/:sync_id/cancel`. */
export const SyncCancelBody = z.strictObject({ comment: z.string().trim().max(1000).optional() });
export const SyncCancelRequest = SyncCancelBody.extend({ sync_id: RecordId });

export const SyncHistoryBody = z
  .strictObject({ database_id: RecordId, ...PagingFields })
  .transform(resolvePaging)
  .refine(withinMaxOffset, MAX_OFFSET_RULE);

/** `GET /indexes/sync-status/by-database/:database_id?page=&limit=`. */
export const SyncHistoryQuery = z.strictObject({ page: PagingFields.page, limit: PagingFields.limit });

// ---------- answers ----------

/**
 * `skipped`: never sent to the target (a dry run, a step the target cannot run, a step whose change
 * an earlier step failed: `blocked_by`); `not_run`: the sync stopped before it (`on_error: stop`,
 * cancelled); a retry runs it.
 */
export const SyncStepStatus = z.enum(['pending', 'running', 'done', 'skipped', 'failed', 'not_run']);

/** One operation of the sync's plan and what became of it. */
export const SyncStep = z.object({
  number: z.number().int(),
  operation: PlanOperationView,
  status: SyncStepStatus,
  error: z.string().optional(),
  /** Why a step changed nothing: "dry run", "already exists", "already absent", ... */
  note: z.string().optional(),
  /** A step skipped because an earlier step of the same change did not succeed: that step's number. */
  blocked_by: z.number().int().optional(),
  attempts: z.number().int(),
  duration_ms: z.number().optional(),
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
});
export type SyncStep = z.infer<typeof SyncStep>;

export const SyncView = z.object({
  id: z.string(),
  database_id: z.string(),
  /** The database's project when the sync was asked for (absent on syncs recorded before projects). */
  project_id: z.string().nullable().optional(),
  requested_by: Actor.optional(),
  collections: z.array(z.string()).optional(),
  status: SyncStatus,
  /** 0-100, from the steps done. */
  progress: z.number(),
  dry_run: z.boolean(),
  options: z.object({ include: z.array(OperationKind).optional(), hide_before_drop: z.boolean(), on_error: SyncOnError }),
  error: z.string().nullable(),
  steps: z.array(SyncStep),
  /** Present when the sync needed approval (a protected database, a plan that drops, hides or rebuilds). */
  approval: SyncApproval.optional(),
  /** Present once someone asked to cancel it: a running sync stops at its next step (or its build is stopped). */
  cancellation: z.object({ by: Actor, requested_at: z.string(), comment: z.string().optional() }).optional(),
  /** The sync this one retries. */
  retry_of: z.string().optional(),
  /** The sync that retries this one. */
  retried_by: z.string().optional(),
  warnings: z.array(z.string()),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  duration_ms: z.number().nullable(),
});
export type SyncView = z.infer<typeof SyncView>;

export const SyncAccepted = z.object({
  sync_id: z.string(),
  status: SyncStatus,
  database_id: z.string(),
  /** On a retry: the sync it retries. */
  retry_of: z.string().optional(),
});

const ImportItem = z.object({ collection: z.string(), name: z.string(), reason: z.string() });

/** A live index a definition stands for but does not describe: both forms, and what the import did about it. */
export const ImportDifference = z.object({
  collection: z.string(),
  /** The live index's name. */
  name: z.string(),
  /** The name of the definition it stands for. */
  definition_name: z.string(),
  /** What differs: `name`, `key`, `textWeights` or option names (`unique`, `expireAfterSeconds`, ...). */
  fields: z.array(z.string()),
  /** The definition as the design repository has it, and the live index as a definition. */
  defined: z.object({ name: z.string(), keys: z.array(z.unknown()), options: z.record(z.string(), z.unknown()).optional() }),
  live: z.object({ name: z.string().optional(), keys: z.array(z.unknown()), options: z.record(z.string(), z.unknown()).optional() }),
  /** kept: the definition stays as it is (on_conflict skip); overwritten: replaced by the live index (or would be, in a dry run). */
  resolution: z.enum(['kept', 'overwritten']),
});
export type ImportDifference = z.infer<typeof ImportDifference>;

export const ImportResult = z.object({
  /** The import's record (`GET /indexes/import-status/:import_id`); absent on answers from before imports were recorded. */
  import_id: z.string().optional(),
  database_id: z.string(),
  dry_run: z.boolean().optional(),
  /** Definitions created or overwritten (would be, in a dry run). */
  imported: z.number().int(),
  /** Live indexes imported as new definitions (would be, in a dry run). */
  created: z.array(z.object({ collection: z.string(), name: z.string() })).optional(),
  /** Live indexes left alone: a definition describes them exactly ("already defined"). */
  skipped: z.array(ImportItem),
  /** Live indexes that differ from the definition standing for them: never skipped silently. */
  differences: z.array(ImportDifference).optional(),
  failed: z.array(ImportItem),
  counts: z.object({
    imported: z.number().int(),
    skipped: z.number().int(),
    differences: z.number().int().optional(),
    failed: z.number().int(),
  }),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const SyncRpc = {
  /** The registry asks before deleting a database: is a sync of it pending or running? */
  activeForDatabase: defineRpc(
    'sync.rpc.database.active',
    z.strictObject({ database_id: z.string() }),
    z.object({ active: z.boolean(), sync_id: z.string().optional(), status: SyncStatus.optional() }),
  ),
  /** Records a pending sync under the database's lock and queues it; 409 naming the sync in progress. */
  start: defineRpc(
    'sync.rpc.sync.start',
    SyncByDatabaseBody.extend({ collections: SyncByCollectionsBody.shape.collections.optional() }),
    SyncAccepted,
  ),
  status: defineRpc('sync.rpc.sync.status', z.strictObject({ sync_id: RecordId }), SyncView),
  history: defineRpc('sync.rpc.sync.history', SyncHistoryBody, pageOf(SyncView)),
  /** A second person lets a sync awaiting approval run; nobody approves their own. */
  approve: defineRpc('sync.rpc.sync.approve', SyncDecisionRequest, SyncView),
  reject: defineRpc('sync.rpc.sync.reject', SyncDecisionRequest, SyncView),
  /**
   * A new sync, linked to a partially failed, failed or cancelled one (`retry_of`), planned afresh on
   * the collections whose steps did not succeed: what is already there is not done again.
   */
  retry: defineRpc('sync.rpc.sync.retry', SyncRetryRequest, SyncAccepted),
  /** Cancels a pending or awaiting sync at once; a running one stops at its next step. 409 naming the status otherwise. */
  cancel: defineRpc('sync.rpc.sync.cancel', SyncCancelRequest, SyncView),
  importIndexes: defineRpc('sync.rpc.database.import', SyncFromDatabaseBody, ImportResult),
};

// ---------- commands ----------

export const ImportCommand = z.object({
  /** The import's record, named when it is queued (absent on commands queued before imports were recorded). */
  import_id: z.string().optional(),
  /** Who created the database with `import_indexes` (the executor imports on their behalf). */
  requested_by: Actor.optional(),
  database_id: z.string(),
  collections: z.array(z.string()).optional(),
  on_conflict: z.enum(['skip', 'overwrite']),
  requested_at: z.string(),
});

export const RunSyncCommand = z.object({ sync_id: z.string(), database_id: z.string() });

/** Commands on the SYNC_COMMANDS work queue, each taken by exactly one executor replica. */
export const SyncCommands = {
  importIndexes: defineCommand('sync.cmd.database.import', Streams.syncCommands.name, ImportCommand),
  run: defineCommand('sync.cmd.database.run', Streams.syncCommands.name, RunSyncCommand),
};

// ---------- events ----------

// `project_id` and `requested_by` are optional so that facts stored before projects still parse.
const SyncFact = z.object({
  sync_id: z.string(),
  database_id: z.string(),
  project_id: z.string().nullable().optional(),
  /** Who asked for the sync (the executor runs it on their behalf). */
  requested_by: Actor.optional(),
  status: SyncStatus,
  progress: z.number(),
  steps_done: z.number().int(),
  steps_total: z.number().int(),
  error: z.string().nullable(),
  at: z.string(),
});
export type SyncFact = z.infer<typeof SyncFact>;

/** Every sync event's subject, `sync.evt.sync.<verb>`: the gateway's progress streams listen on it without JetStream. */
export const SYNC_EVENT_SUBJECTS = 'sync.evt.sync.>';

export const SyncEvents = {
  started: defineEvent('sync.evt.sync.started', Streams.syncEvents.name, SyncFact),
  progress: defineEvent('sync.evt.sync.progress', Streams.syncEvents.name, SyncFact),
  completed: defineEvent('sync.evt.sync.completed', Streams.syncEvents.name, SyncFact),
  failed: defineEvent('sync.evt.sync.failed', Streams.syncEvents.name, SyncFact),
  partiallyFailed: defineEvent('sync.evt.sync.partially-failed', Streams.syncEvents.name, SyncFact),
  cancelled: defineEvent('sync.evt.sync.cancelled', Streams.syncEvents.name, SyncFact),
  approvalRequested: defineEvent('sync.evt.sync.approval-requested', Streams.syncEvents.name, SyncFact),
  approved: defineEvent('sync.evt.sync.approved', Streams.syncEvents.name, SyncFact),
  rejected: defineEvent('sync.evt.sync.rejected', Streams.syncEvents.name, SyncFact),
};
