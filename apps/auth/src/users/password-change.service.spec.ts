import { AuthEvents, ErrorCode } from '@ir/contracts';
import { randomUUID } from 'node:crypto';
import type { SessionsService } from '../sessions/sessions.service';
import { failureOf, openAuthWorld, type AuthWorld } from '../testing/auth-world';
import { hashPassword, verifyPassword } from './password-hasher';
import { PasswordChangeService } from './password-change.service';

/** A password change on a real MongoDB; the sessions are a recorder of what was revoked. */
describe('PasswordChangeService', () => {
  const current = 'correct horse battery staple';
  let world: AuthWorld;
  let revoked: { userId: string; kept: string }[];
  let service: PasswordChangeService;

  beforeAll(async () => {
    world = await openAuthWorld('password');
  });
  afterAll(() => world.close());
  beforeEach(() => {
    revoked = [];
    const sessions = {
      revokeOtherSessions: async (userId: string, kept: string) => {
        revoked.push({ userId, kept });
        return 2;
      },
    };
    service = new PasswordChangeService(world.repositories.users, sessions as unknown as SessionsService, world.trail, world.bus);
  });

  async function userWithPassword(username: string) {
    const user = await world.user(username);
    await world.models.users.updateOne({ _id: user._id }, { $set: { password_hash: await hashPassword(current) } });
    return user;
  }
  const hashOf = async (userId: string) => (await world.repositories.users.findById(userId))!.password_hash;

  it('replaces the password given the current one, and ends the other sessions', async () => {
    const user = await userWithPassword('changer');
    const session = randomUUID();

    await expect(
      service.change({ user_id: user._id, session_id: session, current_password: current, new_password: 'Vq7#mZ2!rT9p-new' }),
    ).resolves.toEqual({ revoked_sessions: 2 });
    expect(await verifyPassword(await hashOf(user._id), 'Vq7#mZ2!rT9p-new')).toBe(true);
    expect(revoked).toEqual([{ userId: user._id, kept: session }]);
    // Every gateway drops the profile it keeps of the user: the event names the user only.
    expect(world.events(AuthEvents.userChanged.subject).map((e) => e.payload)).toContainEqual({ user_id: user._id });
  });

  it('refuses a wrong current password (400 on current_password) and a weak new one (400 on new_password), changing nothing', async () => {
    const user = await userWithPassword('keeper');
    const before = await hashOf(user._id);

    await expect(
      failureOf(service.change({ user_id: user._id, session_id: 's', current_password: 'not it', new_password: 'Vq7#mZ2!rT9p-new' })),
    ).resolves.toMatchObject({ code: ErrorCode.validation, issues: [{ field: 'current_password', rule: 'mismatch' }] });
    for (const weak of ['passwordpassword', 'keeper-password-2024']) {
      await expect(
        failureOf(service.change({ user_id: user._id, session_id: 's', current_password: current, new_password: weak })),
      ).resolves.toMatchObject({ code: ErrorCode.validation, issues: [{ field: 'new_password', rule: 'weak_password' }] });
    }
    expect(await hashOf(user._id)).toBe(before);
    expect(revoked).toEqual([]);
  });
});
