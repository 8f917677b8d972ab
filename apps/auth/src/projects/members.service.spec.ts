import { AuthEvents, ErrorCode, MembershipEvents } from '@ir/contracts';
import { failureOf, openAuthWorld, type AuthWorld } from '../testing/auth-world';

/** Members of a project on a real MongoDB: who may change them, the last admin, and the announcements. */
describe('MembersService', () => {
  let world: AuthWorld;

  beforeAll(async () => {
    world = await openAuthWorld('members');
  });
  afterAll(() => world.close());

  it('lists the members to any member, and answers 404 to others', async () => {
    const ann = await world.user('ann_m');
    const bob = await world.user('bob_m');
    const stranger = await world.user('stranger_m');
    const projectId = await world.project('Listed', [
      [ann, 'admin'],
      [bob, 'viewer'],
    ]);

    const { items } = await world.members.list(await world.principalOf(bob), projectId);
    expect(items.filter((m) => [ann._id, bob._id].includes(m.user_id))).toEqual([
      expect.objectContaining({ user_id: ann._id, username: 'ann_m', email: ann.email, role: 'admin' }),
      expect.objectContaining({ user_id: bob._id, username: 'bob_m', role: 'viewer' }),
    ]);
    await expect(failureOf(world.members.list(await world.principalOf(stranger), projectId))).resolves.toMatchObject({
      code: ErrorCode.notFound,
    });
  });

  it('lets an admin add a member and change its role, each change announced', async () => {
    const admin = await world.user('admin_set');
    const newcomer = await world.user('newcomer_set');
    const projectId = await world.project('Growing', [[admin, 'admin']]);
    const before = world.published.length;

    await expect(world.members.set(await world.principalOf(admin), projectId, newcomer._id, 'viewer')).resolves.toMatchObject({
      user_id: newcomer._id,
      role: 'viewer',
    });
    await world.members.set(await world.principalOf(admin), projectId, newcomer._id, 'operator');

    expect(await world.repositories.memberships.rolesOf(newcomer._id)).toEqual({ [projectId]: 'operator' });
    const announced = world.published.slice(before).filter((p) => p.subject === MembershipEvents.changed.subject);
    // Viewer, then operator: both grant rights (neither makes the newcomer's older tokens stale).
    expect(announced.map((p) => p.payload)).toEqual([
      { user_id: newcomer._id, project_id: projectId, changed_at: expect.any(String), rights: 'granted' },
      { user_id: newcomer._id, project_id: projectId, changed_at: expect.any(String), rights: 'granted' },
    ]);
    expect(new Set(announced.map((p) => p.msgId)).size).toBe(2);

    // Down to viewer, then out: both reduce rights, which makes the newcomer's older tokens stale.
    const reducedFrom = world.published.length;
    await world.members.set(await world.principalOf(admin), projectId, newcomer._id, 'viewer');
    await world.members.remove(await world.principalOf(admin), projectId, newcomer._id);
    const reduced = world.published.slice(reducedFrom).filter((p) => p.subject === MembershipEvents.changed.subject);
    expect(reduced.map((p) => (p.payload as { rights: string }).rights)).toEqual(['reduced', 'reduced']);
    // Each of the four changes also tells every gateway to drop what it keeps of the newcomer, by id alone.
    const userChanges = world.published.slice(before).filter((p) => p.subject === AuthEvents.userChanged.subject);
    expect(userChanges.map((p) => p.payload)).toEqual(Array.from({ length: 4 }, () => ({ user_id: newcomer._id })));
  });

  it('refuses an operator with 403 naming members:manage, and an unknown user with 404', async () => {
    const admin = await world.user('admin_refuses');
    const operator = await world.user('operator_refuses');
    const other = await world.user('other_refuses');
    const projectId = await world.project('Guarded', [
      [admin, 'admin'],
      [operator, 'operator'],
    ]);

    await expect(failureOf(world.members.set(await world.principalOf(operator), projectId, other._id, 'viewer'))).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { permission: 'members:manage' },
    });
    await expect(failureOf(world.members.remove(await world.principalOf(operator), projectId, admin._id))).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { permission: 'members:manage' },
    });
    await expect(failureOf(world.members.set(await world.principalOf(admin), projectId, 'no-such-user', 'viewer'))).resolves.toMatchObject({
      code: ErrorCode.notFound,
      message: 'user not found',
    });
    expect(await world.repositories.memberships.find(projectId, other._id)).toBeNull();
  });

  describe('the last admin', () => {
    it('can be neither demoted nor removed, nor leave, while another admin can', async () => {
      const root = await world.user('root_last', true);
      const project = await world.projects.create(await world.principalOf(root), { name: 'One admin', description: '' });
      // As its next token shows it: admin of the project.
      const asRoot = await world.principalOf(root);

      for (const attempt of [
        () => world.members.set(asRoot, project.id, root._id, 'operator'),
        () => world.members.remove(asRoot, project.id, root._id),
      ]) {
        await expect(failureOf(attempt())).resolves.toMatchObject({ code: ErrorCode.conflict, details: { reason: 'last_admin' } });
        expect((await world.repositories.memberships.find(project.id, root._id))?.role).toBe('admin');
      }

      const second = await world.user('second_admin');
      await world.members.set(asRoot, project.id, second._id, 'admin');
      await expect(world.members.remove(asRoot, project.id, root._id)).resolves.toEqual({ removed: true });
      await expect(failureOf(world.members.set(await world.principalOf(second), project.id, second._id, 'viewer'))).resolves.toMatchObject({
        code: ErrorCode.conflict,
      });
    });

    it('stays when two admins demote each other at once', async () => {
      const a = await world.user('admin_a');
      const b = await world.user('admin_b');
      const projectId = await world.project('Duel', [
        [a, 'admin'],
        [b, 'admin'],
      ]);
      const creator = (await world.members.list(await world.principalOf(a), projectId)).items.find(
        (m) => ![a._id, b._id].includes(m.user_id),
      )!;
      await world.members.remove(await world.principalOf(a), projectId, creator.user_id);

      const [pa, pb] = [await world.principalOf(a), await world.principalOf(b)];
      await Promise.allSettled([world.members.set(pa, projectId, b._id, 'viewer'), world.members.set(pb, projectId, a._id, 'viewer')]);

      expect(await world.repositories.memberships.countAdmins(projectId)).toBeGreaterThanOrEqual(1);
    });
  });

  it('lets any member leave, and then the project is gone from its view', async () => {
    const admin = await world.user('admin_leave');
    const viewer = await world.user('viewer_leave');
    const projectId = await world.project('Left', [
      [admin, 'admin'],
      [viewer, 'viewer'],
    ]);

    await expect(world.members.remove(await world.principalOf(viewer), projectId, viewer._id)).resolves.toEqual({ removed: true });
    expect(await world.repositories.memberships.rolesOf(viewer._id)).toEqual({});
    await expect(failureOf(world.members.list(await world.principalOf(viewer), projectId))).resolves.toMatchObject({
      code: ErrorCode.notFound,
    });
    expect(world.events(MembershipEvents.changed.subject).at(-1)?.payload).toMatchObject({ user_id: viewer._id, project_id: projectId });
  });
});
