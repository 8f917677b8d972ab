import { DomainError, ErrorCode, type Principal, type Role } from '@ir/contracts';
import { assertGrantable, authorize, memberRoleIn, requireSystemAdmin, roleIn, userIdOf } from './authorize';

const P1 = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const P2 = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const user = (projects: Record<string, Role>, system_admin = false): Principal => ({
  kind: 'user',
  id: 'u1',
  name: 'ann',
  system_admin,
  projects,
});
const key: Principal = { kind: 'api_key', id: '0a1b2c3d', name: 'ci', projects: { [P1]: 'operator' } };
const service: Principal = { kind: 'service', id: 'registry', name: 'registry' };

function failure(run: () => void): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('authorize', () => {
  it('answers 404 for a project the caller is no member of, whatever the permission', () => {
    for (const permission of ['databases:read', 'members:manage'] as const) {
      expect(failure(() => authorize(user({ [P1]: 'admin' }), permission, P2)).toBody()).toEqual({
        code: ErrorCode.notFound,
        message: 'project not found',
      });
    }
  });

  it('answers 403 naming the permission a member lacks', () => {
    const error = failure(() => authorize(user({ [P1]: 'editor' }), 'members:manage', P1));
    expect(error.code).toBe(ErrorCode.forbidden);
    expect(error.details).toEqual({ permission: 'members:manage' });
    expect(error.message).toContain('members:manage');
  });

  it('lets a member do what its role holds, and system administrators and services anything anywhere', () => {
    expect(() => authorize(user({ [P1]: 'viewer' }), 'databases:read', P1)).not.toThrow();
    expect(() => authorize(key, 'syncs:run', P1)).not.toThrow();
    expect(() => authorize(user({}, true), 'project:manage', P2)).not.toThrow();
    expect(() => authorize(service, 'members:manage', P2)).not.toThrow();
  });
});

describe('roles', () => {
  it('takes system administrators as admins of every project, and shows only real memberships', () => {
    expect(roleIn(user({}, true), P1)).toBe('admin');
    expect(memberRoleIn(user({}, true), P1)).toBeNull();
    expect(roleIn(user({ [P1]: 'editor' }), P1)).toBe('editor');
    expect(roleIn(user({ [P1]: 'editor' }), P2)).toBeUndefined();
  });

  it('refuses to grant a role above the granter’s own, naming the permission', () => {
    expect(failure(() => assertGrantable(key, P1, 'admin', 'api_keys:manage'))).toMatchObject({
      code: ErrorCode.forbidden,
      details: { permission: 'api_keys:manage' },
    });
    expect(() => assertGrantable(key, P1, 'operator', 'api_keys:manage')).not.toThrow();
    expect(() => assertGrantable(user({ [P1]: 'admin' }), P1, 'admin', 'members:manage')).not.toThrow();
    expect(() => assertGrantable(user({ [P1]: 'admin' }), P2, 'viewer', 'members:manage')).toThrow(DomainError);
  });
});

describe('who the caller is', () => {
  it('needs a system administrator where the system is concerned', () => {
    expect(failure(() => requireSystemAdmin(user({ [P1]: 'admin' }))).details).toEqual({ permission: 'system_admin' });
    expect(() => requireSystemAdmin(user({}, true))).not.toThrow();
    expect(() => requireSystemAdmin(key)).toThrow(DomainError);
  });

  it('needs a user where an account is concerned', () => {
    expect(userIdOf(user({}), 'accept an invitation')).toBe('u1');
    expect(failure(() => userIdOf(key, 'accept an invitation'))).toMatchObject({
      code: ErrorCode.forbidden,
      details: { reason: 'user_only' },
    });
  });
});
