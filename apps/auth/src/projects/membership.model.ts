import type { Provider } from '@nestjs/common';
import type { Role } from '@ir/contracts';
import { ROLES } from '@ir/contracts';
import { Connection, Schema, type Model } from 'mongoose';

/** A user's role in a project. */
export interface MembershipDocument {
  /** `<project id>:<user id>`: one membership per user and project, without another unique index. */
  _id: string;
  project_id: string;
  user_id: string;
  role: Role;
  created_at: Date;
  updated_at: Date;
}

const MembershipSchema = new Schema<MembershipDocument>(
  {
    _id: { type: String, required: true },
    project_id: { type: String, required: true },
    user_id: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'memberships' },
);
MembershipSchema.index({ user_id: 1 }, { name: 'user' });
MembershipSchema.index({ project_id: 1, role: 1 }, { name: 'project_role' });

export type MembershipModel = Model<MembershipDocument>;
export const MEMBERSHIP_MODEL = 'Membership';

export function membershipModel(connection: Connection): MembershipModel {
  return connection.model<MembershipDocument>(MEMBERSHIP_MODEL, MembershipSchema);
}

export function membershipId(projectId: string, userId: string): string {
  return `${projectId}:${userId}`;
}

/** The model on the service's connection, for its repository. */
export const membershipModelProvider: Provider = { provide: MEMBERSHIP_MODEL, inject: [Connection], useFactory: membershipModel };
