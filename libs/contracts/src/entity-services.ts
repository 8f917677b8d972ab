import { z } from 'zod';
import { defineRpc } from './bus';
import { EntityName, EntityShape, EntityState, OplogChange, OplogEntry, RefreshIntervalSeconds } from './entity';
import { CollectionName } from './mongo-names';
import { RecordId } from './registry';

/**
 * The entity caches' services on the bus (issue 16). `entity-oplog` owns PostgreSQL and answers
 * every request here; `entity-capture` and `cache-replicator` only call it (and answer their health
 * pings). The public requests (what the gateway routes) act for the caller and are checked against
 * the project of the entity's source database; the internal ones serve the two other services only.
 */

/** Up to 19 digits without a leading zero: what the regex admits, and BigInt then parses. */
const OPLOG_ID_DIGITS = /^(0|[1-9]\d{0,18})$/;

/** An oplog id as the API carries it: a decimal string (PostgreSQL's bigint does not fit a JSON number). */
export const OplogId = z
  .string()
  .regex(OPLOG_ID_DIGITS, { error: 'must be an oplog id: a whole number as a decimal string' })
  // Zod runs this check after a failed regex too, and BigInt throws on what is not digits.
  .refine((id) => !OPLOG_ID_DIGITS.test(id) || BigInt(id) <= 9223372036854775807n, { error: 'must be at most 9223372036854775807' });

/** How many entries one read may return. */
export const OPLOG_READ_MAX = 1000;
export const OplogLimit = z.coerce
  .number({ error: 'must be a whole number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(OPLOG_READ_MAX, { error: `must be at most ${OPLOG_READ_MAX}` })
  .default(100);

// ---------- entities (public) ----------

export const EntitySourceBody = z.strictObject({ database_id: RecordId, collection: CollectionName });

export const CreateEntityBody = z.strictObject({
  name: EntityName,
  source: EntitySourceBody,
  columns: EntityShape,
  refresh_interval_seconds: RefreshIntervalSeconds.optional(),
});
export type CreateEntityBody = z.infer<typeof CreateEntityBody>;

/**
 * What may change: the shape (a new one scans the collection again: its cached rows hold the old
 * columns) and the refresh interval (null removes it).
 */
export const UpdateEntityBody = z
  .strictObject({ columns: EntityShape.optional(), refresh_interval_seconds: RefreshIntervalSeconds.nullable().optional() })
  .refine((body) => body.columns !== undefined || body.refresh_interval_seconds !== undefined, {
    error: 'must change columns or refresh_interval_seconds',
  });
export type UpdateEntityBody = z.infer<typeof UpdateEntityBody>;

/**
 * Why the capture of an entity's source fails, while it does (typed: a client acts on the reason, people read
 * the message; the driver's own text stays in entity-capture's log and readiness):
 * - `no_change_history`: the source has neither change streams nor a `local.oplog.rs`; nothing is captured
 *   until it gains one (a replica set, or FerretDB with the capped collection), and the entity stays `scanning`.
 * - `source_unreachable`: the source's server cannot be reached; the capture retries.
 * - `source_not_registered`: the source database is no longer in the registry.
 * - `capture_failed`: anything else (entity-capture's log says what).
 */
export const CAPTURE_ERROR_REASONS = ['no_change_history', 'source_unreachable', 'source_not_registered', 'capture_failed'] as const;
export const CaptureErrorReason = z.enum(CAPTURE_ERROR_REASONS);
export type CaptureErrorReason = z.infer<typeof CaptureErrorReason>;

export const CaptureErrorReport = z.strictObject({ reason: CaptureErrorReason, message: z.string().min(1).max(300) });
export type CaptureErrorReport = z.infer<typeof CaptureErrorReport>;

/** A capture error as an entity shows it: since when its source's capture fails this way. */
export const CaptureError = CaptureErrorReport.extend({ since: z.string() });
export type CaptureError = z.infer<typeof CaptureError>;

export const EntityView = z.object({
  name: EntityName,
  project_id: z.string(),
  source: z.object({ database_id: z.string(), collection: z.string() }),
  columns: EntityShape,
  /** Absent when the entity is refreshed only on request. */
  refresh_interval_seconds: z.number().int().optional(),
  state: EntityState,
  /** Raised by each recreate request: a replica whose cache is older rebuilds it. */
  cache_generation: z.number().int(),
  /** A soft refresh asked for (`POST /entities/:name/refresh?mode=soft`) that the capture has not done yet; absent when none is pending. */
  soft_refresh_requested_at: z.string().optional(),
  /** When the capture last finished a soft refresh asked for; absent before the first. */
  soft_refresh_done_at: z.string().optional(),
  /** Present while the capture of the entity's source fails (CaptureErrorReason); absent once it captures again. */
  capture_error: CaptureError.optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type EntityView = z.infer<typeof EntityView>;

export const EntityNameBody = z.strictObject({ name: EntityName });

/**
 * A refresh on request. `hard` (the default) rebuilds the entity from scratch: scanned again, the
 * documents the scan does not find deleted, which also finds deletes the capture missed. `soft` asks
 * the capture holding the lease to scan the collection again now, as upserts, while writes go on (what
 * `refresh_interval_seconds` schedules): cheaper, but it finds no missed delete.
 */
export const RefreshMode = z.enum(['hard', 'soft'], { error: "must be 'hard' or 'soft'" });
export type RefreshMode = z.infer<typeof RefreshMode>;
export const RefreshQuery = z.strictObject({ mode: RefreshMode.default('hard') });
export const RefreshEntityBody = z.strictObject({ name: EntityName, mode: RefreshMode });
export const RefreshAccepted = z.object({ entity: EntityName, mode: RefreshMode, requested_at: z.string() });

export const ListEntitiesQuery = z.strictObject({ project_id: RecordId.optional() });

// ---------- oplog reads (public) ----------

export const OplogQuery = z.strictObject({ after: OplogId.default('0'), limit: OplogLimit });
export const OplogReadBody = z.strictObject({ name: EntityName, after: OplogId.default('0'), limit: OplogLimit });

/** Several entities in one call: their entries merged in id order. */
export const OplogManyBody = z.strictObject({
  entities: z
    .array(EntityName)
    .min(1, { error: 'must name at least one entity' })
    .max(100, { error: 'must name at most 100 entities' })
    .refine((names) => new Set(names).size === names.length, { error: 'must not name an entity twice' }),
  after: OplogId.default('0'),
  limit: OplogLimit,
});

export const OplogPage = z.object({
  entries: z.array(OplogEntry),
  /** The id to ask `after` next: the last entry's, or `after` itself when there was none. */
  next_after: z.string(),
  /** The newest id of the oplog when read: the reader has everything once `next_after` reaches it. */
  last_id: z.string(),
});
export type OplogPage = z.infer<typeof OplogPage>;

// ---------- replication (public) ----------

export const ReplicaStats = z.object({
  replica: z.string(),
  applied_id: z.string(),
  lag_entries: z.number().int(),
  /** Seconds since the oldest entry the replica has not applied was written at the source; 0 when caught up. */
  lag_seconds: z.number(),
  cache_generation: z.number().int(),
  reported_at: z.string(),
});
export type ReplicaStats = z.infer<typeof ReplicaStats>;

export const ReplicationStats = z.object({
  entity: EntityName,
  /** The entity's newest oplog id ('0' when it has none). */
  last_id: z.string(),
  cache_generation: z.number().int(),
  replicas: z.array(ReplicaStats),
});
export type ReplicationStats = z.infer<typeof ReplicationStats>;

export const RecreateAccepted = z.object({ entity: EntityName, cache_generation: z.number().int(), requested_at: z.string() });

export const SystemStats = z.object({
  /** Of the entities the caller can see. */
  entities: z.object({ total: z.number().int(), scanning: z.number().int(), scanned: z.number().int() }),
  oplog: z.object({ entries: z.number().int(), staged: z.number().int(), last_id: z.string() }),
  replicas: z.array(z.object({ replica: z.string(), entities: z.number().int(), reported_at: z.string() })),
});
export type SystemStats = z.infer<typeof SystemStats>;

export const EntityRpc = {
  create: defineRpc('entity.rpc.entity.create', CreateEntityBody, EntityView),
  list: defineRpc('entity.rpc.entity.list', ListEntitiesQuery, z.object({ items: z.array(EntityView) })),
  get: defineRpc('entity.rpc.entity.get', EntityNameBody, EntityView),
  update: defineRpc('entity.rpc.entity.update', z.strictObject({ name: EntityName, changes: UpdateEntityBody }), EntityView),
  delete: defineRpc('entity.rpc.entity.delete', EntityNameBody, z.object({ deleted: z.boolean() })),
  oplog: defineRpc('entity.rpc.oplog.read', OplogReadBody, OplogPage),
  oplogMany: defineRpc('entity.rpc.oplog.read-many', OplogManyBody, OplogPage),
  replication: defineRpc('entity.rpc.replication.stats', EntityNameBody, ReplicationStats),
  recreate: defineRpc('entity.rpc.replication.recreate', EntityNameBody, RecreateAccepted),
  refresh: defineRpc('entity.rpc.entity.refresh', RefreshEntityBody, RefreshAccepted),
  stats: defineRpc('entity.rpc.system.stats', z.strictObject({}), SystemStats),
};

// ---------- internal: capture and replicators ----------

/** An entity as the capture and the replicators need it (every project's). */
export const EntitySpec = z.object({
  name: EntityName,
  database_id: z.string(),
  collection: z.string(),
  columns: EntityShape,
  state: EntityState,
  cache_generation: z.number().int(),
  refresh_interval_seconds: z.number().int().optional(),
  /** A soft refresh asked for and not done yet: the capture scans the collection again, then acknowledges it (softRefreshDone). */
  soft_refresh_requested_at: z.string().optional(),
  /** Changes when the entity goes back to scanning (hard refresh, new shape): the capture scans it again. */
  updated_at: z.string(),
});
export type EntitySpec = z.infer<typeof EntitySpec>;

/**
 * A source's resume position, saved by the capture after acknowledged batches: an oplog `ts` (FerretDB's
 * oplog, or the cluster time a change stream starts at) or a change stream's resume token.
 */
export const CapturePosition = z.union([
  z.strictObject({ t: z.number().int().min(0), i: z.number().int().min(0) }),
  z.strictObject({ _data: z.string().min(1).max(4096) }),
]);
export type CapturePosition = z.infer<typeof CapturePosition>;

/** At most this many changes per append: one message stays well under NATS's payload limit. */
export const APPEND_MAX = 2000;
/** The longest a replicator's read may wait for entries (below the bus's request timeout). */
export const READ_WAIT_MAX_MS = 5_000;

export const ReplicaProgress = z.strictObject({
  /** The replica's stable name (its pod or its CACHE_DIR). */
  replica: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  offset: OplogId,
  entities: z.array(z.strictObject({ entity: EntityName, applied_id: OplogId, cache_generation: z.number().int().min(0) })).max(10_000),
});
export type ReplicaProgress = z.infer<typeof ReplicaProgress>;

/**
 * The capture's fencing token: the epoch of the lease it holds (see `lease`). Every append, scan end and
 * position save carries it; entity-oplog refuses one whose epoch is not the lease's current one.
 */
export const CaptureEpoch = z.number().int().min(1);

/** `details.reason` of the CONFLICT entity-oplog answers to a write whose epoch is not the current one. */
export const STALE_CAPTURE_EPOCH = 'stale_capture_epoch';

export const CaptureLeaseRequest = z.strictObject({
  /** Unique per capture process (its name, pid and a random part): a restarted process is a new holder. */
  holder: z.string().regex(/^[A-Za-z0-9._:-]{1,160}$/),
  /** The epoch this holder holds, to renew it; absent (or not current) to take the lease if it is free or expired. */
  epoch: CaptureEpoch.optional(),
  ttl_ms: z.number().int().min(1000).max(600_000),
});
export const CaptureLeaseAnswer = z.object({
  held: z.boolean(),
  /** The holder's epoch when held; otherwise the current one (0 before any capture took the lease). */
  epoch: z.number().int().min(0),
  holder: z.string(),
  /** How long until the lease expires, on PostgreSQL's clock. */
  expires_in_ms: z.number().int(),
});
export type CaptureLeaseAnswer = z.infer<typeof CaptureLeaseAnswer>;

export const EntityInternalRpc = {
  /** Takes or renews the one capture lease: only its holder captures (see CaptureEpoch). */
  lease: defineRpc('entity.rpc.internal.lease', CaptureLeaseRequest, CaptureLeaseAnswer),
  /** A capture stopping cleanly ends its lease now: another takes over without waiting out the TTL. */
  releaseLease: defineRpc(
    'entity.rpc.internal.lease-release',
    z.strictObject({ holder: CaptureLeaseRequest.shape.holder, epoch: CaptureEpoch }),
    z.object({ released: z.boolean() }),
  ),
  /** Every entity: the capture watches their sources, the replicators build their caches. */
  specs: defineRpc('entity.rpc.internal.specs', z.strictObject({}), z.object({ items: z.array(EntitySpec) })),
  append: defineRpc(
    'entity.rpc.internal.append',
    z.strictObject({ epoch: CaptureEpoch, changes: z.array(OplogChange).max(APPEND_MAX) }),
    z.object({ oplog: z.number().int(), staged: z.number().int(), dropped: z.number().int() }),
  ),
  /** The capture saw the entity's collection dropped, renamed or its stream invalidated: rebuild it. */
  hardRefresh: defineRpc(
    'entity.rpc.internal.hard-refresh',
    z.strictObject({ entity: EntityName }),
    z.object({ outcome: z.enum(['started', 'already_scanning', 'not_found']) }),
  ),
  /**
   * The capture finished the soft refresh asked for at `requested_at` (a scan begun after it): the request
   * is cleared unless a newer one came meanwhile (that one is still to do). Fenced like the appends.
   */
  softRefreshDone: defineRpc(
    'entity.rpc.internal.soft-refresh-done',
    z.strictObject({ epoch: CaptureEpoch, entity: EntityName, requested_at: z.iso.datetime({ offset: true }) }),
    z.object({ cleared: z.boolean() }),
  ),
  finishScan: defineRpc(
    'entity.rpc.internal.finish-scan',
    z.strictObject({ epoch: CaptureEpoch, entity: EntityName }),
    z.object({ moved: z.number().int() }),
  ),
  position: defineRpc(
    'entity.rpc.internal.position',
    z.strictObject({ database_id: RecordId }),
    z.object({ position: CapturePosition.nullable() }),
  ),
  savePosition: defineRpc(
    'entity.rpc.internal.save-position',
    z.strictObject({ epoch: CaptureEpoch, database_id: RecordId, position: CapturePosition }),
    z.object({ saved: z.literal(true) }),
  ),
  /**
   * How the capture of one source goes: `error` while it fails, null once it captures again. Shown on the
   * source's entities (EntityView.capture_error). Fenced like the appends: only the lease's holder reports.
   */
  captureStatus: defineRpc(
    'entity.rpc.internal.capture-status',
    z.strictObject({ epoch: CaptureEpoch, database_id: RecordId, error: CaptureErrorReport.nullable() }),
    z.object({ recorded: z.literal(true) }),
  ),
  /** Every entity's entries after an offset: what a replicator applies (waiting for them when caught up). */
  read: defineRpc(
    'entity.rpc.internal.read',
    z.strictObject({
      after: OplogId,
      limit: z.number().int().min(1).max(5000),
      entities: z.array(EntityName).max(100).optional(),
      /** When nothing follows `after`: how long to wait for the next write to the oplog before answering (empty). */
      wait_ms: z.number().int().min(0).max(READ_WAIT_MAX_MS).optional(),
    }),
    OplogPage,
  ),
  report: defineRpc('entity.rpc.internal.report', ReplicaProgress, z.object({ recorded: z.literal(true) })),
};
