import { API_KEY_PATTERN, ApiKeyEvents, ErrorCode } from '@ir/contracts';
import { failureOf, openAuthWorld, type AuthWorld } from '../testing/auth-world';
import { hashApiKey } from '@ir/contracts';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** API keys on a real MongoDB: created once-shown, listed without secret, verified, used, revoked, expired. */
describe('ApiKeysService', () => {
  let world: AuthWorld;
  let admin: Awaited<ReturnType<AuthWorld['user']>>;
  let projectId: string;

  beforeAll(async () => {
    world = await openAuthWorld('apikeys', { AUTH_API_KEY_MAX_TTL: 30 * 86_400_000 });
    admin = await world.user('key_admin');
    projectId = await world.project('Keys', [[admin, 'admin']]);
  });
  afterAll(() => world.close());

  it('creates a key shown once, stores only its SHA-256, and lists it without any secret', async () => {
    const created = await world.apiKeys.create(await world.principalOf(admin), projectId, {
      name: 'ci',
      role: 'operator',
      expires_at: inDays(7),
    });

    const match = API_KEY_PATTERN.exec(created.key);
    expect(match?.[1]).toBe(created.id);
    expect(created).toMatchObject({
      name: 'ci',
      project_id: projectId,
      role: 'operator',
      created_by: admin._id,
      revoked_at: null,
      last_used_at: null,
    });
    const stored = await world.models.apiKeys.findById(created.id).lean();
    expect(stored?.key_hash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(stored)).not.toContain(match![2]);

    const { items } = await world.apiKeys.list(await world.principalOf(admin), projectId);
    const { key: _shownOnce, ...view } = created;
    expect(items.find((k) => k.id === created.id)).toEqual(view);
    expect(JSON.stringify(items)).not.toContain(match![2]);
  });

  it('needs api_keys:manage: 403 for an operator, user or key alike, and 404 for a stranger', async () => {
    const operator = await world.user('key_operator');
    await world.members.grant(projectId, operator._id, 'operator');
    const stranger = await world.user('key_stranger');
    const body = { name: 'x', role: 'viewer' as const, expires_at: inDays(1) };

    await expect(failureOf(world.apiKeys.create(await world.principalOf(operator), projectId, body))).resolves.toMatchObject({
      code: ErrorCode.forbidden,
      details: { permission: 'api_keys:manage' },
    });
    await expect(failureOf(world.apiKeys.list(await world.principalOf(stranger), projectId))).resolves.toMatchObject({
      code: ErrorCode.notFound,
    });

    const key = await world.apiKeys.create(await world.principalOf(admin), projectId, { ...body, role: 'operator' });
    const asKey = await world.apiKeys.verify(hashApiKey(key.key));
    await expect(failureOf(world.apiKeys.create(asKey, projectId, body))).resolves.toMatchObject({ code: ErrorCode.forbidden });
  });

  it.each([
    ['in the past', () => new Date(Date.now() - 60_000).toISOString(), /in the future/],
    ['beyond AUTH_API_KEY_MAX_TTL', () => inDays(31), /at most 30 days/],
  ])('refuses an expiry %s with 400 naming expires_at', async (_what, expiresAt, message) => {
    const error = await failureOf(
      world.apiKeys.create(await world.principalOf(admin), projectId, { name: 'bad', role: 'viewer', expires_at: expiresAt() }),
    );
    expect(error).toMatchObject({
      code: ErrorCode.validation,
      issues: [{ field: 'expires_at', rule: 'out_of_range', message: expect.stringMatching(message) }],
    });
  });

  it('verifies a key as the principal of its project and role, recording its use at most once a minute', async () => {
    const created = await world.apiKeys.create(await world.principalOf(admin), projectId, {
      name: 'deploy',
      role: 'editor',
      expires_at: inDays(2),
    });

    await expect(world.apiKeys.verify(hashApiKey(created.key))).resolves.toEqual({
      kind: 'api_key',
      id: created.id,
      name: 'deploy',
      projects: { [projectId]: 'editor' },
    });
    const first = (await world.models.apiKeys.findById(created.id).lean())?.last_used_at;
    expect(first).toBeInstanceOf(Date);

    await world.apiKeys.verify(hashApiKey(created.key));
    expect((await world.models.apiKeys.findById(created.id).lean())?.last_used_at).toEqual(first);

    const longAgo = new Date(Date.now() - 61_000);
    await world.models.apiKeys.updateOne({ _id: created.id }, { $set: { last_used_at: longAgo } });
    await world.apiKeys.verify(hashApiKey(created.key));
    expect((await world.models.apiKeys.findById(created.id).lean())!.last_used_at!.getTime()).toBeGreaterThan(longAgo.getTime());
  });

  it('refuses unknown, revoked and expired keys with one 401; revoking is announced and idempotent', async () => {
    const unauthenticated = { code: ErrorCode.unauthenticated, message: 'API key is invalid, expired or revoked' };
    await expect(failureOf(world.apiKeys.verify(hashApiKey(`irk_00000000_${'A'.repeat(43)}`)))).resolves.toMatchObject(unauthenticated);

    const revoked = await world.apiKeys.create(await world.principalOf(admin), projectId, {
      name: 'gone',
      role: 'viewer',
      expires_at: inDays(1),
    });
    const view = await world.apiKeys.revoke(await world.principalOf(admin), projectId, revoked.id);
    expect(view.revoked_at).toEqual(expect.any(String));
    await expect(world.apiKeys.revoke(await world.principalOf(admin), projectId, revoked.id)).resolves.toEqual(view);
    expect(world.events(ApiKeyEvents.revoked.subject).filter((e) => e.payload.key_id === revoked.id)).toEqual([
      {
        subject: ApiKeyEvents.revoked.subject,
        payload: { key_id: revoked.id, revoked_at: view.revoked_at },
        msgId: `apikey-revoked:${revoked.id}`,
      },
      {
        subject: ApiKeyEvents.revoked.subject,
        payload: { key_id: revoked.id, revoked_at: view.revoked_at },
        msgId: `apikey-revoked:${revoked.id}`,
      },
    ]);
    await expect(failureOf(world.apiKeys.verify(hashApiKey(revoked.key)))).resolves.toMatchObject(unauthenticated);

    const expired = await world.apiKeys.create(await world.principalOf(admin), projectId, {
      name: 'old',
      role: 'viewer',
      expires_at: inDays(1),
    });
    await world.models.apiKeys.updateOne({ _id: expired.id }, { $set: { expires_at: new Date(Date.now() - 1000) } });
    await expect(failureOf(world.apiKeys.verify(hashApiKey(expired.key)))).resolves.toMatchObject(unauthenticated);
  });

  it('answers 404 for a key of another project, even to its admin', async () => {
    const other = await world.user('key_other_admin');
    const otherProject = await world.project('Other keys', [[other, 'admin']]);
    const theirs = await world.apiKeys.create(await world.principalOf(other), otherProject, {
      name: 'theirs',
      role: 'viewer',
      expires_at: inDays(1),
    });
    await expect(failureOf(world.apiKeys.revoke(await world.principalOf(admin), projectId, theirs.id))).resolves.toMatchObject({
      code: ErrorCode.notFound,
      message: 'API key not found',
    });
    await expect(failureOf(world.apiKeys.revoke(await world.principalOf(admin), otherProject, theirs.id))).resolves.toMatchObject({
      code: ErrorCode.notFound,
      message: 'project not found',
    });
  });
});
