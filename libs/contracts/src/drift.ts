import { z } from 'zod';
import { Actor } from './access';
import { defineEvent, defineRpc } from './bus';
import { CollectionName } from './mongo-names';
import { ownRecord } from './own-record';
import { RecordId } from './registry';
import { Streams } from './streams';

const Collections = z.array(CollectionName).min(1, { error: 'give at least one collection' }).max(1000);
const JsonObject = ownRecord(z.string(), z.unknown());

// ---------- requests ----------

export const CompareByCollectionsBody = z.strictObject({ database_id: RecordId, collections: Collections });
export const CompareByDatabaseBody = z.strictObject({ database_id: RecordId });

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
  hide_before_drop: z.boolean().default(false),
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

export const CollectionComparison = z.object({
  collection: z.string(),
  status: z.enum(['ok', 'failed']),
  /** Why the collection could not be compared (permission, timeout, ...); the rest of the answer stands. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** The collection does not exist on the target (every DR index is then missing). */
  collection_exists: z.boolean(),
  missing: z.array(IndexForms),
  matched: z.array(z.object({ desired: IndexForms, real: RealIndexView, name_differs: z.boolean() })),
  redundant: z.array(RealIndexView),
  different: z.array(
    z.object({ desired: IndexForms, real: RealIndexView, matched_by: z.enum(['name', 'key']), differences: z.array(z.string()) }),
  ),
});
export type CollectionComparison = z.infer<typeof CollectionComparison>;

export const DriftTotals = z.object({
  collections: z.number().int(),
  failed_collections: z.number().int(),
  missing: z.number().int(),
  matched: z.number().int(),
  redundant: z.number().int(),
  different: z.number().int(),
});
export type DriftTotals = z.infer<typeof DriftTotals>;

export const CompareResult = z.object({
  database_id: z.string(),
  /** The database's project; absent on results stored before projects. */
  project_id: z.string().nullable().optional(),
  db_name: z.string(),
  source: z.enum(['live', 'snapshot']),
  compared_at: z.string(),
  /** Whether real indexes carry usage from $indexStats; when not, why. */
  usage: z.object({ supported: z.boolean(), reason: z.string().optional() }),
  totals: DriftTotals,
  collections: z.array(CollectionComparison),
});
export type CompareResult = z.infer<typeof CompareResult>;

export const PlanOperationView = z.object({
  kind: z.enum(['create', 'drop', 'modify', 'hide']),
  collection: z.string(),
  index: z.string(),
  reason: z.string(),
  spec: JsonObject.optional(),
  changes: z.object({ expireAfterSeconds: z.number().optional(), hidden: z.boolean().optional() }).optional(),
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
  script: z.string(),
});

export const DriftSnapshot = CompareResult.extend({ drift: z.boolean() });

export const ComparatorRpc = {
  compareCollections: defineRpc('comparator.rpc.drift.compare-collections', CompareByCollectionsBody, CompareResult),
  compareDatabase: defineRpc('comparator.rpc.drift.compare-database', CompareByDatabaseBody, CompareResult),
  compareSnapshot: defineRpc('comparator.rpc.drift.compare-snapshot', CompareSnapshotBody, CompareResult),
  plan: defineRpc('comparator.rpc.plan.build', PlanBody, PlanResult),
  script: defineRpc('comparator.rpc.script.generate', GenerateScriptBody, ScriptResult),
  latestDrift: defineRpc('comparator.rpc.drift.latest', CompareByDatabaseBody, DriftSnapshot),
};

// ---------- events ----------

const DriftChange = z.object({
  collection: z.string(),
  index: z.string(),
  change: z.enum(['missing', 'redundant', 'different']),
});

// `project_id` and `actor` are optional so that facts stored before projects still parse.
export const DriftDetected = z.object({
  database_id: z.string(),
  project_id: z.string().nullable().optional(),
  db_name: z.string(),
  compared_at: z.string(),
  totals: DriftTotals,
  /** Every index that is not matched, and how. */
  changes: z.array(DriftChange),
  /** Stable hash of `changes`: equal fingerprints mean the same drift. */
  fingerprint: z.string(),
  /** Whose compare found it: a user's, an API key's, or the comparator's own scheduled scan. */
  actor: Actor.optional(),
});
export type DriftDetected = z.infer<typeof DriftDetected>;

export const DriftResolved = z.object({
  database_id: z.string(),
  project_id: z.string().nullable().optional(),
  db_name: z.string(),
  compared_at: z.string(),
  actor: Actor.optional(),
});

export const DriftEvents = {
  detected: defineEvent('drift.evt.database.detected', Streams.driftEvents.name, DriftDetected),
  resolved: defineEvent('drift.evt.database.resolved', Streams.driftEvents.name, DriftResolved),
};
