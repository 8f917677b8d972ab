import { API_KEY_PATTERN, AuthApiKeyRpc, CreateApiKeyBody } from './auth-api-keys';
import { AccessTokenClaims, PasswordChangeBody, principalOfClaims, RegisterRequest } from './auth';
import { CreateInvitationBody } from './auth-invitations';
import { AuthProjectRpc, UpdateProjectBody } from './auth-projects';

const PROJECT = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const TOKEN = `iri_${'A'.repeat(43)}`;
const person = { email: 'ann@example.com', username: 'ann' };

describe('registration and password contracts', () => {
  it('asks for 12 characters at least', () => {
    expect(RegisterRequest.safeParse({ ...person, password: 'x'.repeat(11) }).error?.issues).toEqual([
      expect.objectContaining({ path: ['password'], code: 'too_small' }),
    ]);
    expect(RegisterRequest.safeParse({ ...person, password: 'x'.repeat(12) }).success).toBe(true);
    expect(PasswordChangeBody.safeParse({ current_password: 'old', new_password: 'x'.repeat(11) }).success).toBe(false);
  });

  it('takes an invitation token of the issued shape only', () => {
    expect(RegisterRequest.parse({ ...person, password: 'x'.repeat(12), invitation: TOKEN }).invitation).toBe(TOKEN);
    for (const invitation of ['', 'iri_short', `irk_${'A'.repeat(43)}`, `${TOKEN}=`]) {
      expect(RegisterRequest.safeParse({ ...person, password: 'x'.repeat(12), invitation }).success).toBe(false);
    }
  });
});

describe('access token claims', () => {
  it('read a token signed before projects existed as a user of no project', () => {
    expect(AccessTokenClaims.parse({ sub: 'u1', sid: 's1', username: 'ann' })).toEqual({
      sub: 'u1',
      sid: 's1',
      username: 'ann',
      sa: false,
      projects: {},
    });
  });

  it('refuse a role that is none and a project id that is no ObjectId', () => {
    expect(AccessTokenClaims.safeParse({ sub: 'u', sid: 's', username: 'a', sa: false, projects: { [PROJECT]: 'owner' } }).success).toBe(
      false,
    );
    expect(AccessTokenClaims.safeParse({ sub: 'u', sid: 's', username: 'a', sa: false, projects: { p1: 'admin' } }).success).toBe(false);
  });

  it('become the principal of a user', () => {
    const claims = AccessTokenClaims.parse({ sub: 'u1', sid: 's1', username: 'ann', sa: true, projects: { [PROJECT]: 'editor' } });
    expect(principalOfClaims(claims)).toEqual({
      kind: 'user',
      id: 'u1',
      name: 'ann',
      system_admin: true,
      projects: { [PROJECT]: 'editor' },
    });
  });
});

describe('project, invitation and API key requests', () => {
  it('carry the caller on the bus, never in the body: a principal field is refused', () => {
    const principal = { kind: 'user', id: 'u1', name: 'ann', system_admin: true, projects: {} };
    expect(AuthProjectRpc.get.request.safeParse({ project_id: PROJECT }).success).toBe(true);
    expect(AuthProjectRpc.get.request.safeParse({ principal, project_id: PROJECT }).success).toBe(false);
    expect(AuthProjectRpc.list.request.parse({})).toMatchObject({ page: 1, limit: 20 });
  });

  it('change something of a project, or say what is missing', () => {
    expect(UpdateProjectBody.safeParse({}).error?.issues).toEqual([expect.objectContaining({ path: ['name'] })]);
    expect(UpdateProjectBody.safeParse({ description: '' }).success).toBe(true);
  });

  it('invite with a role into a project, and without one into the system', () => {
    expect(CreateInvitationBody.safeParse({ email: 'b@example.com' }).success).toBe(true);
    expect(CreateInvitationBody.safeParse({ email: 'b@example.com', project_id: PROJECT, role: 'editor' }).success).toBe(true);
    expect(CreateInvitationBody.safeParse({ email: 'b@example.com', project_id: PROJECT }).error?.issues).toEqual([
      expect.objectContaining({ path: ['role'] }),
    ]);
    expect(CreateInvitationBody.safeParse({ email: 'b@example.com', role: 'viewer' }).success).toBe(false);
  });

  it('give an API key an expiry, always', () => {
    expect(CreateApiKeyBody.safeParse({ name: 'ci', role: 'operator' }).error?.issues).toEqual([
      expect.objectContaining({ path: ['expires_at'] }),
    ]);
    expect(CreateApiKeyBody.safeParse({ name: 'ci', role: 'operator', expires_at: '2030-01-01T00:00:00Z' }).success).toBe(true);
    expect(CreateApiKeyBody.safeParse({ name: 'ci', role: 'operator', expires_at: 'next year' }).success).toBe(false);
  });

  it('verify a key by its SHA-256 only', () => {
    expect(AuthApiKeyRpc.verify.request.safeParse({ key_hash: 'f'.repeat(64) }).success).toBe(true);
    expect(AuthApiKeyRpc.verify.request.safeParse({ key_hash: `irk_${'0'.repeat(8)}_${'A'.repeat(43)}` }).success).toBe(false);
  });

  it('recognise a key by its prefix, id and secret', () => {
    expect(API_KEY_PATTERN.exec(`irk_0a1b2c3d_${'A'.repeat(43)}`)?.[1]).toBe('0a1b2c3d');
    expect(API_KEY_PATTERN.test(`irk_0a1b2c3_${'A'.repeat(43)}`)).toBe(false);
  });
});
