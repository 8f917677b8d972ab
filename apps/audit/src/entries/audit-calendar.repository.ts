import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import { dayOf, hourOf, scopeOf } from './audit-bucket';
import { AUDIT_CALENDAR_MODEL, BACKFILLED_ID, type AuditCalendarDocument, type AuditCalendarModel } from './audit-calendar.model';

/** Calendar ids this replica knows are recorded; past this many it forgets them all (a re-insert is a duplicate, nothing more). */
const KNOWN_MAX = 10_000;

/** The `audit_calendar` collection: which days and hours of which project hold audit entries (see audit-bucket.ts). */
@Injectable()
export class AuditCalendarRepository extends OwnRepository<AuditCalendarDocument> {
  private readonly known = new Set<string>();

  constructor(@Inject(AUDIT_CALENDAR_MODEL) model: AuditCalendarModel) {
    super(model);
  }

  /** Records the day and hour of an entry of `projectId` at `at`, each inserted once per replica. */
  async record(projectId: string | null, at: Date): Promise<void> {
    const scope = scopeOf(projectId);
    const day = dayOf(at);
    // The day before its hour: a list finds an hour only through its day.
    await this.insertOnce({ _id: `${scope}:${day}`, parent: scope, day });
    await this.insertOnce({ _id: `${scope}:${hourOf(at)}`, parent: `${scope}:${day}`, day });
  }

  /** The days (`2026-12-02`) of `projectId` that hold entries, newest first. */
  async daysOf(projectId: string | null): Promise<string[]> {
    return this.childrenOf(scopeOf(projectId), scopeOf(projectId));
  }

  /** The hours (`2026-12-02T03`) of one day of `projectId` that hold entries, newest first. */
  async hoursOf(projectId: string | null, day: string): Promise<string[]> {
    return this.childrenOf(scopeOf(projectId), `${scopeOf(projectId)}:${day}`);
  }

  /** Deletes the days and hours before `day` (`2026-12-02`), whose entries the retention prune has deleted. */
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

  /** The days or hours under `parent` (what follows `<scope>:` in their ids), newest first. */
  private async childrenOf(scope: string, parent: string): Promise<string[]> {
    const docs = await this.model.find({ parent }, { _id: 1 }).lean<Pick<AuditCalendarDocument, '_id'>[]>();
    return docs.map((doc) => doc._id.slice(scope.length + 1)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
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
