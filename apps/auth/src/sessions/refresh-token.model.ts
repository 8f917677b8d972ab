import type { SessionRevoked } from '@ir/contracts';
import type { Provider } from '@nestjs/common';
import { Connection, Schema, type Model } from 'mongoose';

/**
 * One refresh token. Tokens of one login form a family (the session): each use
 * marks the token used and issues its successor; a used token presented again
 * means it was stolen, and the whole family is revoked.
 */
export interface RefreshTokenDocument {
  /** SHA-256 of the token: the token itself is never stored. */
  _id: string;
  family_id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  /** Why the family was revoked, so a later re-announcement of the revocation can say so. */
  revoked_reason?: SessionRevoked['reason'] | null;
}

const RefreshTokenSchema = new Schema<RefreshTokenDocument>(
  {
    _id: { type: String, required: true },
    family_id: { type: String, required: true },
    user_id: { type: String, required: true },
    created_at: { type: Date, required: true },
    expires_at: { type: Date, required: true },
    used_at: { type: Date, default: null },
    revoked_at: { type: Date, default: null },
    revoked_reason: { type: String, default: null },
  },
  { versionKey: false, collection: 'refresh_tokens' },
);
RefreshTokenSchema.index({ family_id: 1 }, { name: 'family' });
RefreshTokenSchema.index({ expires_at: 1 }, { name: 'expiry_ttl', expireAfterSeconds: 0 });

export type RefreshTokenModel = Model<RefreshTokenDocument>;
export const REFRESH_TOKEN_MODEL = 'RefreshToken';

export function refreshTokenModel(connection: Connection): RefreshTokenModel {
  return connection.model<RefreshTokenDocument>(REFRESH_TOKEN_MODEL, RefreshTokenSchema);
}

/** The model on the service's connection, for its repository. */
export const refreshTokenModelProvider: Provider = { provide: REFRESH_TOKEN_MODEL, inject: [Connection], useFactory: refreshTokenModel };
