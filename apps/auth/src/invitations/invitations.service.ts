import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  holds,
  projectsWhere,
  sees,
  type CreateInvitationBody,
  type InvitationView,
  type Principal,
  type Role,
} from '@ir/contracts';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { AuditTrail, recordDenial } from '@ir/messaging';
import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { AuthConfig } from '../auth.config';
import { assertGrantable, forbidden, isSystemAdmin, requireSystemAdmin, userIdOf } from '../access/authorize';
import { MembershipRepository } from '../projects/membership.repository';
import { MembersService } from '../projects/members.service';
import { ProjectAccess } from '../projects/project-access';
import { UserRepository } from '../users/user.repository';
import { newInvitationId, type InvitationDocument } from './invitation.model';
import { InvitationRepository } from './invitation.repository';
import { registrationRefused } from './registration-refusals';

/**
 * Invitations: created by system administrators (into the system) and project admins (into their
 * project); used once, by registering with the invited email address or, for a project and a person
 * who has an account already, by accepting it logged in as that person.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly access: ProjectAccess,
    private readonly members: MembersService,
    private readonly memberships: MembershipRepository,
    private readonly users: UserRepository,
    @Inject(SERVICE_CONFIG) private readonly config: AuthConfig,
    private readonly trail: AuditTrail,
  ) {}

  async create(principal: Principal, body: z.output<typeof CreateInvitationBody>): Promise<InvitationView & { token: string }> {
    const existing = await this.users.findByEmail(body.email);
    if (body.project_id !== undefined && body.role !== undefined) {
      await this.access.resolve(principal, body.project_id, 'members:manage');
      assertGrantable(principal, body.project_id, body.role, 'members:manage');
      if (existing && (await this.memberships.find(body.project_id, existing._id))) {
        throw conflict('email', 'the person of this email address is a member of the project already');
      }
    } else {
      requireSystemAdmin(principal);
      if (existing) throw conflict('email', 'the person of this email address has an account already: invite them into a project');
    }
    const token = `iri_${randomBytes(32).toString('base64url')}`;
    const now = new Date();
    const invitation: InvitationDocument = {
      _id: newInvitationId(),
      token_hash: hashToken(token),
      email: body.email,
      project_id: body.project_id ?? null,
      role: body.role ?? null,
      created_by: principal.id,
      created_at: now,
      expires_at: new Date(now.getTime() + this.config.AUTH_INVITATION_TTL),
      accepted_at: null,
      accepted_by: null,
      revoked_at: null,
    };
    await this.invitations.insert(invitation);
    await this.recordOf('invitation.created', invitation);
    return { ...invitationView(invitation), token };
  }

  /** Pending invitations the caller manages: a project's, or all of the projects where it manages members. */
  async list(principal: Principal, projectId: string | undefined): Promise<{ items: InvitationView[] }> {
    if (projectId !== undefined) await this.access.resolve(principal, projectId, 'members:manage');
    const pending = await this.invitations.pending(projectsWhere(principal, 'members:manage'), projectId, new Date());
    return { items: pending.map(invitationView) };
  }

  /** 404 for one the caller cannot see: another project's, or one into the system for a non-administrator. */
  async revoke(principal: Principal, invitationId: string): Promise<{ revoked: boolean }> {
    const now = new Date();
    const invitation = await this.invitations.findUsableById(invitationId, now);
    const visible = invitation && (invitation.project_id === null ? isSystemAdmin(principal) : sees(principal, invitation.project_id));
    if (!invitation || !visible) throw new DomainError(ErrorCode.notFound, 'invitation not found');
    if (invitation.project_id !== null && !holds(principal, 'members:manage', invitation.project_id)) {
      const refusal = forbidden('members:manage');
      await recordDenial(this.trail, refusal, {
        action: 'invitation.revoked',
        projectId: invitation.project_id,
        target: { kind: 'invitation', id: invitation._id, name: invitation.email },
      });
      throw refusal;
    }
    const revoked = await this.invitations.revoke(invitationId, now);
    if (revoked) await this.recordOf('invitation.revoked', invitation);
    return { revoked };
  }

  /** A logged-in user joins the invitation's project with its role; the invitation must be for the user's email address. */
  async accept(principal: Principal, token: string): Promise<{ project_id: string; role: Role }> {
    const user = await this.users.findById(userIdOf(principal, 'accept an invitation'));
    if (!user) throw new DomainError(ErrorCode.notFound, 'user not found');
    const invitation = await this.usableFor(token, user.email);
    if (invitation.project_id === null || invitation.role === null) {
      throw conflict('token', 'this invitation is for registering, and you have an account already');
    }
    if (await this.memberships.find(invitation.project_id, user._id)) throw conflict('token', 'you are a member of the project already');
    const consumed = await this.invitations.consume(invitation.token_hash, user.email, user._id, new Date());
    if (!consumed?.project_id || !consumed.role) throw registrationRefused('invitation_invalid');
    await this.members.grant(consumed.project_id, user._id, consumed.role);
    await this.recordOf('invitation.accepted', consumed);
    return { project_id: consumed.project_id, role: consumed.role };
  }

  /** Takes the invitation for a registration of `email` as `userId`; `release` gives it back should the registration fail. */
  async takeForRegistration(token: string, email: string, userId: string): Promise<InvitationDocument> {
    const invitation = await this.usableFor(token, email);
    const consumed = await this.invitations.consume(invitation.token_hash, email, userId, new Date());
    if (!consumed) throw registrationRefused('invitation_invalid');
    return consumed;
  }

  async release(invitation: InvitationDocument, userId: string): Promise<void> {
    await this.invitations.release(invitation._id, userId);
  }

  /** The entry of a change to an invitation: its project, its id, whom and as what it invites (never its token). */
  private recordOf(
    action: 'invitation.created' | 'invitation.revoked' | 'invitation.accepted',
    invitation: InvitationDocument,
  ): Promise<void> {
    return this.trail.record({
      action,
      outcome: 'succeeded',
      projectId: invitation.project_id,
      target: { kind: 'invitation', id: invitation._id, name: invitation.email },
      details: { role: invitation.role },
    });
  }

  private async usableFor(token: string, email: string): Promise<InvitationDocument> {
    const invitation = await this.invitations.findUsableByToken(hashToken(token), new Date());
    if (!invitation) throw registrationRefused('invitation_invalid');
    if (invitation.email !== email) throw registrationRefused('invitation_email_mismatch');
    return invitation;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function conflict(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.conflict, message, [{ field, rule: 'conflict', message }]);
}

export function invitationView(invitation: InvitationDocument): InvitationView {
  return {
    id: invitation._id,
    email: invitation.email,
    project_id: invitation.project_id,
    role: invitation.role,
    created_by: invitation.created_by,
    created_at: invitation.created_at.toISOString(),
    expires_at: invitation.expires_at.toISOString(),
  };
}
