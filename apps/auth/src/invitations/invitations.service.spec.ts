import { ErrorCode, MembershipEvents } from '@ir/contracts';
import { createHash } from 'node:crypto';
import { failureOf, openAuthWorld, type AuthWorld } from '../testing/auth-world';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Invitations on a real MongoDB: who may invite whom, single use, expiry, and accepting one with an account. */
describe('InvitationsService', () => {
  let world: AuthWorld;

  beforeAll(async () => {
    world = await openAuthWorld('invitations');
  });
  afterAll(() => world.close());

  it('lets a system administrator invite into the system: token shown once, stored as its hash', async () => {
    const root = await world.principalOf(await world.user('root_inv', true));
    const created = await world.invitations.create(root, { email: 'new.person@example.com' });

    expect(created).toMatchObject({ email: 'new.person@example.com', project_id: null, role: null, created_by: root.id });
    expect(created.token).toMatch(/^iri_[A-Za-z0-9_-]{43}$/);
    const expires = new Date(created.expires_at).getTime() - new Date(created.created_at).getTime();
    expect(expires).toBe(world.config.AUTH_INVITATION_TTL);
    const stored = await world.models.invitations.findById(created.id).lean();
    expect(stored?.token_hash).toBe(sha256(created.token));
    expect(JSON.stringify(stored)).not.toContain(created.token.slice(4));
  });

  it('refuses an invitation into the system by a project admin (403 system_admin) and for an email with an account (409)', async () => {
    const admin = await world.user('admin_inv');
    await world.project('Admin inv', [[admin, 'admin']]);
    await expect(failureOf(world.invitations.create(await world.principalOf(admin), { email: 'x@example.com' }))).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { permission: 'system_admin' },
    });
    const root = await world.principalOf(await world.user('root_inv2', true));
    await expect(failureOf(world.invitations.create(root, { email: admin.email }))).resolves.toMatchObject({
      code: ErrorCode.conflict,
      issues: [expect.objectContaining({ field: 'email' })],
    });
  });

  it('lets a project admin invite into its project, not an editor (403) nor a stranger (404)', async () => {
    const admin = await world.user('padmin_inv');
    const editor = await world.user('peditor_inv');
    const stranger = await world.user('stranger_inv');
    const projectId = await world.project('Invites', [
      [admin, 'admin'],
      [editor, 'editor'],
    ]);
    const body = { email: 'joiner@example.com', project_id: projectId, role: 'editor' as const };

    await expect(world.invitations.create(await world.principalOf(admin), body)).resolves.toMatchObject({
      project_id: projectId,
      role: 'editor',
    });
    await expect(failureOf(world.invitations.create(await world.principalOf(editor), body))).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { permission: 'members:manage' },
    });
    await expect(failureOf(world.invitations.create(await world.principalOf(stranger), body))).resolves.toMatchObject({
      code: ErrorCode.notFound,
    });
    await expect(
      failureOf(world.invitations.create(await world.principalOf(admin), { ...body, email: editor.email })),
    ).resolves.toMatchObject({
      code: ErrorCode.conflict,
    });
  });

  it('lists the pending invitations the caller manages, and lets it revoke them; others are 404', async () => {
    const admin = await world.user('ladmin_inv');
    const other = await world.user('lother_inv');
    const mine = await world.project('Listed inv', [[admin, 'admin']]);
    const theirs = await world.project('Theirs inv', [[other, 'admin']]);
    const a = await world.invitations.create(await world.principalOf(admin), { email: 'la@example.com', project_id: mine, role: 'viewer' });
    const b = await world.invitations.create(await world.principalOf(other), {
      email: 'lb@example.com',
      project_id: theirs,
      role: 'viewer',
    });
    const root = await world.principalOf(await world.user('lroot_inv', true));
    const system = await world.invitations.create(root, { email: 'lc@example.com' });

    expect((await world.invitations.list(await world.principalOf(admin), undefined)).items.map((i) => i.id)).toEqual([a.id]);
    expect((await world.invitations.list(root, undefined)).items.map((i) => i.id)).toEqual(expect.arrayContaining([a.id, b.id, system.id]));
    await expect(failureOf(world.invitations.list(await world.principalOf(admin), theirs))).resolves.toMatchObject({
      code: ErrorCode.notFound,
    });

    for (const id of [b.id, system.id]) {
      await expect(failureOf(world.invitations.revoke(await world.principalOf(admin), id))).resolves.toMatchObject({
        code: ErrorCode.notFound,
      });
    }
    await expect(world.invitations.revoke(await world.principalOf(admin), a.id)).resolves.toEqual({ revoked: true });
    expect((await world.invitations.list(await world.principalOf(admin), mine)).items).toEqual([]);
    await expect(failureOf(world.invitations.takeForRegistration(a.token, 'la@example.com', 'u-x'))).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { reason: 'invitation_invalid' },
    });
  });

  it('is used once, for its email address only, and not once expired', async () => {
    const root = await world.principalOf(await world.user('root_once', true));
    const invitation = await world.invitations.create(root, { email: 'once@example.com' });

    await expect(failureOf(world.invitations.takeForRegistration(invitation.token, 'other@example.com', 'u1'))).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { reason: 'invitation_email_mismatch' },
    });
    const taken = await world.invitations.takeForRegistration(invitation.token, 'once@example.com', 'u1');
    expect(taken).toMatchObject({ accepted_by: 'u1', accepted_at: expect.any(Date) });
    await expect(failureOf(world.invitations.takeForRegistration(invitation.token, 'once@example.com', 'u2'))).resolves.toMatchObject({
      details: { reason: 'invitation_invalid' },
    });

    await world.invitations.release(taken, 'u1');
    await world.invitations.takeForRegistration(invitation.token, 'once@example.com', 'u3');

    const expiring = await world.invitations.create(root, { email: 'late@example.com' });
    await world.models.invitations.updateOne({ _id: expiring.id }, { $set: { expires_at: new Date(Date.now() - 1000) } });
    await expect(failureOf(world.invitations.takeForRegistration(expiring.token, 'late@example.com', 'u4'))).resolves.toMatchObject({
      details: { reason: 'invitation_invalid' },
    });
  });

  it('lets a person with an account accept an invitation into a project, once, for its own address', async () => {
    const admin = await world.user('aadmin_inv');
    const person = await world.user('accepter_inv');
    const bystander = await world.user('bystander_inv');
    const projectId = await world.project('Accepting', [[admin, 'admin']]);
    const invitation = await world.invitations.create(await world.principalOf(admin), {
      email: person.email,
      project_id: projectId,
      role: 'operator',
    });

    await expect(failureOf(world.invitations.accept(await world.principalOf(bystander), invitation.token))).resolves.toMatchObject({
      details: { reason: 'invitation_email_mismatch' },
    });
    await expect(world.invitations.accept(await world.principalOf(person), invitation.token)).resolves.toEqual({
      project_id: projectId,
      role: 'operator',
    });
    expect(await world.repositories.memberships.rolesOf(person._id)).toEqual({ [projectId]: 'operator' });
    expect(world.events(MembershipEvents.changed.subject).at(-1)?.payload).toMatchObject({ user_id: person._id, project_id: projectId });
    await expect(failureOf(world.invitations.accept(await world.principalOf(person), invitation.token))).resolves.toMatchObject({
      details: { reason: 'invitation_invalid' },
    });

    const root = await world.principalOf(await world.user('aroot_inv', true));
    const intoSystem = await world.invitations.create(root, { email: 'later.account@example.com' });
    const later = await world.user('later.account');
    await expect(failureOf(world.invitations.accept(await world.principalOf(later), intoSystem.token))).resolves.toMatchObject({
      code: ErrorCode.conflict,
    });
  });
});
