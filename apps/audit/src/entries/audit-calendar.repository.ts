import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import { CALENDAR_LEVELS, dayOf, scopeOf, timeAt } from './audit-bucket';
import { AUDIT_CALENDAR_MODEL, BACKFILLED_ID, type AuditCalendarDocument, type AuditCalendarModel } from './audit-calendar.model';

/** Calendar ids this replica knows are recorded; past this many it forgets them all (a re-insert is a duplicate, nothing more). */
const KNOWN_MAX = 10_000;

/** The `audit_calendar` collection: which days, hours and minutes of which project hold audit entries (see audit-bucket.ts). */
@Injectable()
export class AuditCalendarRepository extends OwnRepository<AuditCalendarDocument> {
  private readonly known = new Set<string>();

  constructor(@Inject(AUDIT_CALENDAR_MODEL) model: AuditCalendarModel) {
    super(model);
  }

  /** Records the day, hour and minute of an entry of `projectId` at `at`, each inserted once per replica. */
  async record(projectId: string | null, at: Date): Promise<void> {
    const scope = scopeOf(projectId);
    // Outermost first: a list finds an hour only through its day, a minute through its hour.
    let parent = scope;
    for (let level = 0; level < CALENDAR_LEVELS.length; level += 1) {
      const _id = `${scope}:${timeAt(at, level)}`;
      await this.insertOnce({ _id, parent, day: dayOf(at) });
      parent = _id;
    }
  }

  /**
   * The times under `parent` (a day or hour of `projectId`; its days when undefined) that hold
   * entries, newest first: `2026-12-02`, `2026-12-02T03` or `2026-12-02T03:04`.
   */
  async timesUnder(projectId: string | null, parent: string | undefined): Promise<string[]> {
    const scope = scopeOf(projectId);
    const docs = await this.model
      .find({ parent: parent === undefined ? scope : `${scope}:${parent}` }, { _id: 1 })
      .lean<Pick<AuditCalendarDocument, '_id'>[]>();
    return docs.map((doc) => doc._id.slice(scope.length + 1)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  /** Deletes the days, hours and minutes before `day` (`2026-12-02`), whose entries the retention prune has deleted. */
  async deleteBefore(day: string): Promise<void> {
    await this.model.deleteMany({ day: { $lt: day } });
  }

  /** Whether the backfill has given every entry stored before the buckets its bucket (read by `_id`). */
  async isBackfilled(): Promise<boolean> {
    return (await this.model.exists({ _id: BACKFILLED_ID })) !== null;
  }

  async markBackfilled(): Promise<void> {
    await this.insert({ _id: BACKFILLED_ID });
  }

  private async insertOnce(doc: AuditCalendarDocument): Promise<void> {
    if (this.known.has(doc._id)) return;
    await this.insert(doc);
    if (this.known.size >= KNOWN_MAX) this.known.clear();
    this.known.add(doc._id);
  }

  /** Inserts `doc` unless a document with its id is there already. */
  private async insert(doc: Partial<AuditCalendarDocument> & { _id: string }): Promise<void> {
    try {
      await this.model.create(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
