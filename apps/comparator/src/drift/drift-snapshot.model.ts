import type { Provider } from '@nestjs/common';
import type { DriftChange, DriftTotals } from '@ir/contracts';
import { Binary } from 'mongodb';
import { Connection, Schema, type Model } from 'mongoose';
import { deflateSync, inflateSync } from 'node:zlib';

/**
 * The latest comparison of one database: per collection, merged from every
 * compare (a compare of some collections replaces just those). The result is
 * kept as JSON text because it holds MongoDB forms with `$` operators and dotted keys.
 */
export interface DriftSnapshotDocument {
  /** The registry's database id. */
  _id: string;
  /** Optimistic concurrency: two compares of one database merge, they do not overwrite each other. */
  version: number;
  compared_at: Date;
  result_deflated: Binary;
  /** SHA-256 of the result's JSON without `compared_at`: an unchanged result is not written again. Absent on older records. */
  result_hash?: string;
  drift: boolean;
  fingerprint: string;
  /** The indexes the database's last drift event reported (none after a resolved one), to tell what changed since. Absent on older records. */
  announced_changes?: DriftChange[];
  /**
   * The database as the last compare named it, and that compare's counts: what the fleet overview
   * lists, read without the body. Absent on records stored before the overview until the backfill
   * at start has counted them from the body.
   */
  project_id?: string | null;
  database_name?: string | null;
  db_name?: string | null;
  totals?: DriftTotals;
}

const DriftSnapshotSchema = new Schema<DriftSnapshotDocument>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    compared_at: { type: Date, required: true },
    result_deflated: { type: Buffer, required: true },
    result_hash: { type: String },
    drift: { type: Boolean, required: true },
    fingerprint: { type: String, required: true },
    // Mixed: `collection` is a name mongoose reserves for schema paths.
    announced_changes: { type: [Schema.Types.Mixed], default: undefined },
    project_id: { type: String },
    database_name: { type: String },
    db_name: { type: String },
    totals: {
      type: new Schema(
        {
          collections: Number,
          failed_collections: Number,
          not_found_collections: Number,
          missing: Number,
          matched: Number,
          name_differs: Number,
          redundant: Number,
          different: Number,
        },
        { _id: false },
      ),
    },
  },
  { versionKey: false, collection: 'drift_snapshots' },
);
// The overview's pages: by database id within the caller's projects. The state is left to filter
// within them: an index per state would cost every record (each scan writes every snapshot) more
// than it saves a read, and FerretDB's SQLite backend, which uses none of them, would pay it too.
DriftSnapshotSchema.index({ project_id: 1, _id: 1 });

export type DriftSnapshotModel = Model<DriftSnapshotDocument>;
export const DRIFT_SNAPSHOT_MODEL = 'DriftSnapshot';

export function driftSnapshotModel(connection: Connection): DriftSnapshotModel {
  return connection.model<DriftSnapshotDocument>(DRIFT_SNAPSHOT_MODEL, DriftSnapshotSchema);
}

/** The model on the service's connection, for its repository. */
export const driftSnapshotModelProvider: Provider = { provide: DRIFT_SNAPSHOT_MODEL, inject: [Connection], useFactory: driftSnapshotModel };

/** A result's JSON as stored: deflated, a fraction of its size. */
export function packResult(json: string): Binary {
  return new Binary(deflateSync(json));
}

/** The JSON of a stored result. */
export function unpackResult(packed: Binary): string {
  return inflateSync(packed.buffer).toString('utf8');
}
