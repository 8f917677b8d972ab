import type { Provider } from '@nestjs/common';
import { Connection, Schema, type Model } from 'mongoose';

export interface UserDocument {
  _id: string;
  email: string;
  username: string;
  /** Lower-cased username: usernames are unique regardless of case. */
  username_key: string;
  name: string | null;
  password_hash: string;
  /** Creates projects, invites into the system, and acts as admin in every project. Absent on users from before projects: false. */
  system_admin?: boolean;
  created_at: Date;
  updated_at: Date;
}

const UserSchema = new Schema<UserDocument>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    username: { type: String, required: true },
    username_key: { type: String, required: true },
    name: { type: String, default: null },
    password_hash: { type: String, required: true },
    system_admin: { type: Boolean, default: false },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'users' },
);
UserSchema.index({ email: 1 }, { unique: true, name: 'email_unique' });
UserSchema.index({ username_key: 1 }, { unique: true, name: 'username_unique' });
UserSchema.index({ created_at: 1 }, { name: 'created' });

export type UserModel = Model<UserDocument>;
export const USER_MODEL = 'User';

export function userModel(connection: Connection): UserModel {
  return connection.model<UserDocument>(USER_MODEL, UserSchema);
}

/** The model on the service's connection, for its repository. */
export const userModelProvider: Provider = { provide: USER_MODEL, inject: [Connection], useFactory: userModel };
