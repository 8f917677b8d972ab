import type { EntityName, EntityState } from '@ir/contracts';
import type { EntityRepository } from '../entities/entity.repository';
import type { OplogRepository } from '../oplog/oplog.repository';

export type HardRefreshOutcome = 'started' | 'already_scanning' | 'not_found';

export interface HardRefreshProgress {
  readonly state: EntityState;
  /** Entries staged so far: the scan's documents and the changes made meanwhile. */
  readonly staged: number;
}

/**
 * A hard refresh (rebuild from scratch) of one entity: it goes back to `scanning` (its changes wait in
 * staging), the capture scans its collection again into staging, and the merge moves the scan in after
 * deletes for the documents it did not find (OplogRepository.finishScan). Replicators need nothing
 * special: they apply those entries like any other. Scoped by the caller's project.
 */
export class HardRefresh {
  constructor(
    private readonly entities: EntityRepository,
    private readonly oplog: OplogRepository,
  ) {}

  async request(projectId: string, name: EntityName): Promise<HardRefreshOutcome> {
    if (await this.entities.restartScan(projectId, name)) return 'started';
    return (await this.entities.get(projectId, name)) ? 'already_scanning' : 'not_found';
  }

  /** Where the entity's refresh is: `scanned` again means done. Undefined for an entity not found. */
  async progress(projectId: string, name: EntityName): Promise<HardRefreshProgress | undefined> {
    const entity = await this.entities.get(projectId, name);
    return entity && { state: entity.state, staged: entity.state === 'scanning' ? await this.oplog.stagedCount(name) : 0 };
  }
}
