import { ErrorCode, MembershipEvents, type RegisterRequest } from '@ir/contracts';
import { failureOf, openAuthWorld, type AuthWorld, type WorldConfig } from '../testing/auth-world';

let counter = 0;
function person(overrides: Partial<RegisterRequest> = {}): RegisterRequest {
  counter += 1;
  return { email: `person${counter}@example.com`, username: `person_${counter}`, password: 'correct horse battery staple', ...overrides };
}

/** Registration on a real MongoDB: the first administrator, the policy, invitations, the password policy. */
describe('RegistrationService', () => {
  const worlds: AuthWorld[] = [];
  async function system(policy: WorldConfig['AUTH_REGISTRATION']): Promise<AuthWorld> {
    const world = await openAuthWorld(`reg_${policy}`, { AUTH_REGISTRATION: policy });
    worlds.push(world);
    return world;
  }
  afterAll(async () => {
    for (const world of worlds) await world.close();
  });

  it('makes the first user of an empty system, even a closed one, its administrator and admin of the default project', async () => {
    const world = await system('closed');
    await expect(world.projects.defaultProject().catch((e: unknown) => e)).resolves.toMatchObject({ code: ErrorCode.notFound });

    const first = await world.registration.register(person());
    const { id } = await world.projects.defaultProject();
    const principal = await world.principalOf({ _id: first.id, username: first.username });
    expect(principal).toMatchObject({ system_admin: true, projects: { [id]: 'admin' } });
    expect((await world.projects.get(principal, id)).name).toBe('default');
    expect(world.events(MembershipEvents.changed.subject).map((e) => e.payload)).toEqual([
      { user_id: first.id, project_id: id, changed_at: expect.any(String), rights: 'granted' },
    ]);

    await expect(failureOf(world.registration.register(person()))).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { reason: 'registration_closed' },
    });
  });

  it('admits only invited people while invite-only, into the invitation’s project', async () => {
    const world = await system('invite');
    const first = await world.registration.register(person());
    const root = await world.principalOf({ _id: first.id, username: first.username });
    const projectId = (await world.projects.create(root, { name: 'Team', description: '' })).id;

    await expect(failureOf(world.registration.register(person()))).resolves.toMatchObject({ details: { reason: 'invitation_required' } });

    const invited = person();
    const invitation = await world.invitations.create(root, { email: invited.email, project_id: projectId, role: 'editor' });
    await expect(failureOf(world.registration.register({ ...person(), invitation: invitation.token }))).resolves.toMatchObject({
      details: { reason: 'invitation_email_mismatch' },
    });
    const profile = await world.registration.register({ ...invited, invitation: invitation.token });
    expect(await world.repositories.memberships.rolesOf(profile.id)).toEqual({ [projectId]: 'editor' });
    await expect(
      failureOf(world.registration.register({ ...invited, username: 'again', invitation: invitation.token })),
    ).resolves.toMatchObject({
      details: { reason: 'invitation_invalid' },
    });
  });

  it('gives an invitation back when the registration that took it fails (a taken username)', async () => {
    const world = await system('invite');
    const first = await world.registration.register(person());
    const root = await world.principalOf({ _id: first.id, username: first.username });
    const invited = person();
    const invitation = await world.invitations.create(root, { email: invited.email });

    await expect(
      failureOf(world.registration.register({ ...invited, username: first.username, invitation: invitation.token })),
    ).resolves.toMatchObject({
      code: ErrorCode.conflict,
    });
    await expect(world.registration.register({ ...invited, invitation: invitation.token })).resolves.toMatchObject({
      email: invited.email,
    });
  });

  it('lets anyone register while open, as an ordinary user', async () => {
    const world = await system('open');
    await world.registration.register(person());
    const second = await world.registration.register(person());
    expect(await world.principalOf({ _id: second.id, username: second.username })).toMatchObject({ system_admin: false, projects: {} });
  });

  it('makes exactly one of two first registrations at once the administrator; the other is held to the policy', async () => {
    const world = await system('invite');
    const outcomes = await Promise.allSettled([world.registration.register(person()), world.registration.register(person())]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: ErrorCode.forbidden, details: { reason: 'invitation_required' } });
    expect(await world.models.users.countDocuments()).toBe(1);
    expect(await world.models.users.countDocuments({ system_admin: true })).toBe(1);
  });

  it.each([
    ['passwordpassword', 'is too easy to guess'],
    ['my-person_77-account', 'must not contain your username'],
  ])('refuses the password %s before anything is stored', async (password, message) => {
    const world = await system('open');
    const error = await failureOf(world.registration.register(person({ username: 'person_77', password })));
    expect(error).toMatchObject({
      code: ErrorCode.validation,
      issues: [{ field: 'password', rule: 'weak_password', message: expect.stringContaining(message) }],
    });
    expect(await world.models.users.countDocuments()).toBe(0);
  });

  it('makes the oldest user of a system from before projects its first administrator, at start', async () => {
    const world = await system('invite');
    const oldest = await world.user('oldest');
    await world.user('younger');
    await world.firstAdmin.settleAtStart();
    await world.firstAdmin.settleAtStart();

    const { id } = await world.projects.defaultProject();
    expect(await world.principalOf(oldest)).toMatchObject({ system_admin: true, projects: { [id]: 'admin' } });
    expect(await world.models.projects.countDocuments()).toBe(1);
    expect(await world.models.users.countDocuments({ system_admin: true })).toBe(1);
  });

  it('finishes at start a first administrator’s claim that a crash interrupted', async () => {
    const world = await system('invite');
    const user = await world.user('interrupted');
    await world.repositories.system.claimFirstAdmin(user._id, 'c'.repeat(24), new Date());

    await world.firstAdmin.settleAtStart();
    expect(await world.principalOf(user)).toMatchObject({ system_admin: true, projects: { ['c'.repeat(24)]: 'admin' } });
  });
});
