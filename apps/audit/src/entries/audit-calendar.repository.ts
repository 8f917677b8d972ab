import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import { randomUUID } from 'node:crypto';
import { CALENDAR_LEVELS, dayOf, endOf, EVERY_PROJECT, scopeOf, timeAt } from './audit-bucket';
import {
  AUDIT_CALENDAR_MODEL,
  BACKFILLED_ID,
  BUCKETS_BACKFILLED_ID,
  LATE_ID,
  type AuditCalendarDocument,
  type AuditCalendarModel,
} from './audit-calendar.model';

/** Calendar ids this replica knows are recorded; past this many it forgets them all (a re-insert is a duplicate, nothing more). */
const KNOWN_MAX = 10_000;

/**
 * How long after a day or hour has ended a writer may still record into it without telling the
 * replicas' copies of the calendar (AuditCalendarCopy): later, it changes LATE_ID's token.
 */
export const LATE_AFTER_MS = 60_000;

/** The `audit_calendar` collection: which days, hours and minutes of which project hold audit entries (see audit-bucket.ts). */
@Injectable()
export class AuditCalendarRepository extends OwnRepository<AuditCalendarDocument> {
  private readonly known = new Set<string>();

  constructor(@Inject(AUDIT_CALENDAR_MODEL) model: AuditCalendarModel) {
    super(model);
  }

  /**
   * Records the day, hour and minute of an entry of `projectId` at `at`, in the project's calendar
   * and in every project's (`*`), each inserted once per replica. A minute or hour recorded into an
   * hour or day that ended over LATE_AFTER_MS ago (a late entry) changes LATE_ID's token after its
   * insert, so that no copy keeps that hour's or day's children without it.
   */
  async record(projectId: string | null, at: Date, now = new Date()): Promise<void> {
    const recorded: string[] = [];
    let late = false;
    for (const scope of [scopeOf(projectId), EVERY_PROJECT]) {
      // Outermost first: a list finds an hour only through its day, a minute through its hour.
      let parent = scope;
      for (let level = 0; level < CALENDAR_LEVELS.length; level += 1) {
        const time = timeAt(at, level);
        const _id = `${scope}:${time}`;
        if (!this.known.has(_id)) {
          await this.insert({ _id, parent, day: dayOf(at) });
          recorded.push(_id);
          // Inserted again after a crash (a duplicate) counts too: the crash may have come before the token's change.
          if (level > 0 && endOf(timeAt(at, level - 1)).getTime() <= now.getTime() - LATE_AFTER_MS) late = true;
        }
        parent = _id;
      }
    }
    if (late) await this.markLate();
    // Known only once the token has changed: a failed change is retried with the entry's redelivery.
    if (this.known.size + recorded.length > KNOWN_MAX) this.known.clear();
    for (const id of recorded) this.known.add(id);
  }

  /**
   * The times under `parent` (a day or hour of `scope`, a project's or `*`; its days when undefined)
   * that hold entries, newest first: `2026-12-02`, `2026-12-02T03` or `2026-12-02T03:04`.
   */
  async timesUnder(scope: string, parent: string | undefined): Promise<string[]> {
    const docs = await this.model
      .find({ parent: parent === undefined ? scope : `${scope}:${parent}` }, { _id: 1 })
      .lean<Pick<AuditCalendarDocument, '_id'>[]>();
    return docs.map((doc) => doc._id.slice(scope.length + 1)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  /** LATE_ID's token (by `_id`): a copy of the calendar is used only while it is the one read before the copy was. */
  async lateToken(): Promise<string> {
    const doc = await this.model.findById(LATE_ID, { token: 1 }).lean<Pick<AuditCalendarDocument, 'token'>>();
    return doc?.token ?? '';
  }

  /** Deletes the days, hours and minutes before `day` (`2026-12-02`), whose entries the retention prune has deleted. */
  async deleteBefore(day: string): Promise<void> {
    await this.model.deleteMany({ day: { $lt: day } });
  }

  /** Whether the backfill has given every entry stored before the merged lane its bucket and minute (read by `_id`). */
  async isBackfilled(): Promise<boolean> {
    return (await this.model.exists({ _id: BACKFILLED_ID })) !== null;
  }

  /** Whether the version before had given every entry stored before buckets its bucket (read by `_id`). */
  async areBucketsBackfilled(): Promise<boolean> {
    return (await this.model.exists({ _id: BUCKETS_BACKFILLED_ID })) !== null;
  }

  async markBackfilled(): Promise<void> {
    await this.insert({ _id: BACKFILLED_ID });
  }

  /** A new token on LATE_ID (by `_id`): never one a reader read before. */
  private async markLate(): Promise<void> {
    try {
      await this.model.updateOne({ _id: LATE_ID }, { $set: { token: randomUUID() } }, { upsert: true });
    } catch (error) {
      // Two first changes at once: the other writer's insert came after this record, so its token does too.
      if (!isDuplicateKeyError(error)) throw error;
    }
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
