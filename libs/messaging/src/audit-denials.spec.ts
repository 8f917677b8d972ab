import { AuditEntry, DomainError, ErrorCode, forbidden, type Principal } from '@ir/contracts';
import { AuditTrail } from './audit-trail';
import type { BusClient } from './bus-client';
import { recordingDenials, type Denial } from './audit-denials';
import { runAs } from './principal-context';

const VIEWER: Principal = { kind: 'user', id: 'u-1', name: 'vic', system_admin: false, projects: { ['a'.repeat(24)]: 'viewer' } };
const DENIAL: Denial = { action: 'api_key.created', projectId: 'a'.repeat(24), target: { kind: 'api_key', id: '', name: 'ci' } };

function trail(): { trail: AuditTrail; entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  const bus = { publish: async (_contract: unknown, entry: AuditEntry) => void entries.push(AuditEntry.parse(entry)) };
  return { trail: new AuditTrail(bus as unknown as BusClient, 'auth'), entries };
}

describe('recordingDenials', () => {
  it('records a 403 as denied, naming the permission, for the caller, and answers the 403 unchanged', async () => {
    const { trail: audit, entries } = trail();
    const refusal = forbidden('api_keys:manage');
    const outcome = runAs(VIEWER, () =>
      recordingDenials(audit, DENIAL, async () => {
        throw refusal;
      }),
    );
    await expect(outcome).rejects.toBe(refusal);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'api_key.created',
      outcome: 'denied',
      actor: { kind: 'user', id: 'u-1', name: 'vic' },
      project_id: 'a'.repeat(24),
      target: DENIAL.target,
      details: { permission: 'api_keys:manage' },
    });
  });

  it('records nothing when the action is done or fails otherwise (a 404 is no denial), and works out a lazy denial only on a 403', async () => {
    const { trail: audit, entries } = trail();
    let worked = 0;
    const lazy = async () => {
      worked += 1;
      return DENIAL;
    };
    await expect(recordingDenials(audit, lazy, async () => 'done')).resolves.toBe('done');
    const notFound = new DomainError(ErrorCode.notFound, 'project not found');
    await expect(
      recordingDenials(audit, lazy, async () => {
        throw notFound;
      }),
    ).rejects.toBe(notFound);
    expect([entries, worked]).toEqual([[], 0]);
    await expect(
      recordingDenials(audit, lazy, async () => {
        throw new DomainError(ErrorCode.forbidden, 'only a user can do this', undefined, { reason: 'user_only' });
      }),
    ).rejects.toMatchObject({ code: ErrorCode.forbidden });
    expect(worked).toBe(1);
    expect(entries.map((e) => [e.outcome, e.details])).toEqual([['denied', { reason: 'user_only' }]]);
  });
});
