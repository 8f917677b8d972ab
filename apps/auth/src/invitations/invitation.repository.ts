import { Inject, Injectable } from '@nestjs/common';
import type { ProjectScope } from '@ir/contracts';
import { OwnRepository } from '@ir/platform';
import type { FilterQuery } from 'mongoose';
import { inScope } from '../access/project-scope';
import { INVITATION_MODEL, type InvitationDocument, type InvitationModel } from './invitation.model';

/** A bound on a list that has no pages: pending invitations are few, expiring within days. */
const MAX_LISTED = 1000;

/** Neither used, revoked nor expired. */
function usable(now: Date): FilterQuery<InvitationDocument> {
  return { accepted_at: null, revoked_at: null, expires_at: { $gt: now } };
}

/**
 * The `invitations` collection. Lists take the caller's scope (the projects where it manages members,
 * and whether it may see invitations into the system); single ones are found by id or token hash and
 * then tied to the caller by their project.
 */
@Injectable()
export class InvitationRepository extends OwnRepository<InvitationDocument> {
  constructor(@Inject(INVITATION_MODEL) model: InvitationModel) {
    super(model);
  }

  async insert(invitation: InvitationDocument): Promise<void> {
    await this.model.create(invitation);
  }

  /**
   * Pending invitations, newest first: into `projectId` when given (whose permission the caller
   * checked), else into the scope's projects; a scope of every project also takes those into the system.
   */
  pending(scope: ProjectScope, projectId: string | undefined, now: Date): Promise<InvitationDocument[]> {
    const projects = projectId === undefined ? inScope(scope, 'project_id') : { project_id: projectId };
    return this.model
      .find({ ...usable(now), ...projects })
      .sort({ created_at: -1 })
      .limit(MAX_LISTED)
      .lean();
  }

  findUsableById(invitationId: string, now: Date): Promise<InvitationDocument | null> {
    return this.model.findOne({ _id: invitationId, ...usable(now) }).lean();
  }

  findUsableByToken(tokenHash: string, now: Date): Promise<InvitationDocument | null> {
    return this.model.findOne({ token_hash: tokenHash, ...usable(now) }).lean();
  }

  /**
   * Marks the invitation used by `userId`, if it is still usable and for `email`, in the one update
   * that finds it: of two uses at once, one has it. The invitation, or null when it was not usable.
   */
  consume(tokenHash: string, email: string, userId: string, now: Date): Promise<InvitationDocument | null> {
    return this.model
      .findOneAndUpdate(
        { token_hash: tokenHash, email, ...usable(now) },
        { $set: { accepted_at: now, accepted_by: userId } },
        { new: true },
      )
      .lean();
  }

  /** Makes a consumed invitation usable again (the registration that took it failed). */
  async release(invitationId: string, userId: string): Promise<void> {
    await this.model.updateOne({ _id: invitationId, accepted_by: userId }, { $set: { accepted_at: null, accepted_by: null } });
  }

  /** True when a usable invitation was revoked. */
  async revoke(invitationId: string, now: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: invitationId, ...usable(now) }, { $set: { revoked_at: now } });
    return result.modifiedCount > 0;
  }
}
