import { DomainError, ErrorCode } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import { connectMongo } from '@ir/platform';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { userModel, type UserDocument, type UserModel } from './user.model';
import { UserRepository } from './user.repository';
import { duplicateField, UsersService } from './users.service';

/** When two registrations race, the unique indexes decide; the 409 must name the field that was taken. */
describe('duplicate users', () => {
  const mongoUri = process.env.TEST_MONGODB_URI;
  let mongo: Connection;
  let users: UserModel;

  const user = (email: string, username: string): UserDocument => ({
    _id: randomUUID(),
    email,
    username,
    username_key: username.toLowerCase(),
    name: null,
    password_hash: 'unused',
    created_at: new Date(),
    updated_at: new Date(),
  });
  const duplicate = (fields: Record<string, unknown>): Error =>
    Object.assign(new Error('E11000 duplicate key error'), { code: 11000, ...fields });

  beforeAll(async () => {
    if (!mongoUri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
    mongo = await connectMongo({ uri: mongoUri, dbName: `ir_spec_users_${randomUUID().slice(0, 8)}` });
    users = userModel(mongo);
    await users.syncIndexes();
    await users.create(user('taken@example.com', 'email_fan'));
  });
  afterAll(async () => {
    await mongo.dropDatabase();
    await mongo.close();
  });

  describe('duplicateField', () => {
    it('reads the key pattern, not the quoted value: a username mentioning email is about the username', () => {
      const message = 'E11000 duplicate key error collection: db.users index: username_unique dup key: { username_key: "email_fan" }';
      expect(duplicateField(duplicate({ message, keyPattern: { username_key: 1 }, keyValue: { username_key: 'email_fan' } }))).toBe(
        'username',
      );
      expect(duplicateField(duplicate({ keyPattern: { email: 1 }, keyValue: { email: 'username@example.com' } }))).toBe('email');
      expect(duplicateField(duplicate({ keyValue: { email: 'a@b.c' } }))).toBe('email');
    });

    it('falls back to the index name in the message, and says nothing when the server names neither', () => {
      const message = (index: string, value: string) => `E11000 duplicate key error collection: db.users index: ${index} dup key: ${value}`;
      expect(duplicateField(duplicate({ message: message('email_unique', '{ email: "username@x.y" }') }))).toBe('email');
      expect(duplicateField(duplicate({ message: message('username_unique', '{ username_key: "email" }') }))).toBe('username');
      expect(duplicateField(duplicate({ message: 'E11000 duplicate key error collection: db.users' }))).toBeUndefined();
      expect(duplicateField(new Error('index: email_unique'))).toBeUndefined();
    });
  });

  describe('a registration losing the race to the unique index', () => {
    /** The availability check misses the winner (it was stored just after), as in a real race; the insert is real. */
    function racingService(): UsersService {
      let inserted = false;
      const racing = new Proxy(users, {
        get: (target, prop, receiver) => {
          // Only the up-front check misses; the look after the failed insert sees the stored winner.
          if (prop === 'exists')
            return (...args: Parameters<UserModel['exists']>) => (inserted ? target.exists(...args) : Promise.resolve(null));
          if (prop === 'create') inserted = true;
          return Reflect.get(target, prop, receiver);
        },
      });
      const bus = { publish: async () => undefined } as unknown as BusClient;
      return new UsersService(new UserRepository(racing), bus);
    }

    it.each([
      ['username (case-insensitively), though it mentions email', 'new@example.com', 'Email_Fan', 'username'],
      ['email', 'taken@example.com', 'someone_new', 'email'],
    ])('names the %s', async (_what, email, username, field) => {
      const error = await racingService()
        .register({ email, username, password: 'correct horse battery' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: ErrorCode.conflict, issues: [{ field, rule: 'unique' }] });
    });
  });

  it('rethrows anything that is not a duplicate-key error unchanged', async () => {
    const broken = new Error('connection reset');
    const failing = { exists: async () => null, create: async () => Promise.reject(broken) } as unknown as UserModel;
    const service = new UsersService(new UserRepository(failing), { publish: async () => undefined } as unknown as BusClient);
    await expect(service.register({ email: 'x@example.com', username: 'x', password: 'correct horse battery' })).rejects.toBe(broken);
  });
});
