import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import { randomUUID } from 'node:crypto';
import { CALENDAR_LEVELS, dayOf, endOf, EVERY_PROJECT, scopeOf, secondOf, splitMarkOf, splitParentOf, timeAt } from './audit-bucket';
import {
  AUDIT_CALENDAR_MODEL,
  BACKFILLED_ID,
  BUCKETS_BACKFILLED_ID,
  LATE_ID,
  SECONDS_BACKFILLED_ID,
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

/**
 * Entries of a scope's minute a replica records before it marks the minute split (read one second at
 * a time): a minute read whole costs FerretDB a read and an in-memory sort of all of it, which a
 * quiet minute's few entries make cheap and a busy one's thousands do not.
 */
export const SPLIT_AT = 100;

/** The `audit_calendar` collection: which days, hours and minutes of which project hold audit entries (see audit-bucket.ts). */
@Injectable()
export class AuditCalendarRepository extends OwnRepository<AuditCalendarDocument> {
  private readonly known = new Set<string>();
  /** Entries this replica recorded per scope and minute (`<scope>:2026-12-02T03:04`): when to split a minute. */
  private readonly counted = new Map<string, number>();

  constructor(@Inject(AUDIT_CALENDAR_MODEL) model: AuditCalendarModel) {
    super(model);
  }

  /**
   * Records the day, hour and minute of an entry of `projectId` at `at`, in the project's calendar
   * and in every project's (`*`), and there its second under the minute, each inserted once per
   * replica; once this replica has recorded SPLIT_AT entries of a scope's minute, the minute's split
   * mark beside it (audit-bucket.ts). A node recorded into a day, hour or minute that ended over
   * LATE_AFTER_MS ago (a late entry) changes LATE_ID's token after its insert, so that no copy keeps
   * that time's children without it.
   */
  async record(projectId: string | null, at: Date, now = new Date()): Promise<void> {
    await this.recordAll([{ project_id: projectId, at }], now);
  }

  /**
   * Records the entries as record() does, changing the token once for all of them (the backfill's
   * batches: an older trail's seconds are each late).
   */
  async recordAll(entries: readonly { project_id: string | null; at: Date }[], now = new Date()): Promise<void> {
    const recorded = new Set<string>();
    let late = false;
    for (const entry of entries) {
      for (const node of this.nodesOf(entry.project_id, entry.at)) {
        if (this.known.has(node._id) || recorded.has(node._id)) continue;
        await this.insert({ _id: node._id, parent: node.parent, day: dayOf(entry.at) });
        recorded.add(node._id);
        // Inserted again after a crash (a duplicate) counts too: the crash may have come before the token's change.
        if (node.under !== undefined && endOf(node.under).getTime() <= now.getTime() - LATE_AFTER_MS) late = true;
      }
    }
    if (late) await this.markLate();
    // Known only once the token has changed: a failed change is retried with the entry's redelivery.
    if (this.known.size + recorded.size > KNOWN_MAX) this.known.clear();
    for (const id of recorded) this.known.add(id);
  }

  /**
   * The calendar nodes of an entry, outermost first (a list finds an hour only through its day, a
   * minute through its hour, a second through its minute), each with the time it is under.
   */
  private nodesOf(projectId: string | null, at: Date): { _id: string; parent: string; under?: string }[] {
    const nodes: { _id: string; parent: string; under?: string }[] = [];
    const marks: typeof nodes = [];
    const [hour, minute] = [timeAt(at, 1), timeAt(at, 2)];
    for (const scope of [scopeOf(projectId), EVERY_PROJECT]) {
      let [parent, under] = [scope, undefined as string | undefined];
      for (let level = 0; level < CALENDAR_LEVELS.length; level += 1) {
        const time = timeAt(at, level);
        nodes.push({ _id: `${scope}:${time}`, parent, under });
        [parent, under] = [`${scope}:${time}`, time];
      }
      // Every entry's second, in one calendar: a split minute of a project is read by its seconds there and the project.
      if (scope === EVERY_PROJECT) nodes.push({ _id: `${scope}:${secondOf(at)}`, parent, under: minute });
      if (this.countInMinute(scope, minute) >= SPLIT_AT)
        marks.push({ _id: `${scope}:${splitMarkOf(minute)}`, parent: `${scope}:${splitParentOf(hour)}`, under: hour });
    }
    return [...nodes, ...marks];
  }

  /** How many entries of `scope`'s minute this replica has recorded, this one included. */
  private countInMinute(scope: string, minute: string): number {
    const key = `${scope}:${minute}`;
    const count = (this.counted.get(key) ?? 0) + 1;
    if (this.counted.size >= KNOWN_MAX) this.counted.clear();
    this.counted.set(key, count);
    return count;
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

  /** Whether the backfill has given every entry stored before split minutes its second (read by `_id`). */
  async areSecondsBackfilled(): Promise<boolean> {
    return (await this.model.exists({ _id: SECONDS_BACKFILLED_ID })) !== null;
  }

  /** Marks every entry filed: its bucket, minute and second (this version's mark and the version before's). */
  async markBackfilled(): Promise<void> {
    await this.insert({ _id: BACKFILLED_ID });
    await this.insert({ _id: SECONDS_BACKFILLED_ID });
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
