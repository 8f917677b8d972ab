import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import { dayIdOf, dayOf, scopeOf } from './audit-bucket';
import { AUDIT_DAY_MODEL, BACKFILLED_ID, type AuditDayDocument, type AuditDayModel } from './audit-day.model';

/** Days this replica knows are recorded; past this many it forgets them all (a re-insert is a duplicate, nothing more). */
const KNOWN_DAYS_MAX = 10_000;

/** The `audit_days` collection: which UTC days of which project hold audit entries (see audit-bucket.ts). */
@Injectable()
export class AuditDayRepository extends OwnRepository<AuditDayDocument> {
  private readonly known = new Set<string>();

  constructor(@Inject(AUDIT_DAY_MODEL) model: AuditDayModel) {
    super(model);
  }

  /** Records the day of an entry of `projectId` at `at`; the insert is made once per day and replica. */
  async record(projectId: string | null, at: Date): Promise<void> {
    const _id = dayIdOf(projectId, at);
    if (this.known.has(_id)) return;
    await this.insertIgnoringDuplicate({ _id, scope: scopeOf(projectId), day: dayOf(at) });
    if (this.known.size >= KNOWN_DAYS_MAX) this.known.clear();
    this.known.add(_id);
  }

  /** The days of `projectId` that hold entries, newest first. */
  async daysOf(projectId: string | null): Promise<string[]> {
    const docs = await this.model.find({ scope: scopeOf(projectId) }, { day: 1 }).lean<Pick<AuditDayDocument, 'day'>[]>();
    return docs.map((doc) => doc.day).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  /** Deletes the days before `day` (`YYYY-MM-DD`), whose entries the retention prune has deleted. */
  async deleteBefore(day: string): Promise<void> {
    await this.model.deleteMany({ day: { $lt: day } });
  }

  /** Whether the backfill has given every entry stored before the buckets its bucket (read by `_id`). */
  async isBackfilled(): Promise<boolean> {
    return (await this.model.exists({ _id: BACKFILLED_ID })) !== null;
  }

  async markBackfilled(): Promise<void> {
    await this.insertIgnoringDuplicate({ _id: BACKFILLED_ID });
  }

  private async insertIgnoringDuplicate(doc: Partial<AuditDayDocument> & { _id: string }): Promise<void> {
    try {
      await this.model.create(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
