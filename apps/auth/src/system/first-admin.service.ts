import { Injectable, Logger } from '@nestjs/common';
import { MembersService } from '../projects/members.service';
import { newProjectId } from '../projects/project.model';
import { ProjectRepository } from '../projects/project.repository';
import { UserRepository } from '../users/user.repository';
import type { SystemStateDocument } from './system-state.model';
import { SystemStateRepository } from './system-state.repository';

export const DEFAULT_PROJECT_NAME = 'default';

/**
 * The system's first administrator: the first user to register on an empty system (whatever
 * AUTH_REGISTRATION says), or, on a system whose users registered before projects existed, the oldest
 * of them. They administer the default project, which holds every database that has no project.
 */
@Injectable()
export class FirstAdminService {
  private readonly logger = new Logger(FirstAdminService.name);

  constructor(
    private readonly system: SystemStateRepository,
    private readonly users: UserRepository,
    private readonly projects: ProjectRepository,
    private readonly members: MembersService,
  ) {}

  /** Whether someone is the first administrator already (then registration follows AUTH_REGISTRATION). */
  async claimed(): Promise<boolean> {
    return (await this.system.findFirstAdminClaim()) !== null;
  }

  /** Makes the user the first administrator, unless another registration was first; true when it was this one. */
  async claim(userId: string): Promise<boolean> {
    const claim = await this.system.claimFirstAdmin(userId, newProjectId(), new Date());
    if (!claim) return false;
    await this.complete(claim);
    return true;
  }

  /**
   * At start: finishes a claim a crash interrupted, and gives a system whose users came before
   * projects its first administrator (the oldest user).
   */
  async settleAtStart(): Promise<void> {
    let claim = await this.system.findFirstAdminClaim();
    if (!claim) {
      const oldest = await this.users.findOldest();
      if (!oldest) return;
      await this.system.claimFirstAdmin(oldest._id, newProjectId(), new Date());
      claim = await this.system.findFirstAdminClaim();
      if (claim?.first_admin_id === oldest._id)
        this.logger.log(`users from before projects: ${oldest.username} is the first administrator`);
    }
    if (claim && !claim.completed_at) await this.complete(claim);
  }

  /** Each step may be repeated: a crash midway is finished by the next start. */
  private async complete(claim: SystemStateDocument): Promise<void> {
    const now = new Date();
    await this.projects.ensure({
      _id: claim.default_project_id,
      name: DEFAULT_PROJECT_NAME,
      name_key: DEFAULT_PROJECT_NAME,
      description: 'Databases that belong to no other project',
      created_at: now,
      created_by: claim.first_admin_id,
      updated_at: now,
    });
    await this.members.grant(claim.default_project_id, claim.first_admin_id, 'admin');
    await this.users.makeSystemAdmin(claim.first_admin_id, now);
    await this.system.markCompleted(now);
  }
}
