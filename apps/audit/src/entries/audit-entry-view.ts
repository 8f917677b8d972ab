import type { AuditEntry } from '@ir/contracts';
import { bucketOf, minuteOf, secondOf } from './audit-bucket';
import type { AuditEntryDocument } from './audit-entry.model';

/** The entry as stored (see AuditEntryDocument for why `changes` and `details` are JSON text). */
export function toAuditEntryDocument(entry: AuditEntry): AuditEntryDocument {
  const at = new Date(entry.at);
  return {
    _id: entry.id,
    at,
    action: entry.action,
    outcome: entry.outcome,
    actor: entry.actor,
    project_id: entry.project_id,
    target: entry.target,
    request_id: entry.request_id,
    client_address: entry.client_address,
    service: entry.service,
    bucket: bucketOf(entry.project_id, at),
    minute: minuteOf(at),
    second: secondOf(at),
    ...(entry.changes ? { changes_json: JSON.stringify(entry.changes) } : {}),
    ...(entry.details ? { details_json: JSON.stringify(entry.details) } : {}),
  };
}

/** The stored entry as `GET /audit` shows it: the entry as it was recorded. */
export function toAuditEntry(doc: AuditEntryDocument): AuditEntry {
  // The bucket, minute and second are where the store files the entry, not part of it.
  const { _id, at, changes_json, details_json, actor, target, bucket: _bucket, minute: _minute, second: _second, ...fields } = doc;
  return {
    id: _id,
    at: at.toISOString(),
    ...fields,
    actor: actor ? { kind: actor.kind, id: actor.id, name: actor.name } : null,
    target: { kind: target.kind, id: target.id, ...(target.name != null ? { name: target.name } : {}) },
    ...(changes_json ? { changes: JSON.parse(changes_json) as AuditEntry['changes'] } : {}),
    ...(details_json ? { details: JSON.parse(details_json) as AuditEntry['details'] } : {}),
  };
}
