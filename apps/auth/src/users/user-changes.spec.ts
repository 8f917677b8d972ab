import { AuthEvents } from '@ir/contracts';
import { openAuthWorld, type AuthWorld } from '../testing/auth-world';
import { UsersService } from './users.service';

/** Profile changes and a user's removal, announced so that every gateway drops the profile it keeps. */
describe('user changes', () => {
  let world: AuthWorld;
  let users: UsersService;
  const changes = () => world.events(AuthEvents.userChanged.subject).map((e) => e.payload);

  beforeAll(async () => {
    world = await openAuthWorld('user_changes');
    users = new UsersService(world.repositories.users, world.bus);
  });
  afterAll(() => world.close());

  it('announces a profile change by the user id alone, once it is stored', async () => {
    const ann = await world.user('ann_changes');
    await users.updateProfile(ann._id, { name: 'Ann Changed' });
    expect(changes()).toEqual([{ user_id: ann._id }]);
    expect((await world.repositories.users.findById(ann._id))?.name).toBe('Ann Changed');
  });

  it('announces nothing for a profile change refused (an email taken), and announces a removal', async () => {
    const bob = await world.user('bob_changes');
    const cy = await world.user('cy_changes');
    const before = changes().length;
    await expect(users.updateProfile(bob._id, { email: cy.email })).rejects.toMatchObject({ issues: [{ field: 'email', rule: 'unique' }] });
    expect(changes().length).toBe(before);
    await users.remove(bob._id);
    expect(changes().slice(before)).toEqual([{ user_id: bob._id }]);
    expect(await world.repositories.users.findById(bob._id)).toBeNull();
  });
});
