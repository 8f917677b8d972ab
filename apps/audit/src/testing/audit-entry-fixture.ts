import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '@ir/contracts';

/** An audit entry as the services record one (a definition updated by alice), with `fields` over it. */
export function auditEntryOf(fields: Pick<AuditEntry, 'at' | 'project_id'> & Partial<AuditEntry>): AuditEntry {
  return {
    id: randomUUID(),
    action: 'definition.updated',
    outcome: 'succeeded',
    actor: { kind: 'user', id: 'alice', name: 'alice' },
    target: { kind: 'definition', id: randomUUID() },
    request_id: randomUUID(),
    client_address: null,
    service: 'registry',
    ...fields,
  };
}
