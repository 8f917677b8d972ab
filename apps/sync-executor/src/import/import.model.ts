import type { Provider } from '@nestjs/common';
import type { Actor, ImportResult, ImportStatus, ImportView } from '@ir/contracts';
import { Connection, Schema, Types, type Model } from 'mongoose';

export interface ImportDocument {
  _id: Types.ObjectId;
  database_id: string;
  project_id: string | null;
  trigger: ImportView['trigger'];
  requested_by: Actor | null;
  status: ImportStatus;
  dry_run: boolean;
  on_conflict: ImportView['on_conflict'];
  collections?: string[];
  result?: ImportResult;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const ImportSchema = new Schema<ImportDocument>(
  {
    database_id: { type: String, required: true },
    project_id: { type: String, default: null },
    trigger: { type: String, required: true },
    // An Actor ({kind, id, name}) or null: written whole, never queried by its parts.
    requested_by: { type: Schema.Types.Mixed, default: null },
    status: { type: String, required: true },
    dry_run: { type: Boolean, required: true },
    on_conflict: { type: String, required: true },
    collections: { type: [String], default: undefined },
    result: { type: Schema.Types.Mixed, default: undefined },
    error: { type: String, default: null },
    created_at: { type: Date, required: true },
    finished_at: { type: Date, default: null },
  },
  { versionKey: false, collection: 'imports', minimize: false },
);
// A database's imports, newest first.
ImportSchema.index({ database_id: 1, created_at: -1 }, { name: 'database_history' });

export type ImportModel = Model<ImportDocument>;
export const IMPORT_MODEL = 'Import';

export function importModel(connection: Connection): ImportModel {
  return (connection.models[IMPORT_MODEL] as ImportModel | undefined) ?? connection.model<ImportDocument>(IMPORT_MODEL, ImportSchema);
}

/** The model on the service's connection, for its repository. */
export const importModelProvider: Provider = { provide: IMPORT_MODEL, inject: [Connection], useFactory: importModel };
