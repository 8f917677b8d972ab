import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@ir/contracts';
import { OwnRepository } from '@ir/platform';
import { MEMBERSHIP_MODEL, membershipId, type MembershipDocument, type MembershipModel } from './membership.model';

/**
 * The `memberships` collection. Queries name the project (whose visibility the caller checked through
 * the project repository) or the user (for its own token's claims).
 */
@Injectable()
export class MembershipRepository extends OwnRepository<MembershipDocument> {
  constructor(@Inject(MEMBERSHIP_MODEL) model: MembershipModel) {
    super(model);
  }

  /** The user's role in each of its projects: an access token's claims. */
  async rolesOf(userId: string): Promise<Record<string, Role>> {
    const memberships = await this.model.find({ user_id: userId }, { project_id: 1, role: 1 }).lean();
    return Object.fromEntries(memberships.map((m) => [m.project_id, m.role]));
  }

  find(projectId: string, userId: string): Promise<MembershipDocument | null> {
    return this.model.findById(membershipId(projectId, userId)).lean();
  }

  /** Oldest first. */
  listOfProject(projectId: string): Promise<MembershipDocument[]> {
    return this.model.find({ project_id: projectId }).sort({ created_at: 1, _id: 1 }).lean();
  }

  countAdmins(projectId: string): Promise<number> {
    return this.model.countDocuments({ project_id: projectId, role: 'admin' });
  }

  /** Adds the membership or sets its role; answers the membership as it was before (null: it is new). */
  set(projectId: string, userId: string, role: Role, now: Date): Promise<MembershipDocument | null> {
    return this.model
      .findOneAndUpdate(
        { _id: membershipId(projectId, userId) },
        { $set: { role, updated_at: now }, $setOnInsert: { project_id: projectId, user_id: userId, created_at: now } },
        { upsert: true, new: false },
      )
      .lean();
  }

  /** Answers the membership as it was, or null when there was none. */
  remove(projectId: string, userId: string): Promise<MembershipDocument | null> {
    return this.model.findOneAndDelete({ _id: membershipId(projectId, userId) }).lean();
  }

  /** Puts a membership back as it was (undoing a change that left a project without an admin). */
  async restore(previous: MembershipDocument): Promise<void> {
    const { _id, ...fields } = previous;
    await this.model.replaceOne({ _id }, fields, { upsert: true });
  }
}
