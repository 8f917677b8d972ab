import type { Provider } from '@nestjs/common';
import { TERMINAL_SYNC_STATUSES, type Actor, type SyncApproval, type SyncOnError, type SyncStatus } from '@ir/contracts';
import { Binary } from 'mongodb';
import { Connection, Schema, Types, type Model } from 'mongoose';
import { constants, deflateSync, inflateSync } from 'node:zlib';

export type { SyncStatus };
export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'not_run';
export type OperationKind = 'create' | 'drop' | 'modify';

/** Statuses that hold the database's lock. */
export const ACTIVE_STATUSES: readonly SyncStatus[] = ['awaiting_approval', 'pending', 'running'];
/** Statuses an executor may run: a sync awaiting approval is not, whatever command arrives for it. */
export const RUNNABLE_STATUSES: readonly SyncStatus[] = ['pending', 'running'];
export const isTerminal = (status: SyncStatus): boolean => TERMINAL_SYNC_STATUSES.includes(status);

/** The decision on a sync of a protected database, as stored. */
export interface StoredApproval {
  state: SyncApproval['state'];
  reasons: string[];
  decided_by?: Actor;
  decided_at?: Date;
  comment?: string;
}

/** One step of a sync, as packed into the sync's record (`packSteps`). */
/** Readonly: packSteps keeps each step's JSON while the object lives, so a step is replaced, never changed. */
export interface StoredStep {
  readonly number: number;
  readonly operation: string;
  readonly status: StepStatus;
  readonly error?: string;
  readonly note?: string;
  /** Skipped because this earlier step of the same change did not succeed. */
  readonly blocked_by?: number;
  readonly attempts: number;
  readonly duration_ms?: number;
  readonly started_at?: Date;
  readonly completed_at?: Date;
}

/** Who asked to cancel a sync, and when. */
export interface StoredCancellation {
  by: Actor;
  requested_at: Date;
  comment?: string;
}

/** One sync of a target database: its options, the plan's steps and what became of each. */
export interface SyncDocument {
  _id: Types.ObjectId;
  database_id: string;
  /** The database's project when the sync was asked for; absent on syncs recorded before projects. */
  project_id?: string | null;
  /** Who asked for it; absent on syncs recorded before projects. */
  requested_by?: Actor;
  /** Present when the sync needed approval. */
  approval?: StoredApproval;
  collections?: string[];
  status: SyncStatus;
  /** `on_error` is absent on syncs recorded before it (they stopped at the first failure). */
  options: { include?: OperationKind[]; hide_before_drop: boolean; on_error?: SyncOnError };
  dry_run: boolean;
  /** Set once someone asks to cancel the sync. */
  cancellation?: StoredCancellation;
  /** The sync this one retries. */
  retry_of?: string;
  /** The sync that retries this one. */
  retried_by?: string;
  /** Every step, packed (`packSteps`); null until the plan is stored. */
  steps_deflated: Binary | null;
  /** The steps of a record written before they were packed: read (`stepsOf`), never written. */
  steps?: StoredStep[];
  /** Set once the plan is stored: a plan of zero steps is a plan too. */
  planned_at?: Date | null;
  warnings: string[];
  error: string | null;
  progress: number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  duration_ms: number | null;
}

const SyncSchema = new Schema<SyncDocument>(
  {
    database_id: { type: String, required: true },
    project_id: { type: String, default: undefined },
    requested_by: { type: { _id: false, kind: String, id: String, name: String }, default: undefined },
    approval: {
      type: {
        _id: false,
        state: String,
        reasons: [String],
        decided_by: { type: { _id: false, kind: String, id: String, name: String }, default: undefined },
        decided_at: Date,
        comment: String,
      },
      default: undefined,
    },
    collections: { type: [String], default: undefined },
    status: { type: String, required: true },
    options: {
      include: { type: [String], default: undefined },
      hide_before_drop: { type: Boolean, required: true },
      on_error: { type: String, default: undefined },
    },
    dry_run: { type: Boolean, required: true },
    cancellation: {
      type: { _id: false, by: { _id: false, kind: String, id: String, name: String }, requested_at: Date, comment: String },
      default: undefined,
    },
    retry_of: { type: String, default: undefined },
    retried_by: { type: String, default: undefined },
    steps_deflated: { type: Buffer, default: null },
    planned_at: { type: Date, default: null },
    warnings: { type: [String], default: [] },
    error: { type: String, default: null },
    progress: { type: Number, default: 0 },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
    started_at: { type: Date, default: null },
    completed_at: { type: Date, default: null },
    duration_ms: { type: Number, default: null },
  },
  { versionKey: false, collection: 'syncs' },
);
// A database's history, newest first.
SyncSchema.index({ database_id: 1, created_at: -1 }, { name: 'database_history' });

export type SyncModel = Model<SyncDocument>;
export const SYNC_MODEL = 'Sync';

export function syncModel(connection: Connection): SyncModel {
  return (connection.models[SYNC_MODEL] as SyncModel | undefined) ?? connection.model<SyncDocument>(SYNC_MODEL, SyncSchema);
}

/** The model on the service's connection, for its repository. */
export const syncModelProvider: Provider = { provide: SYNC_MODEL, inject: [Connection], useFactory: syncModel };

type StepJson = Omit<StoredStep, 'started_at' | 'completed_at'> & { started_at?: string; completed_at?: string };

/**
 * A sync's steps, stored as one deflated JSON value. The record is rewritten every second while a
 * sync runs, and nothing queries inside its steps: packed, a plan of 200 creates is about 4 KB
 * instead of 70, and a server that reads every document of the collection to apply an update by
 * `_id` (FerretDB 1.x, measured: 1-2 ms instead of 20-35 ms beside 30 other syncs) stays fast.
 */
export function packSteps(steps: readonly StoredStep[]): Binary {
  const json = `[${steps.map(stepJson).join(',')}]`;
  return new Binary(deflateSync(json, { level: constants.Z_BEST_SPEED }));
}

/**
 * Each step's JSON, kept while its object lives: a running sync rewrites its record every second and
 * replaces only the steps that changed since (a step is never changed in place), so serializing all
 * 200 steps each time was most of the cost of a write (measured with the sync benchmark's profile:
 * serializing took longer than deflating). Deflate's fastest level packs 200 steps about 15% larger
 * than its default in a third less time.
 */
const stepJsonCache = new WeakMap<StoredStep, string>();

function stepJson(step: StoredStep): string {
  let json = stepJsonCache.get(step);
  if (json === undefined) {
    json = JSON.stringify(step);
    stepJsonCache.set(step, json);
  }
  return json;
}

export function unpackSteps(packed: Binary | Buffer | null | undefined): StoredStep[] {
  if (!packed) return [];
  const bytes = packed instanceof Binary ? packed.buffer : packed;
  const steps = JSON.parse(inflateSync(bytes).toString('utf8')) as StepJson[];
  return steps.map(({ started_at, completed_at, ...step }) => ({
    ...step,
    ...(started_at ? { started_at: new Date(started_at) } : {}),
    ...(completed_at ? { completed_at: new Date(completed_at) } : {}),
  }));
}

/** A record's steps, packed or, in a record written before steps were packed, as an array. */
export function stepsOf(doc: Pick<SyncDocument, 'steps_deflated' | 'steps'>): StoredStep[] {
  return doc.steps_deflated ? unpackSteps(doc.steps_deflated) : (doc.steps ?? []);
}
