import type { Provider } from '@nestjs/common';
import type { Actor, AuditAction, AuditOutcome, AuditTarget, ServiceName } from '@ir/contracts';
import { Connection, Schema, type Model } from 'mongoose';

/**
 * One audit entry as the audit service keeps it, under the entry's own id, so a redelivered entry is
 * stored once. The fields the list filters on are fields of their own; `changes` and `details` are
 * kept as JSON text, because definitions and manifests hold keys such as `$**` and `address.city`
 * that MongoDB (and FerretDB) do not take as field names.
 */
export interface AuditEntryDocument {
  /** The entry's id (a UUID): the message id it was published with. */
  _id: string;
  at: Date;
  action: AuditAction;
  outcome: AuditOutcome;
  actor: Actor | null;
  project_id: string | null;
  target: AuditTarget;
  request_id: string;
  client_address: string | null;
  service: ServiceName;
  /** `<project>:<UTC minute>`, what a list reads by equality (see audit-bucket.ts); absent only before the backfill. */
  bucket?: string;
  /** `2026-12-02T03:04`, the UTC minute: what the merged lane of several projects reads by equality; absent only before the backfill. */
  minute?: string;
  /** `2026-12-02T03:04:05`, the UTC second: what a split minute is read by (audit-bucket.ts); absent only before the backfill. */
  second?: string;
  changes_json?: string;
  details_json?: string;
}

const ActorSchema = new Schema({ kind: String, id: String, name: String }, { _id: false });
const TargetSchema = new Schema({ kind: String, id: String, name: String }, { _id: false });

const AuditEntrySchema = new Schema<AuditEntryDocument>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    action: { type: String, required: true },
    outcome: { type: String, required: true },
    actor: { type: ActorSchema, default: null },
    project_id: { type: String, default: null },
    target: { type: TargetSchema, required: true },
    request_id: { type: String, required: true },
    client_address: { type: String, default: null },
    service: { type: String, required: true },
    bucket: { type: String },
    minute: { type: String },
    second: { type: String },
    changes_json: { type: String },
    details_json: { type: String },
  },
  { versionKey: false, collection: 'audit_entries' },
);
// Every list is newest first within the caller's projects; the filters narrow it further. `at` alone
// serves the system administrator's unscoped list and the retention prune.
AuditEntrySchema.index({ project_id: 1, at: -1 }, { name: 'project_at' });
AuditEntrySchema.index({ project_id: 1, action: 1, at: -1 }, { name: 'project_action_at' });
AuditEntrySchema.index({ project_id: 1, 'actor.id': 1, at: -1 }, { name: 'project_actor_at' });
AuditEntrySchema.index({ at: -1 }, { name: 'at' });
// The list's hot read: one bucket by equality, which FerretDB on PostgreSQL answers with this index's GIN twin.
AuditEntrySchema.index({ bucket: 1 }, { name: 'bucket' });
// The merged lane's read (a caller in several projects): one minute of every project by equality.
AuditEntrySchema.index({ minute: 1 }, { name: 'minute' });
// A split minute's read: one second (of every project, or with a project's equality) by equality.
AuditEntrySchema.index({ second: 1 }, { name: 'second' });

export type AuditEntryModel = Model<AuditEntryDocument>;
export const AUDIT_ENTRY_MODEL = 'AuditEntry';

export function auditEntryModel(connection: Connection): AuditEntryModel {
  return connection.model<AuditEntryDocument>(AUDIT_ENTRY_MODEL, AuditEntrySchema);
}

/** The model on the service's connection, for its repository. */
export const auditEntryModelProvider: Provider = { provide: AUDIT_ENTRY_MODEL, inject: [Connection], useFactory: auditEntryModel };
