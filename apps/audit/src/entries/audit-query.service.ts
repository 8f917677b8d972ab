import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  forbidden,
  holds,
  MAX_OFFSET,
  projectsWhere,
  sees,
  validationFailed,
  withinMaxOffset,
  type AuditPage,
  type AuditQuery,
  type Principal,
} from '@ir/contracts';
import { requirePrincipal } from '@ir/messaging';
import { decodeCursor, encodeCursor } from './audit-bucket';
import { AuditBucketReader } from './audit-bucket-reader.service';
import type { AuditEntryDocument } from './audit-entry.model';
import { toAuditEntry } from './audit-entry-view';
import { AuditEntryRepository } from './audit-entry.repository';

const DEFAULT_LIMIT = 20;

/**
 * `GET /audit`: the entries the caller may read, newest first. A keyset page (a first page, or
 * `after`) is read bucket by bucket and answers without a total; an offset page (`page`, or a first
 * page with `count=true`) is counted and skips, reading every matching entry on FerretDB: a cost
 * the caller asks for, never the default.
 */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly buckets: AuditBucketReader,
  ) {}

  async list(query: AuditQuery): Promise<AuditPage> {
    const principal = requirePrincipal();
    authorize(principal, query.project_id);
    const page = { page: query.page ?? 1, limit: query.limit ?? DEFAULT_LIMIT };
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    assertQueryFits(query, page, from, to);
    const filter = { projectId: query.project_id, actorId: query.actor_id, action: query.action, from, to };
    if (query.after !== undefined || (query.page === undefined && query.count !== 'true')) {
      const after = query.after === undefined ? undefined : decodeCursor(query.after);
      const { items, more } = await this.buckets.newest(principal, filter, after, page.limit);
      return { ...viewOf(items, more), page: 1, limit: page.limit, total: null };
    }
    const { items, total } = await this.entries.page(principal, filter, page);
    return { ...viewOf(items, page.page * page.limit < total), page: page.page, limit: page.limit, total };
  }
}

/** The page's entries as shown, and the cursor of its last when more follow. */
function viewOf(items: AuditEntryDocument[], more: boolean): Pick<AuditPage, 'items' | 'next_after'> {
  const last = items.at(-1);
  return { items: items.map(toAuditEntry), next_after: more && last ? encodeCursor({ at: last.at, id: last._id }) : null };
}

/**
 * In one project: 404 when the caller sees nothing of it, 403 naming `audit:read` when its role is
 * too low. Across projects: 403 when it holds `audit:read` in none (the list would be empty for a
 * reason the caller should be told).
 */
function authorize(principal: Principal, projectId: string | undefined): void {
  if (projectId !== undefined) {
    if (!sees(principal, projectId)) throw new DomainError(ErrorCode.notFound, 'project not found');
    if (!holds(principal, 'audit:read', projectId)) throw forbidden('audit:read');
    return;
  }
  const scope = projectsWhere(principal, 'audit:read');
  if (!scope.all && scope.ids.length === 0) throw forbidden('audit:read');
}

function assertQueryFits(query: AuditQuery, page: { page: number; limit: number }, from: Date | undefined, to: Date | undefined): void {
  if (query.after !== undefined && query.page !== undefined) {
    throw validationFailed([{ field: 'after', rule: 'exclusive', message: 'page by page or after a cursor, not both' }]);
  }
  if (!withinMaxOffset(page)) {
    throw validationFailed([
      { field: 'page', rule: 'max_offset', message: `page × limit may reach at most ${MAX_OFFSET} entries; narrow the time range instead` },
    ]);
  }
  if (from && to && from > to) throw validationFailed([{ field: 'to', rule: 'range', message: 'must not be before from' }]);
}
