import type { Binary } from 'mongodb';
import { Schema, Types, type Connection, type Model } from 'mongoose';

export type SyncStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';
export type OperationKind = 'create' | 'drop' | 'modify';

export const ACTIVE_STATUSES: readonly SyncStatus[] = ['pending', 'running'];
export const isTerminal = (status: SyncStatus): boolean => !ACTIVE_STATUSES.includes(status);

/** One step of a sync, as packed into the sync's record (`packSteps`). */
export interface StoredStep {
  number: number;
  operation: string;
  status: StepStatus;
  error?: string;
  note?: string;
  attempts: number;
  duration_ms?: number;
  started_at?: Date;
  completed_at?: Date;
}

/** One sync of a target database: its options, the plan's steps and what became of each. */
export interface SyncDocument {
  _id: Types.ObjectId;
  database_id: string;
  collections?: string[];
  status: SyncStatus;
  options: { include?: OperationKind[]; hide_before_drop: boolean };
  dry_run: boolean;
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
    collections: { type: [String], default: undefined },
    status: { type: String, required: true },
    options: {
      include: { type: [String], default: undefined },
      hide_before_drop: { type: Boolean, required: true },
    },
    dry_run: { type: Boolean, required: true },
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

/**
 * The per-database lock: `_id` is the database id, so taking it is one insert, which is atomic on
 * every server (a conditional findOneAndUpdate is not atomic on FerretDB 1.x).
 */
export interface SyncLockDocument {
  _id: string;
  sync_id: string;
  expires_at: Date;
  created_at: Date;
}

const SyncLockSchema = new Schema<SyncLockDocument>(
  {
    _id: { type: String, required: true },
    sync_id: { type: String, required: true },
    expires_at: { type: Date, required: true },
    created_at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'sync_locks' },
);

export type SyncLockModel = Model<SyncLockDocument>;
export const SYNC_LOCK_MODEL = 'SyncLock';

export function syncLockModel(connection: Connection): SyncLockModel {
  return (
    (connection.models[SYNC_LOCK_MODEL] as SyncLockModel | undefined) ?? connection.model<SyncLockDocument>(SYNC_LOCK_MODEL, SyncLockSchema)
  );
}
