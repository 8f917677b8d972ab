import { ErrorCode, MembershipEvents } from '@ir/contracts';
import { failureOf, openAuthWorld, type AuthWorld } from '../testing/auth-world';

/** Projects on a real MongoDB: who may create, see, list and change them. */
describe('ProjectsService', () => {
  let world: AuthWorld;

  beforeAll(async () => {
    world = await openAuthWorld('projects');
  });
  afterAll(() => world.close());

  it('lets a system administrator create a project, of which it becomes the admin (announced)', async () => {
    const root = await world.user('root', true);
    const created = await world.projects.create(await world.principalOf(root), { name: 'Payments', description: 'the money' });

    expect(created).toMatchObject({ name: 'Payments', description: 'the money', created_by: root._id, role: 'admin' });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(await world.repositories.memberships.rolesOf(root._id)).toEqual({ [created.id]: 'admin' });
    expect(world.events(MembershipEvents.changed.subject)).toContainEqual(
      expect.objectContaining({
        payload: { user_id: root._id, project_id: created.id, changed_at: expect.any(String), rights: 'granted' },
      }),
    );
  });

  it('refuses anyone else with 403 naming system_admin', async () => {
    const ann = await world.user('ann_creates');
    await world.project('Ann admin here', [[ann, 'admin']]);
    await expect(failureOf(world.projects.create(await world.principalOf(ann), { name: 'Mine', description: '' }))).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { permission: 'system_admin' },
    });
  });

  it('keeps names unique in any letter case (409 on name)', async () => {
    const root = await world.principalOf(await world.user('root_names', true));
    await world.projects.create(root, { name: 'Unique Name', description: '' });
    await expect(failureOf(world.projects.create(root, { name: 'unique NAME', description: '' }))).resolves.toMatchObject({
      code: ErrorCode.conflict,
      issues: [{ field: 'name', rule: 'unique' }],
    });
  });

  it('lists to a member only its projects, with its role, and to a system administrator all', async () => {
    const bob = await world.user('bob_lists');
    const mine = await world.project('Bob viewer', [[bob, 'viewer']]);
    const other = await world.project('Not Bob', []);

    const bobs = await world.projects.list(await world.principalOf(bob), { page: 1, limit: 100 });
    expect(bobs.items.map((p) => [p.id, p.role])).toEqual([[mine, 'viewer']]);
    expect(bobs.total).toBe(1);

    const root = await world.principalOf(await world.user('root_lists', true));
    const all = await world.projects.list(root, { page: 1, limit: 100 });
    expect(all.items.map((p) => p.id)).toEqual(expect.arrayContaining([mine, other]));
    expect(all.items.find((p) => p.id === other)?.role).toBeNull();
    expect((await world.projects.list(root, { page: 1, limit: 100, search: 'not bob' })).items.map((p) => p.id)).toEqual([other]);
  });

  it('answers 404 alike for a project the caller is no member of and for one that does not exist', async () => {
    const carol = await world.principalOf(await world.user('carol_gets'));
    const other = await world.project('Not Carol', []);
    const missing = await failureOf(world.projects.get(carol, 'f'.repeat(24)));
    const hidden = await failureOf(world.projects.get(carol, other));
    expect(hidden).toMatchObject({ code: ErrorCode.notFound });
    expect(hidden).toEqual(missing);
    const root = await world.principalOf(await world.user('root_gets', true));
    await expect(failureOf(world.projects.get(root, 'f'.repeat(24)))).resolves.toMatchObject({ code: ErrorCode.notFound });
  });

  it('lets an admin rename and describe its project; an editor gets 403 naming project:manage', async () => {
    const dan = await world.user('dan_admin');
    const eve = await world.user('eve_editor');
    const projectId = await world.project('Renamed soon', [
      [dan, 'admin'],
      [eve, 'editor'],
    ]);

    await expect(
      failureOf(world.projects.update(await world.principalOf(eve), projectId, { name: 'Eve was here' })),
    ).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { permission: 'project:manage' },
    });
    const renamed = await world.projects.update(await world.principalOf(dan), projectId, { name: 'Renamed', description: 'now' });
    expect(renamed).toMatchObject({ id: projectId, name: 'Renamed', description: 'now', role: 'admin' });
    expect((await world.projects.get(await world.principalOf(eve), projectId)).name).toBe('Renamed');
  });
});
