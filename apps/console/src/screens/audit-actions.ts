import type { AuditAction } from '@ir/contracts';

// Every action the audit filter offers. A Record over the contracts' AuditAction type, so the type
// check fails when an action is added there and not here (the list itself would pull zod into the bundle).
const ACTIONS: Record<AuditAction, true> = {
  'user.registered': true,
  'session.login': true,
  'password.changed': true,
  'invitation.created': true,
  'invitation.accepted': true,
  'invitation.revoked': true,
  'project.created': true,
  'project.updated': true,
  'member.added': true,
  'member.role_changed': true,
  'member.removed': true,
  'api_key.created': true,
  'api_key.revoked': true,
  'database.created': true,
  'database.updated': true,
  'database.deleted': true,
  'database.server_changed': true,
  'definition.created': true,
  'definition.updated': true,
  'definition.deleted': true,
  'manifest.applied': true,
  'sync.requested': true,
  'sync.approved': true,
  'sync.rejected': true,
  'sync.started': true,
  'sync.finished': true,
  'sync.cancelled': true,
  'sync.retried': true,
  'import.requested': true,
  'import.finished': true,
  'entity.created': true,
  'entity.updated': true,
  'entity.deleted': true,
  'entity.cache_recreate_requested': true,
  'entity.refreshed': true,
};

export const AUDIT_ACTION_NAMES = Object.keys(ACTIONS) as AuditAction[];
