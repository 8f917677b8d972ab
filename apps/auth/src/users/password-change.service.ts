import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, validationFailed, type PasswordChangeRequest } from '@ir/contracts';
import { AuditTrail, BusClient } from '@ir/messaging';
import type { z } from 'zod';
import { SessionsService } from '../sessions/sessions.service';
import { hashPassword, verifyPassword } from './password-hasher';
import { assertStrongPassword } from './password-policy';
import { announceUserChanged } from './user-changes';
import { UserRepository } from './user.repository';

/** A new password, given the current one; the user's other sessions end (a thief's among them). */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionsService,
    private readonly trail: AuditTrail,
    private readonly bus: BusClient,
  ) {}

  async change(request: z.output<typeof PasswordChangeRequest>): Promise<{ revoked_sessions: number }> {
    const user = await this.users.findById(request.user_id);
    if (!user) throw new DomainError(ErrorCode.unauthenticated, 'user not found');
    const target = { kind: 'user', id: user._id, name: user.username } as const;
    if (!(await verifyPassword(user.password_hash, request.current_password))) {
      // Someone holding the session tried passwords: worth a trace. A too-weak new one is only the caller's mistake.
      await this.trail.record({
        action: 'password.changed',
        outcome: 'failed',
        projectId: null,
        target,
        details: { reason: 'current_password_mismatch' },
      });
      throw validationFailed([{ field: 'current_password', rule: 'mismatch', message: 'is not your current password' }]);
    }
    assertStrongPassword(request.new_password, user, 'new_password');
    const replaced = await this.users.replacePasswordHash(
      user._id,
      user.password_hash,
      await hashPassword(request.new_password),
      new Date(),
    );
    if (!replaced) throw new DomainError(ErrorCode.conflict, 'the password was changed meanwhile: try again with the new current password');
    const revoked = await this.sessions.revokeOtherSessions(user._id, request.session_id);
    await announceUserChanged(this.bus, user._id);
    await this.trail.record({
      action: 'password.changed',
      outcome: 'succeeded',
      projectId: null,
      target,
      details: { revoked_sessions: revoked },
    });
    return { revoked_sessions: revoked };
  }
}
