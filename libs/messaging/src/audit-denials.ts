import { DomainError, ErrorCode } from '@ir/contracts';
import type { AuditRecord, AuditTrail } from './audit-trail';

/** What the entry of a refused action says; the trail adds the outcome and the permission the caller lacked. */
export type Denial = Pick<AuditRecord, 'action' | 'projectId' | 'target' | 'details'>;

/** A 403: the caller may see what it asked about, but its role is too low for the change. */
export function isDenial(error: unknown): error is DomainError {
  return error instanceof DomainError && error.code === ErrorCode.forbidden;
}

/**
 * Runs a state-changing action and, when it answers 403, records it as `denied` before the error goes
 * back unchanged. `denial` may be worked out only then (a look-up the allowed path does not need).
 * For changes only: a read that answers 403 is no audit event.
 */
export async function recordingDenials<T>(trail: AuditTrail, denial: Denial | (() => Promise<Denial>), work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDenial(error)) await recordDenial(trail, error, typeof denial === 'function' ? await denial() : denial);
    throw error;
  }
}

/** Records the 403 `error` as a denied `denial`, naming the permission it lacked (`details.permission`). */
export async function recordDenial(trail: AuditTrail, error: DomainError, denial: Denial): Promise<void> {
  const permission = error.details?.permission;
  const reason = error.details?.reason;
  await trail.record({
    ...denial,
    outcome: 'denied',
    details: {
      ...denial.details,
      ...(typeof permission === 'string' ? { permission } : {}),
      ...(typeof reason === 'string' ? { reason } : {}),
    },
  });
}
