import type { Provider } from '@nestjs/common';
import { ROLES, type Role } from '@ir/contracts';
import { Connection, Schema, type Model } from 'mongoose';

/** An API key: one project, one role, an expiry. */
export interface ApiKeyDocument {
  /** The 8 hex digits after `irk_`: the key's public id. */
  _id: string;
  /** SHA-256 of the whole key, in hex: the key itself is never stored. */
  key_hash: string;
  name: string;
  project_id: string;
  role: Role;
  expires_at: Date;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  /** Written at most once a minute. */
  last_used_at: Date | null;
}

const ApiKeySchema = new Schema<ApiKeyDocument>(
  {
    _id: { type: String, required: true },
    key_hash: { type: String, required: true },
    name: { type: String, required: true },
    project_id: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    expires_at: { type: Date, required: true },
    created_by: { type: String, required: true },
    created_at: { type: Date, required: true },
    revoked_at: { type: Date, default: null },
    last_used_at: { type: Date, default: null },
  },
  { versionKey: false, collection: 'api_keys' },
);
ApiKeySchema.index({ key_hash: 1 }, { unique: true, name: 'key_hash_unique' });
ApiKeySchema.index({ project_id: 1, created_at: -1 }, { name: 'project_created' });

export type ApiKeyModel = Model<ApiKeyDocument>;
export const API_KEY_MODEL = 'ApiKey';

export function apiKeyModel(connection: Connection): ApiKeyModel {
  return connection.model<ApiKeyDocument>(API_KEY_MODEL, ApiKeySchema);
}

/** The model on the service's connection, for its repository. */
export const apiKeyModelProvider: Provider = { provide: API_KEY_MODEL, inject: [Connection], useFactory: apiKeyModel };
