import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import { FIRST_ADMIN_CLAIM, SYSTEM_STATE_MODEL, type SystemStateDocument, type SystemStateModel } from './system-state.model';

/** The `system_state` collection: the first administrator's claim. */
@Injectable()
export class SystemStateRepository extends OwnRepository<SystemStateDocument> {
  constructor(@Inject(SYSTEM_STATE_MODEL) model: SystemStateModel) {
    super(model);
  }

  findFirstAdminClaim(): Promise<SystemStateDocument | null> {
    return this.model.findById(FIRST_ADMIN_CLAIM).lean();
  }

  /** The claim as stored when this call made it; null when another one already had. */
  async claimFirstAdmin(userId: string, defaultProjectId: string, now: Date): Promise<SystemStateDocument | null> {
    const claim: SystemStateDocument = {
      _id: FIRST_ADMIN_CLAIM,
      first_admin_id: userId,
      default_project_id: defaultProjectId,
      claimed_at: now,
      completed_at: null,
    };
    try {
      await this.model.create(claim);
      return claim;
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }

  async markCompleted(now: Date): Promise<void> {
    await this.model.updateOne({ _id: FIRST_ADMIN_CLAIM }, { $set: { completed_at: now } });
  }
}
