import { z } from 'zod';
import { Role } from './access';
import { Email, InvitationToken } from './auth';
import { ProjectId } from './auth-projects';
import { defineRpc } from './bus';
import { RecordId } from './registry';

/**
 * Invitations, owned by the auth service: single use, expiring (AUTH_INVITATION_TTL), for one email
 * address; stored hashed, the token shown once. Without a project (system administrators only) it lets
 * the person register; into a project (`members:manage` there, a role no higher than the inviter's) it
 * also makes them a member, when they register with it or, having an account already, accept it.
 */

export const CreateInvitationBody = z
  .strictObject({ email: Email, project_id: ProjectId.optional(), role: Role.optional() })
  .refine((b) => (b.project_id === undefined) === (b.role === undefined), {
    error: 'give a role with a project, and none without',
    path: ['role'],
  });

export const InvitationView = z.object({
  id: z.string(),
  email: z.string(),
  project_id: z.string().nullable(),
  role: Role.nullable(),
  created_by: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});
export type InvitationView = z.infer<typeof InvitationView>;

/** The answer to creating one: the only time its token is shown. */
export const InvitationCreated = InvitationView.extend({ token: z.string() });

/** `GET /invitations?project_id=`: the pending ones (neither used, revoked nor expired) the caller manages. */
export const ListInvitationsQuery = z.strictObject({ project_id: ProjectId.optional() });

/** `POST /invitations/accept`: a logged-in user takes an invitation into a project, for its own email address. */
export const AcceptInvitationBody = z.strictObject({ token: InvitationToken });
export const InvitationAccepted = z.object({ project_id: z.string(), role: Role });

export const AuthInvitationRpc = {
  create: defineRpc('auth.rpc.invitation.create', CreateInvitationBody, InvitationCreated),
  list: defineRpc('auth.rpc.invitation.list', ListInvitationsQuery, z.object({ items: z.array(InvitationView) })),
  revoke: defineRpc('auth.rpc.invitation.revoke', z.strictObject({ invitation_id: RecordId }), z.object({ revoked: z.boolean() })),
  accept: defineRpc('auth.rpc.invitation.accept', AcceptInvitationBody, InvitationAccepted),
};
