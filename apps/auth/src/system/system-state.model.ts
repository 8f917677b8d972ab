import type { Provider } from '@nestjs/common';
import { Connection, Schema, type Model } from 'mongoose';

/** The one document's id: inserting it is how exactly one user becomes the first administrator. */
export const FIRST_ADMIN_CLAIM = 'first_admin';

/**
 * Who became the system's first administrator and which project is the default one. Claimed by the
 * insert of a document with a fixed id, which only one registration can win; completed (the user made
 * system administrator, the default project created with them as its admin) by steps each safe to
 * repeat, so a crash between claim and completion is finished at the next start.
 */
export interface SystemStateDocument {
  _id: typeof FIRST_ADMIN_CLAIM;
  first_admin_id: string;
  default_project_id: string;
  claimed_at: Date;
  completed_at: Date | null;
}

const SystemStateSchema = new Schema<SystemStateDocument>(
  {
    _id: { type: String, required: true },
    first_admin_id: { type: String, required: true },
    default_project_id: { type: String, required: true },
    claimed_at: { type: Date, required: true },
    completed_at: { type: Date, default: null },
  },
  { versionKey: false, collection: 'system_state' },
);

export type SystemStateModel = Model<SystemStateDocument>;
export const SYSTEM_STATE_MODEL = 'SystemState';

export function systemStateModel(connection: Connection): SystemStateModel {
  return connection.model<SystemStateDocument>(SYSTEM_STATE_MODEL, SystemStateSchema);
}

/** The model on the service's connection, for its repository. */
export const systemStateModelProvider: Provider = { provide: SYSTEM_STATE_MODEL, inject: [Connection], useFactory: systemStateModel };
