import type { PERMISSIONS, Permission, Role } from '@ir/contracts';
import { useProject } from './project-context';

// The contracts' table, copied: importing it would bring zod into the bundle. Its type is the
// contracts' own (`as const`), so a change there fails the console's typecheck until this follows.
const MINIMUM_ROLE: typeof PERMISSIONS = {
  'databases:read': 'viewer',
  'definitions:read': 'viewer',
  'drift:read': 'viewer',
  'syncs:read': 'viewer',
  'entities:read': 'viewer',
  'definitions:write': 'editor',
  'imports:run': 'editor',
  'entities:write': 'editor',
  'syncs:run': 'operator',
  'syncs:approve': 'operator',
  'caches:recreate': 'operator',
  'databases:manage': 'admin',
  'members:manage': 'admin',
  'api_keys:manage': 'admin',
  'project:manage': 'admin',
  'audit:read': 'admin',
};
/** From the least to the most allowed (ROLES in the contracts). */
export const ROLE_ORDER: readonly Role[] = ['viewer', 'editor', 'operator', 'admin'];

/**
 * Whether the signed-in user may use `permission` in the project, by the role the project list
 * names (null there: a system administrator, admin everywhere). Only hides what the user cannot use:
 * the API checks every request anyway.
 */
export function useCan(projectId: string | null | undefined): (permission: Permission) => boolean {
  const { projects } = useProject();
  const project = projects.find((candidate) => candidate.id === projectId);
  return (permission) => project !== undefined && holds(project.role, permission);
}

/** The projects where the user holds `permission`. */
export function useProjectsWhere(permission: Permission) {
  const { projects } = useProject();
  return projects.filter((project) => holds(project.role, permission));
}

function holds(role: Role | null, permission: Permission): boolean {
  return ROLE_ORDER.indexOf(role ?? 'admin') >= ROLE_ORDER.indexOf(MINIMUM_ROLE[permission]);
}
