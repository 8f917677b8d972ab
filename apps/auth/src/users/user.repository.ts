import { Inject, Injectable } from '@nestjs/common';
import { OwnRepository } from '@ir/platform';
import { USER_MODEL, type UserDocument, type UserModel } from './user.model';

/** The `users` collection. */
@Injectable()
export class UserRepository extends OwnRepository<UserDocument> {
  constructor(@Inject(USER_MODEL) model: UserModel) {
    super(model);
  }

  /** Rejects with the server's duplicate-key error when the email or username is taken. */
  async insert(user: UserDocument): Promise<void> {
    await this.model.create(user);
  }

  findById(userId: string): Promise<UserDocument | null> {
    return this.model.findById(userId).lean();
  }

  /** The users of these ids that exist. */
  findByIds(userIds: readonly string[]): Promise<UserDocument[]> {
    return this.model.find({ _id: { $in: userIds } }).lean();
  }

  findByEmail(email: string): Promise<UserDocument | null> {
    return this.model.findOne({ email }).lean();
  }

  /** The user who registered first, if any. */
  findOldest(): Promise<UserDocument | null> {
    return this.model.findOne().sort({ created_at: 1, _id: 1 }).lean();
  }

  /** Removes a user whose registration was refused after it was stored (see RegistrationService). */
  async delete(userId: string): Promise<void> {
    await this.model.deleteOne({ _id: userId });
  }

  async makeSystemAdmin(userId: string, now: Date): Promise<void> {
    await this.model.updateOne({ _id: userId }, { $set: { system_admin: true, updated_at: now } });
  }

  /** Replaces the hash only while it is still `previousHash`, so of two concurrent changes one wins; true when it did. */
  async replacePasswordHash(userId: string, previousHash: string, passwordHash: string, now: Date): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: userId, password_hash: previousHash },
      { $set: { password_hash: passwordHash, updated_at: now } },
    );
    return result.modifiedCount > 0;
  }

  /** By lower-cased email (a login with `@`) or lower-cased username. */
  findByLogin(key: string): Promise<UserDocument | null> {
    return this.model.findOne(key.includes('@') ? { email: key } : { username_key: key }).lean();
  }

  async usernameTaken(usernameKey: string, exceptUserId?: string): Promise<boolean> {
    return Boolean(await this.model.exists({ username_key: usernameKey, ...notSelf(exceptUserId) }));
  }

  async emailTaken(email: string, exceptUserId?: string): Promise<boolean> {
    return Boolean(await this.model.exists({ email, ...notSelf(exceptUserId) }));
  }

  /** The user as changed, or null when there is none; rejects with the duplicate-key error for a taken email. */
  updateProfile(userId: string, set: Partial<Pick<UserDocument, 'email' | 'name' | 'updated_at'>>): Promise<UserDocument | null> {
    return this.model.findByIdAndUpdate(userId, { $set: set }, { new: true }).lean();
  }
}

function notSelf(exceptUserId: string | undefined): { _id?: { $ne: string } } {
  return exceptUserId ? { _id: { $ne: exceptUserId } } : {};
}
