import type { Provider } from '@nestjs/common';
import { ROLES, type Role } from '@ir/contracts';
import { Connection, Schema, Types, type Model } from 'mongoose';

/** An invitation to register (and, with a project, to join it), for one email address; used once. */
export interface InvitationDocument {
  /** An ObjectId in hex: the id lists show and revocation takes. */
  _id: string;
  /** SHA-256 of the token: the token itself is never stored. */
  token_hash: string;
  /** Lower-cased: the only address that may use it. */
  email: string;
  /** Null: an invitation into the system only (system administrators). */
  project_id: string | null;
  role: Role | null;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by: string | null;
  revoked_at: Date | null;
}

const InvitationSchema = new Schema<InvitationDocument>(
  {
    _id: { type: String, required: true },
    token_hash: { type: String, required: true },
    email: { type: String, required: true },
    project_id: { type: String, default: null },
    role: { type: String, enum: [...ROLES, null], default: null },
    created_by: { type: String, required: true },
    created_at: { type: Date, required: true },
    expires_at: { type: Date, required: true },
    accepted_at: { type: Date, default: null },
    accepted_by: { type: String, default: null },
    revoked_at: { type: Date, default: null },
  },
  { versionKey: false, collection: 'invitations' },
);
InvitationSchema.index({ token_hash: 1 }, { unique: true, name: 'token_unique' });
InvitationSchema.index({ project_id: 1, created_at: -1 }, { name: 'project_created' });

export type InvitationModel = Model<InvitationDocument>;
export const INVITATION_MODEL = 'Invitation';

export function invitationModel(connection: Connection): InvitationModel {
  return connection.model<InvitationDocument>(INVITATION_MODEL, InvitationSchema);
}

export function newInvitationId(): string {
  return new Types.ObjectId().toHexString();
}

/** The model on the service's connection, for its repository. */
export const invitationModelProvider: Provider = { provide: INVITATION_MODEL, inject: [Connection], useFactory: invitationModel };
