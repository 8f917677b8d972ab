import { Inject, Injectable } from '@nestjs/common';
import type { Profile, RegisterRequest } from '@ir/contracts';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { AuditTrail } from '@ir/messaging';
import { randomUUID } from 'node:crypto';
import type { AuthConfig } from '../auth.config';
import type { InvitationDocument } from '../invitations/invitation.model';
import { InvitationsService } from '../invitations/invitations.service';
import { registrationRefused } from '../invitations/registration-refusals';
import { MembersService } from '../projects/members.service';
import { FirstAdminService } from '../system/first-admin.service';
import { assertStrongPassword } from './password-policy';
import { UsersService } from './users.service';

/**
 * Who may register (AUTH_REGISTRATION), and what an invitation brings. The first user of an empty
 * system always may, and becomes its administrator; two first registrations at once are decided by
 * the first-administrator claim, and the one that loses it is held to the policy after all.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
    private readonly members: MembersService,
    private readonly firstAdmin: FirstAdminService,
    @Inject(SERVICE_CONFIG) private readonly config: AuthConfig,
    private readonly trail: AuditTrail,
  ) {}

  async register(request: RegisterRequest): Promise<Profile> {
    assertStrongPassword(request.password, request);
    const userId = randomUUID();
    const first = !(await this.firstAdmin.claimed());
    let invitation = first ? undefined : await this.admit(request, userId);
    let profile: Profile;
    try {
      profile = await this.users.register(request, userId);
    } catch (error) {
      if (invitation) await this.invitations.release(invitation, userId);
      throw error;
    }
    const becameFirstAdmin = first && (await this.firstAdmin.claim(userId));
    if (first && !becameFirstAdmin) {
      invitation = await this.admit(request, userId).catch(async (error: unknown) => {
        await this.users.remove(userId);
        throw error;
      });
    }
    if (invitation?.project_id && invitation.role) await this.members.grant(invitation.project_id, userId, invitation.role);
    // One entry for the registration, the invitation it used and the membership that came with it.
    await this.trail.record({
      action: 'user.registered',
      outcome: 'succeeded',
      actor: { kind: 'user', id: userId, name: profile.username },
      projectId: null,
      target: { kind: 'user', id: userId, name: profile.username },
      details: {
        first_admin: becameFirstAdmin,
        ...(invitation ? { invitation_id: invitation._id, project_id: invitation.project_id, role: invitation.role } : {}),
      },
    });
    return profile;
  }

  /** Holds the registration to AUTH_REGISTRATION; the invitation it takes, if any. */
  private async admit(request: RegisterRequest, userId: string): Promise<InvitationDocument | undefined> {
    switch (this.config.AUTH_REGISTRATION) {
      case 'closed':
        throw registrationRefused('registration_closed');
      case 'invite':
        if (!request.invitation) throw registrationRefused('invitation_required');
        return this.invitations.takeForRegistration(request.invitation, request.email, userId);
      case 'open':
        return request.invitation ? this.invitations.takeForRegistration(request.invitation, request.email, userId) : undefined;
    }
  }
}
