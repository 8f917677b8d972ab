import type { ProjectScope } from '@ir/contracts';

/**
 * The condition that keeps a query to the scope's projects (`projectsWhere`): none for every project,
 * else the project field among the scope's ids. Repositories add it to every query of a list, and to
 * the look-up of one record by id, so a record of another project is not found at all.
 */
export function inScope(scope: ProjectScope, field: string): Record<string, unknown> {
  return scope.all ? {} : { [field]: { $in: [...scope.ids] } };
}

/** Whether the scope takes in the project. */
export function scopeHas(scope: ProjectScope, projectId: string): boolean {
  return scope.all || scope.ids.includes(projectId);
}
