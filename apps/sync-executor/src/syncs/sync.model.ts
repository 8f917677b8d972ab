import { Schema, Types, type Connection, type Model } from 'mongoose';

export type SyncStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** One sync of a target database (its steps and progress arrive with the sync feature). */
export interface SyncDocument {
  _id: Types.ObjectId;
  database_id: string;
  status: SyncStatus;
  created_at: Date;
  updated_at: Date;
}

const SyncSchema = new Schema<SyncDocument>(
  {
    database_id: { type: String, required: true },
    status: { type: String, required: true },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'syncs' },
);
// Answers "is a sync of this database pending or running?" and the per-database history.
SyncSchema.index({ database_id: 1, status: 1 }, { name: 'database_status' });

export type SyncModel = Model<SyncDocument>;
export const SYNC_MODEL = 'Sync';

export function syncModel(connection: Connection): SyncModel {
  return connection.model<SyncDocument>(SYNC_MODEL, SyncSchema);
}
