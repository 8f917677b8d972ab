import { Injectable } from '@nestjs/common';
import { AuthEvents, DomainError, ErrorCode, type Profile, type ProfileUpdateBody, type RegisterRequest } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { isDuplicateKeyError } from '@ir/platform';
import { randomUUID } from 'node:crypto';
import type { UserDocument } from './user.model';
import { announceUserChanged } from './user-changes';
import { UserRepository } from './user.repository';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password-hasher';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly bus: BusClient,
  ) {}

  /** Stores a new user (the registration policy is RegistrationService's); 409 naming a taken email or username. */
  async register(request: RegisterRequest, userId: string = randomUUID()): Promise<Profile> {
    await this.assertAvailable({ email: request.email, username: request.username });
    const now = new Date();
    const user: UserDocument = {
      _id: userId,
      email: request.email,
      username: request.username,
      username_key: request.username.toLowerCase(),
      name: request.name ?? null,
      password_hash: await hashPassword(request.password),
      created_at: now,
      updated_at: now,
    };
    await this.users.insert(user).catch((error: unknown) => this.rethrowDuplicate(error, request));
    await this.bus.publish(
      AuthEvents.userRegistered,
      { user_id: user._id, username: user.username, registered_at: now.toISOString() },
      { msgId: `user-registered:${user._id}` },
    );
    return toProfile(user);
  }

  /** The user whose login (username or email, any case) and password match; one error for every mismatch. */
  async authenticate(login: string, password: string): Promise<UserDocument> {
    const key = login.toLowerCase();
    const user = await this.users.findByLogin(key);
    if (!user) {
      await verifyPassword(await decoyPasswordHash(), password);
      throw invalidCredentials();
    }
    if (!(await verifyPassword(user.password_hash, password))) throw invalidCredentials();
    return user;
  }

  async findById(userId: string): Promise<UserDocument | null> {
    return this.users.findById(userId);
  }

  async profile(userId: string): Promise<Profile> {
    const user = await this.findById(userId);
    if (!user) throw new DomainError(ErrorCode.notFound, 'user not found');
    return toProfile(user);
  }

  async updateProfile(userId: string, changes: ProfileUpdateBody): Promise<Profile> {
    if (changes.email) await this.assertAvailable({ email: changes.email }, userId);
    const set: Partial<UserDocument> = { updated_at: new Date() };
    if (changes.email !== undefined) set.email = changes.email;
    if (changes.name !== undefined) set.name = changes.name;
    const user = await this.users
      .updateProfile(userId, set)
      .catch((error: unknown) => this.rethrowDuplicate(error, { email: changes.email }, userId));
    if (!user) throw new DomainError(ErrorCode.notFound, 'user not found');
    await announceUserChanged(this.bus, userId, set.updated_at);
    return toProfile(user);
  }

  /** Removes a user (a registration undone) and tells the gateways, which drop what they keep of it. */
  async remove(userId: string): Promise<void> {
    await this.users.delete(userId);
    await announceUserChanged(this.bus, userId);
  }

  /** Names the taken field up front; the unique indexes still decide when two requests race. */
  private async assertAvailable(fields: { email?: string; username?: string }, exceptUserId?: string): Promise<void> {
    if (fields.username && (await this.users.usernameTaken(fields.username.toLowerCase(), exceptUserId))) {
      throw conflict('username', 'username is already taken');
    }
    if (fields.email && (await this.users.emailTaken(fields.email, exceptUserId))) {
      throw conflict('email', 'email is already registered');
    }
  }

  /** A unique index refused a write that raced another: answers 409 naming the taken field. */
  private async rethrowDuplicate(error: unknown, fields: { email?: string; username?: string }, exceptUserId?: string): Promise<never> {
    if (!isDuplicateKeyError(error)) throw error;
    const field = duplicateField(error);
    if (field === 'email') throw conflict('email', 'email is already registered');
    if (field === 'username') throw conflict('username', 'username is already taken');
    // The server did not say which index refused: the winner of the race is stored by now, so look.
    await this.assertAvailable(fields, exceptUserId);
    throw new DomainError(ErrorCode.conflict, 'email or username is already taken');
  }
}

function conflict(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.conflict, message, [{ field, rule: 'unique', message }]);
}

function invalidCredentials(): DomainError {
  return new DomainError(ErrorCode.unauthenticated, 'invalid username, email or password');
}

/**
 * The field a unique-index violation is about. The driver's `keyPattern` / `keyValue`
 * name it; without them only the index name in the message is read, never the whole
 * message, which also quotes the duplicate value (a username may well contain "email").
 * Undefined when the error is no duplicate-key error or the server does not say
 * (FerretDB 1.x names neither).
 */
export function duplicateField(error: unknown): 'email' | 'username' | undefined {
  if (!isDuplicateKeyError(error)) return undefined;
  const { keyPattern, keyValue, message } = error as { keyPattern?: object; keyValue?: object; message?: string };
  const fields = Object.keys(keyPattern ?? keyValue ?? {});
  if (fields.includes('email')) return 'email';
  if (fields.includes('username_key')) return 'username';
  const index = /index: (email_unique|username_unique)\b/.exec(String(message))?.[1];
  return index === 'email_unique' ? 'email' : index === 'username_unique' ? 'username' : undefined;
}

export function toProfile(user: UserDocument): Profile {
  return {
    id: user._id,
    email: user.email,
    username: user.username,
    name: user.name,
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
  };
}
