import { Inject, Injectable } from '@nestjs/common';
import { narrowTo, projectsWhere, type AuditAction, type AuditEntry, type Principal } from '@ir/contracts';
import { findPage, isDuplicateKeyError, OwnRepository, type Page, type PageRequest } from '@ir/platform';
import type { FilterQuery } from 'mongoose';
import { AUDIT_ENTRY_MODEL, type AuditEntryDocument, type AuditEntryModel } from './audit-entry.model';
import { toAuditEntryDocument } from './audit-entry-view';

/** What a list of entries keeps to, besides the caller's reach. */
export interface AuditFilter {
  readonly projectId?: string;
  readonly actorId?: string;
  readonly action?: AuditAction;
  readonly from?: Date;
  readonly to?: Date;
}

/** Whether `store` kept the entry now, or had it already (a redelivery). */
export type StoreResult = 'stored' | 'already_stored';

/**
 * The `audit_entries` collection, append-only: entries are inserted once and never changed; the one
 * delete is the retention prune of entries older than the retention period. Every read takes the
 * caller and finds only entries of projects where it holds `audit:read`; entries of no project
 * (logins, registrations) only for system administrators.
 */
@Injectable()
export class AuditEntryRepository extends OwnRepository<AuditEntryDocument> {
  constructor(@Inject(AUDIT_ENTRY_MODEL) model: AuditEntryModel) {
    super(model);
  }

  /** Stores the entry under its id; an entry stored before (the same id) is left as it is. */
  async store(entry: AuditEntry): Promise<StoreResult> {
    try {
      await this.model.create(toAuditEntryDocument(entry));
      return 'stored';
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'already_stored';
      throw error;
    }
  }

  /** The entries the caller may read that match `filter`, newest first. */
  page(principal: Principal, filter: AuditFilter, request: PageRequest): Promise<Page<AuditEntryDocument>> {
    const query: FilterQuery<AuditEntryDocument> = { ...this.reachOf(principal, filter.projectId) };
    if (filter.actorId) query['actor.id'] = filter.actorId;
    if (filter.action) query.action = filter.action;
    if (filter.from || filter.to) query.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
    return findPage(this.model, query, { at: -1, _id: -1 }, request);
  }

  /**
   * Deletes at most `limit` of the oldest entries recorded before `cutoff`; answers how many. A
   * bounded delete that the retention job repeats: FerretDB 1.x has no TTL indexes, and one
   * unbounded delete of a year's backlog would hold the database for as long as it takes.
   */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    const oldest = await this.model
      .find({ at: { $lt: cutoff } }, { _id: 1 })
      .sort({ at: 1 })
      .limit(limit)
      .lean<Pick<AuditEntryDocument, '_id'>[]>();
    if (oldest.length === 0) return 0;
    const { deletedCount } = await this.model.deleteMany({ _id: { $in: oldest.map((doc) => doc._id) } });
    return deletedCount;
  }

  /**
   * The part of a query that keeps to the caller's reach: the projects where it holds `audit:read`
   * (narrowed to one when asked), and entries of no project only for a system administrator.
   */
  private reachOf(principal: Principal, projectId: string | undefined): FilterQuery<AuditEntryDocument> {
    const scope = projectsWhere(principal, 'audit:read');
    if (projectId) return this.inProjects(narrowTo(scope, projectId));
    if (!scope.all) return this.inProjects(scope);
    return principal.kind === 'user' && principal.system_admin ? {} : { project_id: { $ne: null } };
  }
}
