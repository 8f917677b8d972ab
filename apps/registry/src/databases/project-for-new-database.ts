import { roleHolds, validationFailed, type Principal } from '@ir/contracts';

/**
 * The project a database goes into when its creator names none: the one project the creator
 * administers as a member (a system administrator's too: the default project of the first one).
 * Clients of the original API, which had no projects, keep working for such a caller; anyone
 * else must say which.
 */
export function projectForNewDatabase(principal: Principal): string {
  const administered =
    principal.kind === 'service'
      ? []
      : Object.entries(principal.projects).flatMap(([id, role]) => (roleHolds(role, 'databases:manage') ? [id] : []));
  if (administered.length === 1) return administered[0];
  const message =
    administered.length === 0
      ? 'give the project the database goes into (you administer none: a system administrator creates projects)'
      : `you administer ${administered.length} projects: give the one the database goes into`;
  throw validationFailed([{ field: 'project_id', rule: 'required', message }]);
}
