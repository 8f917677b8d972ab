import type { LoggerService } from '@nestjs/common';
import type { Model } from 'mongoose';
import { ensureOwnIndexes, type OwnIndexesResult } from './own-indexes';

/** A caller's reach (see `projectsWhere` in the contracts): every project, or the ones listed. */
export type ProjectScopeLike = { readonly all: true } | { readonly all: false; readonly ids: readonly string[] };

/**
 * The one class that queries and writes one of a service's own collections: every query of the
 * collection is a named operation of its repository, so a rule that every query must keep (such
 * as the caller's scope) has one place to be kept. Nothing else in a service touches mongoose.
 */
export abstract class OwnRepository<D> {
  protected constructor(protected readonly model: Model<D>) {}

  /**
   * The part of a filter that keeps to the projects of `scope`: every project, or those listed. One
   * project is an equality, which means the same as a one-element `$in` and which FerretDB 1.24 on
   * PostgreSQL filters in SQL with the collection's index (it never pushes `$in` down).
   */
  protected inProjects(scope: ProjectScopeLike): Record<string, unknown> {
    if (scope.all) return {};
    return scope.ids.length === 1 ? { project_id: scope.ids[0] } : { project_id: { $in: [...scope.ids] } };
  }

  /** Creates the indexes the collection's schema declares (see `ensureOwnIndexes`). */
  ensureIndexes(logger: LoggerService): Promise<OwnIndexesResult> {
    return ensureOwnIndexes([this.model], logger);
  }
}
