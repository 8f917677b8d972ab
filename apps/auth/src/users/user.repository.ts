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
