import { holds, PERMISSIONS, projectsWhere, ROLES, sees, type Permission, type Principal, type Role } from './access';

const P1 = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const P2 = 'bbbbbbbbbbbbbbbbbbbbbbbb';

// What the issue asks of each role, written out here rather than derived from the table it checks.
const EXPECTED: Record<Role, readonly Permission[]> = {
  viewer: ['databases:read', 'definitions:read', 'drift:read', 'syncs:read', 'entities:read'],
  editor: [
    'databases:read',
    'definitions:read',
    'drift:read',
    'syncs:read',
    'entities:read',
    'definitions:write',
    'imports:run',
    'entities:write',
  ],
  operator: [
    'databases:read',
    'definitions:read',
    'drift:read',
    'syncs:read',
    'entities:read',
    'definitions:write',
    'imports:run',
    'entities:write',
    'syncs:run',
    'syncs:approve',
    // Issue 16: an operator rebuilds an entity's caches.
    'caches:recreate',
  ],
  admin: Object.keys(PERMISSIONS) as Permission[],
};

const member = (role: Role): Principal => ({ kind: 'user', id: 'u1', name: 'ann', system_admin: false, projects: { [P1]: role } });

describe('the role table', () => {
  it.each(ROLES.flatMap((role) => (Object.keys(PERMISSIONS) as Permission[]).map((permission) => [role, permission] as const)))(
    '%s and %s',
    (role, permission) => {
      expect(holds(member(role), permission, P1)).toBe(EXPECTED[role].includes(permission));
      // Never in a project the principal is not a member of.
      expect(holds(member(role), permission, P2)).toBe(false);
    },
  );

  it('scopes lists to the projects where the permission is held', () => {
    const ann: Principal = { kind: 'user', id: 'u1', name: 'ann', system_admin: false, projects: { [P1]: 'viewer', [P2]: 'operator' } };
    expect(projectsWhere(ann, 'syncs:read')).toEqual({ all: false, ids: [P1, P2] });
    expect(projectsWhere(ann, 'syncs:run')).toEqual({ all: false, ids: [P2] });
    expect(projectsWhere(ann, 'audit:read')).toEqual({ all: false, ids: [] });
    expect(sees(ann, P1)).toBe(true);
    expect(sees({ ...ann, projects: {} }, P1)).toBe(false);
  });

  it('an API key holds its one role in its one project; system administrators and services every permission everywhere', () => {
    const key: Principal = { kind: 'api_key', id: 'k1', name: 'ci', projects: { [P1]: 'editor' } };
    expect(holds(key, 'definitions:write', P1)).toBe(true);
    expect(holds(key, 'syncs:run', P1)).toBe(false);
    expect(holds(key, 'definitions:read', P2)).toBe(false);
    const root: Principal = { kind: 'user', id: 'u0', name: 'root', system_admin: true, projects: {} };
    expect(projectsWhere(root, 'audit:read')).toEqual({ all: true });
    expect(holds({ kind: 'service', id: 'comparator', name: 'comparator' }, 'syncs:run', P2)).toBe(true);
  });
});
