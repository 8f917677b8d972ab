import { AuthEvents, DomainError, ErrorCode, type EventPayload } from '@ir/contracts';
import { AuditTrail, type BusClient, type PublishOptions } from '@ir/messaging';
import { connectMongo } from '@ir/platform';
import { createHash, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { AuthConfig } from '../auth.config';
import type { UserDocument } from '../users/user.model';
import type { MembershipRepository } from '../projects/membership.repository';
import type { UsersService } from '../users/users.service';
import type { AccessTokenIssuer } from './access-token-issuer';
import { refreshTokenModel, type RefreshTokenModel } from './refresh-token.model';
import { RefreshTokenRepository } from './refresh-token.repository';
import { SessionsService } from './sessions.service';

type Revoked = EventPayload<typeof AuthEvents.sessionRevoked>;

/** SessionsService on a real MongoDB; the bus, users and signer are played by small fakes. */
describe('SessionsService', () => {
  const mongoUri = process.env.TEST_MONGODB_URI;
  let mongo: Connection;
  let tokens: RefreshTokenModel;

  const user: UserDocument = {
    _id: randomUUID(),
    email: 'ann@example.com',
    username: 'ann',
    username_key: 'ann',
    name: null,
    password_hash: 'unused',
    created_at: new Date(),
    updated_at: new Date(),
  };
  const config = { ACCESS_TOKEN_TIMEOUT: 600_000, REFRESH_TOKEN_TIMEOUT: 86_400_000 } as AuthConfig;

  /** What was published, and a switch to make the next publishes fail as a broken bus would. */
  let published: { payload: Revoked; msgId: string }[];
  let failPublish: boolean;
  /** Runs while refresh() looks up the user: between claiming the old token and storing its successor. */
  let duringRefresh: () => Promise<void>;
  let sessions: SessionsService;
  /** The claims of each access token signed, and the roles the membership store answers meanwhile. */
  let signed: unknown[];
  let roles: Record<string, 'viewer' | 'admin'>;

  beforeAll(async () => {
    if (!mongoUri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
    mongo = await connectMongo({ uri: mongoUri, dbName: `ir_spec_sessions_${randomUUID().slice(0, 8)}` });
    tokens = refreshTokenModel(mongo);
  });
  afterAll(async () => {
    await mongo.dropDatabase();
    await mongo.close();
  });

  beforeEach(() => {
    published = [];
    failPublish = false;
    duringRefresh = async () => undefined;
    signed = [];
    roles = {};
    const bus = {
      publish: async (_contract: unknown, payload: Revoked, opts: PublishOptions) => {
        if (failPublish) throw new Error('nats: no responders');
        published.push({ payload, msgId: opts.msgId });
      },
    };
    const users = {
      findById: async () => {
        await duringRefresh();
        return user;
      },
      authenticate: async () => user,
    };
    const issuer = {
      sign: async (claims: unknown) => {
        signed.push(claims);
        return `access-${randomUUID()}`;
      },
    };
    const memberships = { rolesOf: async () => roles };
    sessions = new SessionsService(
      new RefreshTokenRepository(tokens),
      config,
      users as unknown as UsersService,
      issuer as unknown as AccessTokenIssuer,
      bus as unknown as BusClient,
      memberships as unknown as MembershipRepository,
      // The audit entries of the logins are not what this spec is about: they go nowhere.
      new AuditTrail({ publish: async () => undefined } as unknown as BusClient, 'auth'),
    );
  });

  const login = () => sessions.login({ username: 'ann', password: 'x' });
  const sessionOf = async (refreshToken: string): Promise<string> => {
    const doc = await tokens.findById(createHash('sha256').update(refreshToken).digest('hex')).lean();
    return doc!.family_id;
  };
  const expectUnauthenticated = (promise: Promise<unknown>) =>
    expect(promise).rejects.toEqual(expect.objectContaining<Partial<DomainError>>({ code: ErrorCode.unauthenticated }));

  describe('a revocation racing a refresh', () => {
    it('revokes the successor when the logout lands between claiming the old token and storing the new one', async () => {
      const pair = await login();
      const session = await sessionOf(pair.refresh_token);
      duringRefresh = async () => {
        duringRefresh = async () => undefined;
        await sessions.logout(session, user._id);
      };

      await expectUnauthenticated(sessions.refresh(pair.refresh_token));

      expect(await tokens.countDocuments({ family_id: session, revoked_at: null })).toBe(0);
      expect(await tokens.countDocuments({ family_id: session })).toBe(2);
      expect(published.map((p) => p.msgId)).toEqual([`session-revoked:${session}`, `session-revoked:${session}`]);
      expect(published[1].payload).toMatchObject({ session_id: session, user_id: user._id, reason: 'logout' });
    });

    it('revokes the successor when the logout lands after storing it, before it is handed out', async () => {
      const pair = await login();
      const session = await sessionOf(pair.refresh_token);
      const create = tokens.create.bind(tokens);
      const spy = jest.spyOn(tokens, 'create').mockImplementationOnce(async (...args: Parameters<RefreshTokenModel['create']>) => {
        const stored = await create(...args);
        await sessions.logout(session, user._id);
        return stored;
      });

      try {
        await expectUnauthenticated(sessions.refresh(pair.refresh_token));
      } finally {
        spy.mockRestore();
      }
      expect(await tokens.countDocuments({ family_id: session, revoked_at: null })).toBe(0);
      expect(await tokens.countDocuments({ family_id: session })).toBe(2);
    });

    it('revokes the successor when a reuse of an older token revokes the session meanwhile', async () => {
      const first = await login();
      const session = await sessionOf(first.refresh_token);
      const second = await sessions.refresh(first.refresh_token);
      duringRefresh = async () => {
        duringRefresh = async () => undefined;
        await expectUnauthenticated(sessions.refresh(first.refresh_token));
      };

      await expectUnauthenticated(sessions.refresh(second.refresh_token));

      expect(await tokens.countDocuments({ family_id: session, revoked_at: null })).toBe(0);
      expect(await tokens.countDocuments({ family_id: session, revoked_reason: 'refresh_token_reuse' })).toBe(3);
      expect(published.at(-1)).toEqual({
        msgId: `session-revoked:${session}`,
        payload: expect.objectContaining({ session_id: session, reason: 'refresh_token_reuse' }),
      });
    });

    // These hooks place the revocation inside the window deterministically. A loop of truly
    // concurrent refresh + logout cannot run here: FerretDB 1.x on SQLite (the test server) loses
    // concurrent updates of one document, which real MongoDB applies atomically.
  });

  describe('announcing revocations', () => {
    it('announces a reuse revocation again when a revoked token is presented after the first publish failed', async () => {
      const first = await login();
      const session = await sessionOf(first.refresh_token);
      await sessions.refresh(first.refresh_token);

      failPublish = true;
      await expect(sessions.refresh(first.refresh_token)).rejects.toThrow('no responders');
      expect(await tokens.countDocuments({ family_id: session, revoked_at: null })).toBe(0);
      expect(published).toEqual([]);

      failPublish = false;
      await expectUnauthenticated(sessions.refresh(first.refresh_token));
      expect(published).toEqual([
        {
          msgId: `session-revoked:${session}`,
          payload: expect.objectContaining({ session_id: session, user_id: user._id, reason: 'refresh_token_reuse' }),
        },
      ]);
    });

    it('answers 401 to a revoked token even when announcing again fails, and announces on the next try', async () => {
      const pair = await login();
      const session = await sessionOf(pair.refresh_token);
      await sessions.logout(session, user._id);
      published = [];

      failPublish = true;
      await expectUnauthenticated(sessions.refresh(pair.refresh_token));
      failPublish = false;
      await expectUnauthenticated(sessions.refresh(pair.refresh_token));
      expect(published).toEqual([
        { msgId: `session-revoked:${session}`, payload: expect.objectContaining({ session_id: session, reason: 'logout' }) },
      ]);
    });

    it('announces again on a logout of an already revoked session', async () => {
      const pair = await login();
      const session = await sessionOf(pair.refresh_token);
      failPublish = true;
      await expect(sessions.logout(session, user._id)).rejects.toThrow('no responders');

      failPublish = false;
      await expect(sessions.logout(session, user._id)).resolves.toEqual({ revoked: false });
      expect(published).toEqual([{ msgId: `session-revoked:${session}`, payload: expect.objectContaining({ reason: 'logout' }) }]);
    });
  });
  describe('claims', () => {
    it('signs the roles as they are at each refresh', async () => {
      const project = 'a'.repeat(24);
      roles = { [project]: 'viewer' };
      const pair = await login();
      roles = { [project]: 'admin' };
      await sessions.refresh(pair.refresh_token);
      expect(signed).toEqual([
        { sub: user._id, sid: expect.any(String), username: 'ann', sa: false, projects: { [project]: 'viewer' } },
        { sub: user._id, sid: expect.any(String), username: 'ann', sa: false, projects: { [project]: 'admin' } },
      ]);
    });
  });

  describe('revoking the other sessions', () => {
    it('revokes every session of the user but the one kept, and announces each', async () => {
      const kept = await login();
      const others = [await login(), await login()];
      const keptSession = await sessionOf(kept.refresh_token);
      const otherSessions = await Promise.all(others.map((pair) => sessionOf(pair.refresh_token)));
      published = [];

      await expect(sessions.revokeOtherSessions(user._id, keptSession)).resolves.toBeGreaterThanOrEqual(2);

      for (const pair of others) await expectUnauthenticated(sessions.refresh(pair.refresh_token));
      await expect(sessions.refresh(kept.refresh_token)).resolves.toMatchObject({ token_type: 'Bearer' });
      for (const session of otherSessions) {
        expect(published).toContainEqual({
          msgId: `session-revoked:${session}`,
          payload: expect.objectContaining({ session_id: session, user_id: user._id, reason: 'password_changed' }),
        });
      }
      expect(published.map((p) => p.payload.session_id)).not.toContain(keptSession);
    });
  });
});
