import type { ResetEvent } from '../source/change-stream-reader';

/**
 * The entities a change stream's reset touches: those reading the dropped or renamed collection, all
 * of the source database when it was dropped, all of them when the stream was invalidated (no namespace).
 */
export function entitiesResetBy<E extends { readonly collection: string }>(
  event: ResetEvent,
  database: string,
  entities: readonly E[],
): E[] {
  if (event.ns === undefined || event.ns === database) return [...entities];
  return entities.filter((entity) => event.ns === `${database}.${entity.collection}`);
}
