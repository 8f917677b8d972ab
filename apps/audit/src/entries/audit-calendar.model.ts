import type { Provider } from '@nestjs/common';
import { Connection, Schema, type Model } from 'mongoose';

/**
 * Which UTC days, hours and minutes of a project hold audit entries (see audit-bucket.ts): a tree
 * read one level at a time by equality on `parent`. A day's document is `_id` `<scope>:2026-12-02`,
 * parent `<scope>`; an hour's is `<scope>:2026-12-02T03`, parent the day's id; a minute's
 * `<scope>:2026-12-02T03:04`, parent the hour's (and beside it, once split, `<scope>:2026-12-02T03:04/s`);
 * a second's `*:2026-12-02T03:04:05`, parent the minute's. Written before the first entry of that minute is stored and never changed, so
 * concurrent writers cannot lose one (FerretDB 1.x runs an update as a read then a write; an insert
 * by `_id` is either new or a duplicate).
 */
export interface AuditCalendarDocument {
  _id: string;
  parent: string;
  /** `2026-12-02`: what the retention prune deletes by. */
  day: string;
  /** Only on LATE_ID: changed by every late record (see AuditCalendarCopy). */
  token?: string;
}

/** Marks that every entry stored before split minutes existed has its second, in the calendar too (see AuditBucketBackfill). */
export const SECONDS_BACKFILLED_ID = '#backfilled-seconds';
/** The mark of the version before: every entry stored before the merged lane existed has its bucket and minute (see AuditBucketBackfill). */
export const BACKFILLED_ID = '#backfilled-minutes';
/** The mark of the version before: every entry stored before buckets existed has its bucket (a project's pages read them). */
export const BUCKETS_BACKFILLED_ID = '#backfilled';
/** A document whose `token` a writer changes after recording a day, hour or minute late (see AuditCalendarCopy). */
export const LATE_ID = '#late';

const AuditCalendarSchema = new Schema<AuditCalendarDocument>(
  { _id: { type: String, required: true }, parent: { type: String }, day: { type: String }, token: { type: String } },
  { versionKey: false, collection: 'audit_calendar' },
);
// A list reads a project's days, a day's hours, an hour's minutes by equality, which FerretDB on PostgreSQL answers with this index's GIN twin.
AuditCalendarSchema.index({ parent: 1 }, { name: 'parent' });

export type AuditCalendarModel = Model<AuditCalendarDocument>;
export const AUDIT_CALENDAR_MODEL = 'AuditCalendar';

export function auditCalendarModel(connection: Connection): AuditCalendarModel {
  return connection.model<AuditCalendarDocument>(AUDIT_CALENDAR_MODEL, AuditCalendarSchema);
}

export const auditCalendarModelProvider: Provider = { provide: AUDIT_CALENDAR_MODEL, inject: [Connection], useFactory: auditCalendarModel };
