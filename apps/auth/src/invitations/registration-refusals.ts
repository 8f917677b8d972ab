import { DomainError, ErrorCode } from '@ir/contracts';

/** Why a registration or the use of an invitation was refused: the 403's `details.reason`, each with its message. */
export const REGISTRATION_REFUSALS = {
  invitation_required: 'registration needs an invitation',
  registration_closed: 'registration is closed',
  invitation_invalid: 'the invitation is invalid, used, revoked or expired',
  invitation_email_mismatch: 'the invitation is for another email address',
} as const;
export type RegistrationRefusal = keyof typeof REGISTRATION_REFUSALS;

export function registrationRefused(reason: RegistrationRefusal): DomainError {
  return new DomainError(ErrorCode.forbidden, REGISTRATION_REFUSALS[reason], undefined, { reason });
}
