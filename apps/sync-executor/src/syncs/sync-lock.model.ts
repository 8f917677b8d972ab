import type { Provider } from '@nestjs/common';
import { Connection, Schema, type Model } from 'mongoose';

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

/** The model on the service's connection, for its repository. */
export const syncLockModelProvider: Provider = { provide: SYNC_LOCK_MODEL, inject: [Connection], useFactory: syncLockModel };
