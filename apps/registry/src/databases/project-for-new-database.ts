import { projectsWhere, validationFailed, type Principal } from '@ir/contracts';

/**
 * The project a database goes into when its creator names none: the one project they may add
 * databases to. Clients of the original API, which had no projects, keep working for a caller who
 * administers a single project; anyone else must say which.
 */
export function projectForNewDatabase(principal: Principal): string {
  const scope = projectsWhere(principal, 'databases:manage');
  if (!scope.all && scope.ids.length === 1) return scope.ids[0];
  const message = scope.all
    ? 'give the project the database goes into'
    : scope.ids.length === 0
      ? 'you administer no project: create one (POST /projects) or ask an admin of one to register the database'
      : `you administer ${scope.ids.length} projects: give the one the database goes into`;
  throw validationFailed([{ field: 'project_id', rule: 'required', message }]);
}
