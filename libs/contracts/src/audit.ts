import { z } from 'zod';
import { Actor } from './access';
import { ProjectId } from './auth-projects';
import { defineEvent, defineRpc } from './bus';
import { ownRecord } from './own-record';
import { ServiceName } from './services';
import { Streams } from './streams';

/**
 * The audit trail: every state-changing action, recorded once by the service that made the change and
 * kept by the audit service. Entries are facts on AUDIT_EVENTS (other systems may read them with the
 * read-only credential) and are append-only: no request changes or deletes one; a retention setting
 * prunes old ones.
 */

/** Every action the trail records, by the service that records it: the one list `GET /audit?action=` accepts. */
export const AUDIT_ACTIONS = [
  // auth
  'user.registered',
  'session.login',
  'password.changed',
  'invitation.created',
  'invitation.accepted',
  'invitation.revoked',
  'project.created',
  'project.updated',
  'member.added',
  'member.role_changed',
  'member.removed',
  'api_key.created',
  'api_key.revoked',
  // registry
  'database.created',
  'database.updated',
  'database.deleted',
  /** The server behind a database changed since it was last seen (a compare found another version). */
  'database.server_changed',
  'definition.created',
  'definition.updated',
  'definition.deleted',
  'manifest.applied',
  // sync-executor
  'sync.requested',
  'sync.approved',
  'sync.rejected',
  'sync.started',
  'sync.finished',
  'sync.cancelled',
  'sync.retried',
  'import.requested',
  'import.finished',
  // entity-oplog
  'entity.created',
  'entity.updated',
  'entity.deleted',
  'entity.cache_recreate_requested',
  'entity.refreshed',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/**
 * - succeeded: the change was made;
 * - failed: it was tried and did not happen (a wrong password, a sync that failed);
 * - denied: the caller was not allowed (a 403 the service answered).
 */
export const AuditOutcome = z.enum(['succeeded', 'failed', 'denied']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

const JsonObject = ownRecord(z.string(), z.unknown());

/** What the action was done to. Never a secret: a database's target is named by its id and name, not its URI. */
export const AuditTarget = z.object({
  kind: z.enum([
    'user',
    'session',
    'invitation',
    'project',
    'member',
    'api_key',
    'database',
    'definition',
    'manifest',
    'sync',
    'import',
    'entity',
  ]),
  id: z.string().max(200),
  name: z.string().max(300).optional(),
});
export type AuditTarget = z.infer<typeof AuditTarget>;

export const AuditEntry = z.object({
  /** Unique per action: the message id on AUDIT_EVENTS and the key the audit service stores it under. */
  id: z.uuid(),
  at: z.iso.datetime(),
  action: AuditAction,
  outcome: AuditOutcome,
  /** Who did it; null when no one was authenticated (a failed login: its `details.username` says who was tried). */
  actor: Actor.nullable(),
  /** The project the target belongs to; null for system-wide actions (logins, registrations, projects' creation). */
  project_id: z.string().nullable(),
  target: AuditTarget,
  /** The correlation id of the HTTP request (its `x-request-id`), or of the service's own work. */
  request_id: z.string(),
  /** The caller's address as the gateway saw it; null for a service's own work. */
  client_address: z.string().max(64).nullable(),
  /** The service that made the change and recorded it. */
  service: z.enum(Object.values(ServiceName) as [ServiceName, ...ServiceName[]]),
  /** For definitions and manifests: the state before and after (null where there was none). */
  changes: z.object({ before: JsonObject.nullable(), after: JsonObject.nullable() }).optional(),
  /** A few facts of the action (a sync's status, a failure's reason code); never a secret, never a message from a driver. */
  details: JsonObject.optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditEvents = {
  recorded: defineEvent('audit.evt.entry.recorded', Streams.auditEvents.name, AuditEntry),
};

/** `GET /audit`: filters and paging. Project admins see their projects' entries; system administrators every entry. */
/** `2026-12-02T03:04:05.678Z~<entry id>`: where a keyset page ends (`next_after`), for the next one (`after`). */
export const AUDIT_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z~[0-9a-f-]{36}$/;

export const AuditQuery = z.strictObject({
  project_id: ProjectId.optional(),
  actor_id: z.string().trim().min(1).max(64).optional(),
  action: AuditAction.optional(),
  from: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  to: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  page: z.coerce.number().int().min(1, { error: 'must be 1 or more' }).optional(),
  limit: z.coerce.number().int().min(1, { error: 'must be 1 or more' }).max(100, { error: 'must be at most 100' }).optional(),
  /** The next page after this one: the `next_after` of the page before (never with `page`; answers no total). */
  after: z.string().regex(AUDIT_CURSOR, { error: 'must be the next_after of a previous page' }).optional(),
  /**
   * `true`: a first page with its total, which the store counts by reading every matching entry (slow on
   * a long trail). Without it a first page is a keyset page, fast at any size, with no total.
   */
  count: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/**
 * A page of the trail: `total` counted for an offset page (`page`) or a first page with `count=true`,
 * null for a keyset page (a first page, or `after`); `next_after` asks for the page after it, null on the last.
 */
export const AuditPage = z.object({
  items: z.array(AuditEntry),
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int().nullable(),
  next_after: z.string().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditRpc = {
  /** Needs `audit:read` in the project asked for (or, without a project, lists the projects where the caller has it). */
  list: defineRpc('audit.rpc.entry.list', AuditQuery, AuditPage),
};
