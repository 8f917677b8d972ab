import type { Provider } from '@nestjs/common';
import { Connection, Schema, Types, type Model } from 'mongoose';

/**
 * That a guarded manifest apply (If-Match) took a version of a database's definitions to change it.
 * The unique index lets exactly one of two applies holding the same ETag go on, on every server:
 * FerretDB 1.x runs a conditional update as read-then-write, so two at once would both match.
 */
export interface ManifestClaimDocument {
  _id: Types.ObjectId;
  database_id: Types.ObjectId;
  version: number;
  at: Date;
}

const ManifestClaimSchema = new Schema<ManifestClaimDocument>(
  {
    database_id: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'manifest_claims' },
);
ManifestClaimSchema.index({ database_id: 1, version: 1 }, { unique: true, name: 'database_version_unique' });

export type ManifestClaimModel = Model<ManifestClaimDocument>;
export const MANIFEST_CLAIM_MODEL = 'ManifestClaim';

/** The model on the service's connection, for its repository. */
export const manifestClaimModelProvider: Provider = {
  provide: MANIFEST_CLAIM_MODEL,
  inject: [Connection],
  useFactory: (connection: Connection): ManifestClaimModel =>
    connection.model<ManifestClaimDocument>(MANIFEST_CLAIM_MODEL, ManifestClaimSchema),
};
