import { Injectable, Logger } from '@nestjs/common';
import { overviewFieldsFromBody } from './drift-overview';
import type { DriftSnapshotDocument } from './drift-snapshot.model';
import { DriftSnapshotRepository, type OverviewFields } from './drift-snapshot.repository';

/**
 * Counts, once, the snapshots stored before the fleet overview kept its fields beside the body:
 * the overview filters by project and state in the query, so a snapshot without them could not be
 * found by a count made while reading. Every replica may run it at start (two at once set the same
 * counts); a snapshot that a compare has written since the list was read is left alone.
 */
@Injectable()
export class DriftOverviewBackfill {
  private readonly logger = new Logger(DriftOverviewBackfill.name);

  constructor(private readonly snapshots: DriftSnapshotRepository) {}

  /** Answers how many snapshots it counted. */
  async run(): Promise<number> {
    let counted = 0;
    for (const id of await this.snapshots.withoutOverview()) {
      const snapshot = await this.snapshots.findById(id, { withBody: true });
      // Deleted, or written by a compare, since the list was read.
      if (!snapshot || snapshot.totals) continue;
      const fields = this.fieldsOf(snapshot);
      if (!fields) continue;
      await this.snapshots.setOverview(id, fields);
      counted += 1;
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
