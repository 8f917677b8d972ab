import { z } from 'zod';
import { DomainError, ErrorCode } from './errors';

/**
 * Roles a member holds in a project, each with everything of the ones before it:
 * - viewer: reads definitions, manifests, drift, compares, plans, scripts, sync status, entities and their oplogs;
 * - editor: also changes definitions, manifests and entities, and imports;
 * - operator: also starts, retries, cancels and approves syncs, and recreates entity caches;
 * - admin: also manages members, API keys, databases and the project's settings, and reads its audit trail.
 */
export const ROLES = ['viewer', 'editor', 'operator', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * Every permission the services check, with the least role that holds it: the one table of who may
 * do what. A 403 names the permission.
 */
export const PERMISSIONS = {
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
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof PERMISSIONS;

/** Whether `role` holds `permission`. */
export function roleHolds(role: Role, permission: Permission): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(PERMISSIONS[permission]);
}

/** A member's role in each of its projects, by project id. */
export const ProjectRoles = z.record(z.string().regex(/^[0-9a-f]{24}$/), Role);

/**
 * Who a bus request acts for. The gateway attaches it to every request it passes on (from a verified
 * access token or API key); a service that calls another on a caller's behalf passes it on; work of
 * a service's own (a scheduled scan, a queued sync) acts as the service, naming whom it acts for.
 */
export const Principal = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    id: z.string().min(1).max(64),
    name: z.string().max(64),
    /** The system's administrators: create projects, invite people, and act as admin in every project. */
    system_admin: z.boolean(),
    projects: ProjectRoles,
  }),
  z.object({
    kind: z.literal('api_key'),
    id: z.string().min(1).max(64),
    name: z.string().max(100),
    /** An API key belongs to one project, with one role. */
    projects: ProjectRoles,
  }),
  z.object({
    kind: z.literal('service'),
    id: z.string().min(1).max(64),
    name: z.string().max(64),
  }),
]);
export type Principal = z.infer<typeof Principal>;

/** Who did something, as audit entries and events name them. */
export const Actor = z.object({ kind: z.enum(['user', 'api_key', 'service']), id: z.string(), name: z.string() });
export type Actor = z.infer<typeof Actor>;

/** A service acting on its own: a scheduled scan, a queued sync, an event it consumes. */
export function servicePrincipal(service: string): Principal {
  return { kind: 'service', id: service, name: service };
}

export function actorOf(principal: Principal): Actor {
  return { kind: principal.kind, id: principal.id, name: principal.name };
}

/** Every project (system administrators, services) or the projects listed. */
export type ProjectScope = { readonly all: true } | { readonly all: false; readonly ids: readonly string[] };

/**
 * The projects in which `principal` holds `permission`: what a repository filters every query of a
 * list by, so a caller sees nothing of a project it is not a member of.
 */
export function projectsWhere(principal: Principal, permission: Permission): ProjectScope {
  if (principal.kind === 'service' || (principal.kind === 'user' && principal.system_admin)) return { all: true };
  return { all: false, ids: Object.entries(principal.projects).flatMap(([id, role]) => (roleHolds(role, permission) ? [id] : [])) };
}

/** The part of `scope` within one project: that project if the scope reaches it, else nothing. */
export function narrowTo(scope: ProjectScope, projectId: string): ProjectScope {
  return { all: false, ids: scope.all || scope.ids.includes(projectId) ? [projectId] : [] };
}

/** Whether `principal` holds `permission` in the project. */
export function holds(principal: Principal, permission: Permission, projectId: string): boolean {
  const scope = projectsWhere(principal, permission);
  return scope.all || scope.ids.includes(projectId);
}

/** Whether the project is visible to `principal` at all (any role in it): otherwise its resources are 404. */
export function sees(principal: Principal, projectId: string): boolean {
  return holds(principal, 'databases:read', projectId);
}

/** A 403 that names the permission the caller lacks (for something the caller can see). */
export function forbidden(permission: Permission): DomainError {
  return new DomainError(
    ErrorCode.forbidden,
    `this needs the ${permission} permission (role ${PERMISSIONS[permission]} or above)`,
    undefined,
    {
      permission,
    },
  );
}

/** @throws a 403 naming the permission unless `principal` holds it in the project */
export function assertHolds(principal: Principal, permission: Permission, projectId: string): void {
  if (!holds(principal, permission, projectId)) throw forbidden(permission);
}
