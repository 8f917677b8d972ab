import type { Provider } from '@nestjs/common';
import { Connection, Schema, type Model } from 'mongoose';

/**
 * One UTC day of one project that holds audit entries (see audit-bucket.ts): written once, before
 * the first entry of that day is stored, and never changed, so concurrent writers cannot lose one
 * (FerretDB 1.x runs an update as a read then a write; an insert by `_id` is either new or a
 * duplicate). `_id` is `<scope>:<day>`.
 */
export interface AuditDayDocument {
  _id: string;
  /** The project's id, or `-` for entries of no project. */
  scope: string;
  /** `2026-12-02`. */
  day: string;
}

/** Marks that every entry stored before the buckets existed has its bucket (see AuditBucketBackfill). */
export const BACKFILLED_ID = '#backfilled';

const AuditDaySchema = new Schema<AuditDayDocument>(
  { _id: { type: String, required: true }, scope: { type: String }, day: { type: String } },
  { versionKey: false, collection: 'audit_days' },
);
// A list reads one project's days by equality, which FerretDB on PostgreSQL answers with this index's GIN twin.
AuditDaySchema.index({ scope: 1 }, { name: 'scope' });

export type AuditDayModel = Model<AuditDayDocument>;
export const AUDIT_DAY_MODEL = 'AuditDay';

export function auditDayModel(connection: Connection): AuditDayModel {
  return connection.model<AuditDayDocument>(AUDIT_DAY_MODEL, AuditDaySchema);
}

export const auditDayModelProvider: Provider = { provide: AUDIT_DAY_MODEL, inject: [Connection], useFactory: auditDayModel };
