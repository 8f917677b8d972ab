import { Injectable } from '@nestjs/common';
import { assertHolds, DomainError, ErrorCode, projectsWhere, sees, type FleetDriftPage, type FleetDriftQuery } from '@ir/contracts';
import { requirePrincipal } from '@ir/messaging';
import { toFleetDriftItem } from './drift-overview';
import { DriftSnapshotRepository } from './drift-snapshot.repository';

/** `GET /drift`: the latest drift of every database the caller may read drift of, a page at a time. */
@Injectable()
export class FleetDriftService {
  constructor(private readonly snapshots: DriftSnapshotRepository) {}

  async page(query: FleetDriftQuery): Promise<FleetDriftPage> {
    const principal = requirePrincipal();
    // One project: 404 when the caller sees nothing of it, 403 naming drift:read when its role is too low.
    if (query.project_id !== undefined) {
      if (!sees(principal, query.project_id)) throw new DomainError(ErrorCode.notFound, 'project not found');
      assertHolds(principal, 'drift:read', query.project_id);
    }
    const filter = { projectId: query.project_id, state: query.state, after: query.after };
    // One more than the page: whether there is a next one, without counting them all.
    const rows = await this.snapshots.overviewPage(projectsWhere(principal, 'drift:read'), filter, query.limit + 1);
    const items = rows.slice(0, query.limit).map(toFleetDriftItem);
    return { items, limit: query.limit, next_after: rows.length > query.limit ? items[items.length - 1].database_id : null };
  }
}
