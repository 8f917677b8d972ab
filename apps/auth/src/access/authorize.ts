import { DomainError, ErrorCode, holds, ROLES, sees, type Permission, type Principal, type Role } from '@ir/contracts';

/** What a 403 names: a permission of the table, or being a system administrator. */
export type Requirement = Permission | 'system_admin';

/** FORBIDDEN naming what the caller lacks, in the message and in `details.permission`. */
export function forbidden(requirement: Requirement, message = `this needs the ${requirement} permission`): DomainError {
  return new DomainError(ErrorCode.forbidden, message, undefined, { permission: requirement });
}

/** One answer for a project that does not exist and one the caller cannot see: ids are no oracle. */
export function projectNotFound(): DomainError {
  return new DomainError(ErrorCode.notFound, 'project not found');
}

/** System administrators, and services acting on their own. */
export function isSystemAdmin(principal: Principal): boolean {
  return principal.kind === 'service' || (principal.kind === 'user' && principal.system_admin);
}

export function requireSystemAdmin(principal: Principal): void {
  if (!isSystemAdmin(principal)) throw forbidden('system_admin', 'only a system administrator may do this');
}

/**
 * The order of checks every handler of a project's resources keeps: 404 when the caller sees nothing
 * of the project, then 403 naming the permission its role lacks.
 */
export function authorize(principal: Principal, permission: Permission, projectId: string): void {
  if (!sees(principal, projectId)) throw projectNotFound();
  if (!holds(principal, permission, projectId)) throw forbidden(permission);
}

/** The caller's role in the project: its membership's, and admin for system administrators and services. */
export function roleIn(principal: Principal, projectId: string): Role | undefined {
  if (isSystemAdmin(principal)) return 'admin';
  return principal.kind === 'service' ? undefined : principal.projects[projectId];
}

/** The caller's membership role as a view shows it (null for a system administrator who is no member). */
export function memberRoleIn(principal: Principal, projectId: string): Role | null {
  return principal.kind === 'service' ? null : (principal.projects[projectId] ?? null);
}

/** Nobody hands out (to a member, an invitation or an API key) a role above their own. */
export function assertGrantable(principal: Principal, projectId: string, role: Role, permission: Permission): void {
  const own = roleIn(principal, projectId);
  if (own === undefined || ROLES.indexOf(role) > ROLES.indexOf(own)) {
    throw forbidden(permission, `you may grant at most your own role (${own ?? 'none'}), not ${role}`);
  }
}

/** The user a request acts for; a 403 for an API key or a service, which have no account. */
export function userIdOf(principal: Principal, what: string): string {
  if (principal.kind !== 'user') throw new DomainError(ErrorCode.forbidden, `only a user can ${what}`, undefined, { reason: 'user_only' });
  return principal.id;
}
