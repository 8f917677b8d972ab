import type { Provider } from '@nestjs/common';
import { Connection, Schema, Types, type Model } from 'mongoose';
import type { SealedSecret } from '@ir/target-pool';

/** A target database: where the real indexes live. The URI is stored sealed, and redacted for display. */
export interface DatabaseDocument {
  _id: Types.ObjectId;
  /** Its project (auth's id). Absent only on a database registered before projects, until it moves into the default project. */
  project_id?: string;
  name: string;
  /** Lower-cased name: names are unique within a project regardless of case. */
  name_key: string;
  description: string;
  uri_sealed: SealedSecret;
  uri_redacted: string;
  db_name: string;
  /** Syncs that drop, hide or rebuild an index wait for a second person's approval. */
  protected: boolean;
  /**
   * Bumped on every change to the database's index definitions, so a service
   * that caches them (the comparator) knows when its copy is stale.
   */
  definitions_version: number;
  /** Who its server is, as last seen (see database-server.ts); absent until it has been seen. */
  server?: DatabaseServerRecord;
  created_at: Date;
  updated_at: Date;
}

/** The server behind a database: its kind, its own version, the MongoDB version whose rules apply, when it was seen. */
export interface DatabaseServerRecord {
  kind: 'mongodb' | 'ferretdb';
  version: string | null;
  mongodb_version: string | null;
  seen_at: Date;
}

const DatabaseServerSchema = new Schema<DatabaseServerRecord>(
  {
    kind: { type: String, required: true },
    version: { type: String, default: null },
    mongodb_version: { type: String, default: null },
    seen_at: { type: Date, required: true },
  },
  { _id: false },
);

const SealedSecretSchema = new Schema<SealedSecret>(
  {
    key_id: { type: String, required: true },
    iv: { type: String, required: true },
    tag: { type: String, required: true },
    data: { type: String, required: true },
  },
  { _id: false },
);

const DatabaseSchema = new Schema<DatabaseDocument>(
  {
    project_id: { type: String },
    name: { type: String, required: true },
    name_key: { type: String, required: true },
    description: { type: String, default: '' },
    uri_sealed: { type: SealedSecretSchema, required: true },
    uri_redacted: { type: String, required: true },
    db_name: { type: String, required: true },
    protected: { type: Boolean, default: false },
    definitions_version: { type: Number, default: 0 },
    server: { type: DatabaseServerSchema, required: false },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'databases' },
);
DatabaseSchema.index({ project_id: 1, name_key: 1 }, { unique: true, name: 'name_unique_in_project' });

/** The index names were unique across all databases by before projects; it is dropped at start (see the repository). */
export const LEGACY_NAME_INDEX = 'name_unique';

export type DatabaseModel = Model<DatabaseDocument>;
export const DATABASE_MODEL = 'Database';

export function databaseModel(connection: Connection): DatabaseModel {
  return connection.model<DatabaseDocument>(DATABASE_MODEL, DatabaseSchema);
}

/** The model on the service's connection, for its repository. */
export const databaseModelProvider: Provider = { provide: DATABASE_MODEL, inject: [Connection], useFactory: databaseModel };
