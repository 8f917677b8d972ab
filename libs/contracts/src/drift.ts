import { z } from 'zod';
import { Actor } from './access';
import { defineEvent, defineRpc } from './bus';
import { IndexChangesSchema } from './index-definition';
import { CollectionName } from './mongo-names';
import { ownRecord } from './own-record';
import { MAX_PAGE_SIZE } from './pagination';
import { RecordId } from './registry';
import { Streams } from './streams';
import { TargetServerView } from './target-server';

const Collections = z.array(CollectionName).min(1, { error: 'give at least one collection' }).max(1000);
const JsonObject = ownRecord(z.string(), z.unknown());

// ---------- requests ----------

export const CompareByCollectionsBody = z.strictObject({ database_id: RecordId, collections: Collections });
export const CompareByDatabaseBody = z.strictObject({ database_id: RecordId });

/** `full`: every index in both forms (the original contract's answer); `summary`: counts, and only what is not matched, each index once. */
export const CompareView = z.enum(['full', 'summary']);
export type CompareView = z.infer<typeof CompareView>;
/** The query string of the compare routes. */
export const CompareQuery = z.strictObject({
  view: CompareView.default('full').describe(
    'full (default): every index in canonical and MongoDB form; summary: counts per collection and only what is not matched',
  ),
});
/** On the bus, the view travels with the body (the HTTP body itself stays the original contract's). */
const WithView = { view: CompareView.default('full') };

/**
 * An offline snapshot: each collection's indexes as mongosh's getIndexes()
 * prints them, in Extended JSON, for databases the service cannot reach.
 */
export const CompareSnapshotBody = z.strictObject({
  database_id: RecordId,
  collections: z
    .array(z.strictObject({ name: CollectionName, indexes: z.array(JsonObject).max(64, { error: 'at most 64 indexes per collection' }) }))
    .min(1)
    .max(1000),
});

export const OperationKind = z.enum(['create', 'drop', 'modify']);
export const PlanBody = z.strictObject({
  database_id: RecordId,
  collections: Collections.optional(),
  /** Which kinds of operation to include (default: all). */
  include: z.array(OperationKind).min(1).optional(),
  /** Hide redundant indexes instead of dropping them, so a slow query can be fixed by unhiding. */
  hide_before_drop: z.boolean().default(false),
});
export type PlanBody = z.output<typeof PlanBody>;

export const ScriptMode = z.enum(['create', 'drop', 'both', 'plan']);
export const GenerateScriptBody = z.strictObject({
  database_id: RecordId,
  collections: Collections.optional(),
  /** create: every DR index; drop: the redundant ones; both / plan: the plan against the live database. */
  mode: ScriptMode,
  /** Hide redundant indexes (the default: unhiding is instant, a rebuild is not); `false` drops them outright. */
  hide_before_drop: z.boolean().default(true),
  /** A redundant index is hidden or dropped only when `$indexStats` has counted no use for at least this many days. */
  unused_days: z.number().int().min(0).max(3650).default(7),
  /** Hide or drop redundant indexes even when they are used or their use cannot be read. */
  force_drop: z.boolean().default(false),
  /** After a failed step: stop (later steps are reported as not run), or continue with the steps that do not depend on it. */
  on_error: z.enum(['stop', 'continue']).default('stop'),
  /** The script refuses to run unless the connection names this host or host:port (of the connection string or the replica set). */
  expected_host: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\s,/?@]+$/, { error: 'a host or host:port' })
    .optional(),
  /** The script refuses to run unless the server is a member of this replica set. */
  expected_replica_set: z.string().min(1).max(255).optional(),
});
export type GenerateScriptBody = z.output<typeof GenerateScriptBody>;

// ---------- answers ----------

/** One index in both forms: the canonical one that comparison uses, and MongoDB's own (createIndexes / listIndexes). */
export const IndexForms = z.object({ name: z.string(), canonical: JsonObject, mongodb: JsonObject });

export const IndexUsage = z.object({ ops: z.number(), since: z.string().nullable() });

export const RealIndexView = IndexForms.extend({
  usage: IndexUsage.optional(),
  /** Redundant and unused for at least the configured number of days. */
  safe_drop_candidate: z.boolean().optional(),
});

/** One differing option with both its values, as compared (canonical form); null where one side has none. */
export const OptionValues = z.object({ option: z.string(), dr: z.unknown(), target: z.unknown() });
export type OptionValues = z.infer<typeof OptionValues>;

/**
 * `ok`: compared; `failed`: could not be read (see `error`); `not_found`: the target has no such
 * collection and the DR no definitions for it (a misspelt name?), so there is nothing to compare
 * and nothing is recorded as drift for it.
 */
export const CollectionStatus = z.enum(['ok', 'failed', 'not_found']);

export const CollectionComparison = z.object({
  collection: z.string(),
  status: CollectionStatus,
  /** Why the collection could not be compared (permission, timeout, ...); the rest of the answer stands. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** The collection does not exist on the target (every DR index is then missing). */
  collection_exists: z.boolean(),
  missing: z.array(IndexForms),
  matched: z.array(z.object({ desired: IndexForms, real: RealIndexView, name_differs: z.boolean() })),
  redundant: z.array(RealIndexView),
  different: z.array(
    z.object({
      desired: IndexForms,
      real: RealIndexView,
      matched_by: z.enum(['name', 'key']),
      /** The names of the differing options (`key`, `textWeights`, option names, `name`). */
      differences: z.array(z.string()),
      /** Each differing option with the DR's value and the target's; absent on results stored before it. */
      values: z.array(OptionValues).optional(),
    }),
  ),
});
export type CollectionComparison = z.infer<typeof CollectionComparison>;

export const DriftTotals = z.object({
  collections: z.number().int(),
  failed_collections: z.number().int(),
  /** Collections neither on the target nor in the DR (status `not_found`). */
  not_found_collections: z.number().int(),
  missing: z.number().int(),
  /** Every matched index, `name_differs` ones included. */
  matched: z.number().int(),
  /** Matched indexes whose real name is not the DR's. */
  name_differs: z.number().int(),
  redundant: z.number().int(),
  different: z.number().int(),
});
export type DriftTotals = z.infer<typeof DriftTotals>;

/** The database, as every compare answer names it. */
const ComparedDatabase = {
  database_id: z.string(),
  /** The database's registered name; absent on results stored before it. */
  database_name: z.string().optional(),
  /** The database's project; absent on results stored before projects. */
  project_id: z.string().nullable().optional(),
  db_name: z.string(),
};

export const CompareResult = z.object({
  ...ComparedDatabase,
  source: z.enum(['live', 'snapshot']),
  compared_at: z.string(),
  /** Whether real indexes carry usage from $indexStats; when not, why. */
  usage: z.object({ supported: z.boolean(), reason: z.string().optional() }),
  /** The target's server and version (live compares). */
  target: TargetServerView.optional(),
  totals: DriftTotals,
  collections: z.array(CollectionComparison),
});
export type CompareResult = z.infer<typeof CompareResult>;

/** An index in MongoDB's own form (createIndexes / listIndexes), as the summary lists it once. */
const SummaryIndex = z.object({ name: z.string(), spec: JsonObject });

/** One collection in the summary view: its counts, and only what is not matched. */
export const CollectionSummary = z.object({
  collection: z.string(),
  status: CollectionStatus,
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  collection_exists: z.boolean(),
  counts: z.object({
    missing: z.number().int(),
    matched: z.number().int(),
    name_differs: z.number().int(),
    redundant: z.number().int(),
    different: z.number().int(),
  }),
  /** In the DR, not on the target: the DR's spec. */
  missing: z.array(SummaryIndex),
  /** On the target, not in the DR: the target's spec. */
  redundant: z.array(SummaryIndex.extend({ usage: IndexUsage.optional(), safe_drop_candidate: z.boolean().optional() })),
  /** The same index by name or key, with other options: each differing option with both values. */
  different: z.array(
    z.object({ name: z.string(), target_name: z.string(), matched_by: z.enum(['name', 'key']), values: z.array(OptionValues) }),
  ),
  /** Matched, under another name on the target. */
  name_differs: z.array(z.object({ name: z.string(), target_name: z.string() })),
});
export type CollectionSummary = z.infer<typeof CollectionSummary>;

export const CompareSummary = z.object({
  ...ComparedDatabase,
  view: z.literal('summary'),
  source: z.enum(['live', 'snapshot']),
  compared_at: z.string(),
  usage: z.object({ supported: z.boolean(), reason: z.string().optional() }),
  totals: DriftTotals,
  collections: z.array(CollectionSummary),
});
export type CompareSummary = z.infer<typeof CompareSummary>;

/** A compare's answer, in the view asked for (the summary first: a full result has no `view`). */
export const CompareAnswer = z.union([CompareSummary, CompareResult]);

export const PlanOperationView = z.object({
  kind: z.enum(['create', 'drop', 'modify', 'hide']),
  collection: z.string(),
  index: z.string(),
  reason: z.string(),
  spec: JsonObject.optional(),
  changes: IndexChangesSchema.optional(),
  step: z.string().optional(),
  /** For steps of a rebuild: the step is already done when an index with this spec exists (so a rerun skips it). */
  done_when: JsonObject.optional(),
  /** Why the target will refuse this step (its server or version cannot build or hide it); absent when it can run. */
  unsupported: z.string().optional(),
});
export type PlanOperationView = z.infer<typeof PlanOperationView>;

export const PlanResult = z.object({
  database_id: z.string(),
  db_name: z.string(),
  planned_at: z.string(),
  /** The target's server and version, which decided the steps marked `unsupported`. */
  target: TargetServerView.optional(),
  operations: z.array(PlanOperationView),
  warnings: z.array(z.string()),
  /** Collections that could not be read: the plan leaves them alone. */
  skipped_collections: z.array(z.object({ collection: z.string(), reason: z.string() })),
});
export type PlanResult = z.infer<typeof PlanResult>;

export const ScriptResult = z.object({
  database_id: z.string(),
  db_name: z.string(),
  mode: ScriptMode,
  operations: z.number().int(),
  /** The plan in numbers, as the script's header says it: creates and drops of single indexes, hides, rebuilds, ... */
  summary: z.object({
    steps: z.number().int(),
    creates: z.number().int(),
    drops: z.number().int(),
    hides: z.number().int(),
    modifies: z.number().int(),
    rebuilds: z.number().int(),
    unsupported: z.number().int(),
  }),
  script: z.string(),
});

export const DriftSnapshot = CompareResult.extend({ drift: z.boolean() });

/**
 * The fleet overview's drift states, as an SRE triages: `drifted` has indexes to fix (missing,
 * redundant or different); `failed` could not read some collections at its last compare (its counts
 * cover only the others: a broken credential or an unreachable target hides drift); `in_sync` is
 * the all-clear, every collection read and nothing to fix. A drifted database whose compare also
 * failed for some collections is both `drifted` and `failed`. Databases never compared are not in
 * the overview (the registry lists them; the comparator knows only what it compared).
 */
export const FleetDriftState = z.enum(['drifted', 'failed', 'in_sync']);
export type FleetDriftState = z.infer<typeof FleetDriftState>;

/** `GET /drift`: one page of the fleet's latest drift, by database id. */
export const FleetDriftQuery = z.strictObject({
  project_id: RecordId.optional().describe('only the databases of this project (404 if the caller does not see it)'),
  state: FleetDriftState.optional().describe(
    'drifted: indexes to fix; failed: some collections could not be read; in_sync: every collection read, nothing to fix',
  ),
  after: RecordId.optional().describe('the next_after of the previous page: the page starts after this database id'),
  limit: z.coerce
    .number()
    .int()
    .min(1, { error: 'must be 1 or more' })
    .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` })
    .default(50)
    .describe(`databases per page (default 50, at most ${MAX_PAGE_SIZE})`),
});
export type FleetDriftQuery = z.output<typeof FleetDriftQuery>;

/** One database in the overview: who it is, what its last compare counted, and when. */
export const FleetDriftItem = z.object({
  database_id: z.string(),
  /** The registered name as of the last compare; null for a result stored before names were kept. */
  database_name: z.string().nullable(),
  /** Null for a result stored before projects (only system administrators see those). */
  project_id: z.string().nullable(),
  db_name: z.string().nullable(),
  /** Any index missing, redundant or different. */
  drift: z.boolean(),
  /** Some collections could not be read at the last compare (see `totals.failed_collections`). */
  failed: z.boolean(),
  totals: DriftTotals,
  compared_at: z.string(),
});
export type FleetDriftItem = z.infer<typeof FleetDriftItem>;

/**
 * A page of the overview. No total: on the embedded store a count reads every snapshot again; the
 * next page is asked with `after=<next_after>`, null on the last page.
 */
export const FleetDriftPage = z.object({ items: z.array(FleetDriftItem), limit: z.number().int(), next_after: z.string().nullable() });
export type FleetDriftPage = z.infer<typeof FleetDriftPage>;

export const ComparatorRpc = {
  compareCollections: defineRpc('comparator.rpc.drift.compare-collections', CompareByCollectionsBody.extend(WithView), CompareAnswer),
  compareDatabase: defineRpc('comparator.rpc.drift.compare-database', CompareByDatabaseBody.extend(WithView), CompareAnswer),
  compareSnapshot: defineRpc('comparator.rpc.drift.compare-snapshot', CompareSnapshotBody.extend(WithView), CompareAnswer),
  plan: defineRpc('comparator.rpc.plan.build', PlanBody, PlanResult),
  script: defineRpc('comparator.rpc.script.generate', GenerateScriptBody, ScriptResult),
  latestDrift: defineRpc('comparator.rpc.drift.latest', CompareByDatabaseBody, DriftSnapshot),
  fleetDrift: defineRpc('comparator.rpc.drift.fleet', FleetDriftQuery, FleetDriftPage),
};

// ---------- events ----------

export const DriftChange = z.object({
  collection: z.string(),
  index: z.string(),
  change: z.enum(['missing', 'redundant', 'different']),
});
export type DriftChange = z.infer<typeof DriftChange>;

/** What changed since the database's previous drift event (its first: every change appeared). */
export const DriftSincePrevious = z.object({
  /** Indexes newly missing, redundant or different (an index that went from one to another shows here and in `resolved`). */
  appeared: z.array(DriftChange),
  /** Indexes the previous event reported that are no longer so. */
  resolved: z.array(DriftChange),
});
export type DriftSincePrevious = z.infer<typeof DriftSincePrevious>;

/**
 * Version 1 of the drift events. Fields are only ever added, and each added one is optional, so
 * that facts stored before it still parse: `project_id` and `actor` (projects), `database_name`
 * and `since_previous` (issue 12), and the totals' `name_differs` and `not_found_collections`.
 */
const DriftEventBase = {
  database_id: z.string(),
  project_id: z.string().nullable().optional(),
  /** The database's registered name (`db_name` is the name of the database on its server). */
  database_name: z.string().optional(),
  db_name: z.string(),
  compared_at: z.string(),
  /** Whose compare it was: a user's, an API key's, or the comparator's own (kind `service`: scheduled and registry-triggered scans). */
  actor: Actor.optional(),
  /** Absent when the previous state is not known (it was stored before this field). */
  since_previous: DriftSincePrevious.optional(),
};

export const DriftDetected = z.object({
  ...DriftEventBase,
  totals: DriftTotals.partial({ name_differs: true, not_found_collections: true }),
  /** Every index that is not matched, and how. */
  changes: z.array(DriftChange),
  /** Stable hash of `changes`: equal fingerprints mean the same drift. */
  fingerprint: z.string(),
});
export type DriftDetected = z.infer<typeof DriftDetected>;

export const DriftResolved = z.object(DriftEventBase);
export type DriftResolved = z.infer<typeof DriftResolved>;

export const DriftEvents = {
  detected: defineEvent('drift.evt.database.detected', Streams.driftEvents.name, DriftDetected),
  resolved: defineEvent('drift.evt.database.resolved', Streams.driftEvents.name, DriftResolved),
};
