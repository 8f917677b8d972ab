import { Injectable, Logger } from '@nestjs/common';
import { overviewFieldsFromBody } from './drift-overview';
import type { DriftSnapshotDocument } from './drift-snapshot.model';
import { DriftSnapshotRepository, type OverviewFields } from './drift-snapshot.repository';

/**
 * Counts, once, the snapshots stored before the fleet overview kept its fields beside the body:
 * the overview filters by project and state in the query, so a snapshot without them could not be
 * found by a count made while reading. Every replica may run it at start: a snapshot is set only
 * while it has no counts and is still the version that was read (two replicas at once set the same).
 */
@Injectable()
export class DriftOverviewBackfill {
  private readonly logger = new Logger(DriftOverviewBackfill.name);

  constructor(private readonly snapshots: DriftSnapshotRepository) {}

  /** Answers how many snapshots it counted. */
  async run(): Promise<number> {
    let counted = 0;
    for await (const snapshot of this.snapshots.withoutOverview()) {
      const fields = this.fieldsOf(snapshot);
      if (fields && (await this.snapshots.setOverview(snapshot._id, snapshot.version, fields))) counted += 1;
    }
    return counted;
  }

  /** A body that cannot be read stays out of the overview until its database is compared again. */
  private fieldsOf(snapshot: DriftSnapshotDocument): OverviewFields | undefined {
    try {
      return overviewFieldsFromBody(snapshot);
    } catch (error) {
      this.logger.warn(
        `drift of database ${snapshot._id} not counted for the overview: its stored result cannot be read (${String(error)})`,
      );
      return undefined;
    }
  }
}
