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
  type AuditEntry,
  type AuditQuery,
  type Principal,
} from '@ir/contracts';
import { requirePrincipal } from '@ir/messaging';
import { mapPage, type Page } from '@ir/platform';
import { toAuditEntry } from './audit-entry-view';
import { AuditEntryRepository } from './audit-entry.repository';

const DEFAULT_LIMIT = 20;

/** `GET /audit`: the entries the caller may read, newest first. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly entries: AuditEntryRepository) {}

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const principal = requirePrincipal();
    authorize(principal, query.project_id);
    const page = { page: query.page ?? 1, limit: query.limit ?? DEFAULT_LIMIT };
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    assertQueryFits(page, from, to);
    const filter = { projectId: query.project_id, actorId: query.actor_id, action: query.action, from, to };
    return mapPage(await this.entries.page(principal, filter, page), toAuditEntry);
  }
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

function assertQueryFits(page: { page: number; limit: number }, from: Date | undefined, to: Date | undefined): void {
  if (!withinMaxOffset(page)) {
    throw validationFailed([
      { field: 'page', rule: 'max_offset', message: `page × limit may reach at most ${MAX_OFFSET} entries; narrow the time range instead` },
    ]);
  }
  if (from && to && from > to) throw validationFailed([{ field: 'to', rule: 'range', message: 'must not be before from' }]);
}
