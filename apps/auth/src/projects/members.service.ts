import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, MembershipEvents, ROLES, type MemberView, type Principal, type Role } from '@ir/contracts';
import { AuditTrail, BusClient } from '@ir/messaging';
import { assertGrantable } from '../access/authorize';
import type { UserDocument } from '../users/user.model';
import { UserRepository } from '../users/user.repository';
import { announceUserChanged } from '../users/user-changes';
import type { MembershipDocument } from './membership.model';
import { MembershipRepository } from './membership.repository';
import { ProjectAccess } from './project-access';

/** Who is a member of a project, with which role; every change announced (`auth.evt.membership.changed`). */
@Injectable()
export class MembersService {
  private readonly logger = new Logger(MembersService.name);

  constructor(
    private readonly access: ProjectAccess,
    private readonly memberships: MembershipRepository,
    private readonly users: UserRepository,
    private readonly bus: BusClient,
    private readonly trail: AuditTrail,
  ) {}

  async list(principal: Principal, projectId: string): Promise<{ items: MemberView[] }> {
    await this.access.resolve(principal, projectId, 'databases:read');
    const memberships = await this.memberships.listOfProject(projectId);
    const users = new Map((await this.users.findByIds(memberships.map((m) => m.user_id))).map((u) => [u._id, u]));
    return { items: memberships.flatMap((m) => (users.has(m.user_id) ? [memberView(m, users.get(m.user_id)!)] : [])) };
  }

  /** Adds the user to the project or changes its role. */
  async set(principal: Principal, projectId: string, userId: string, role: Role): Promise<MemberView> {
    await this.access.resolve(principal, projectId, 'members:manage');
    assertGrantable(principal, projectId, role, 'members:manage');
    const user = await this.users.findById(userId);
    if (!user) throw new DomainError(ErrorCode.notFound, 'user not found');
    const current = await this.memberships.find(projectId, userId);
    // A member above the caller is not the caller's to change (nor to bring down to its level).
    if (current) assertGrantable(principal, projectId, current.role, 'members:manage');
    const now = new Date();
    const previous = await this.memberships.set(projectId, userId, role, now);
    if (previous?.role === 'admin' && role !== 'admin') await this.keepAnAdmin(projectId, previous);
    await this.announce(userId, projectId, now, previous && ROLES.indexOf(role) < ROLES.indexOf(previous.role) ? 'reduced' : 'granted');
    const stored = await this.memberships.find(projectId, userId);
    if (!stored) throw new DomainError(ErrorCode.conflict, 'the membership was removed meanwhile');
    if (previous?.role !== role) {
      await this.trail.record({
        action: previous ? 'member.role_changed' : 'member.added',
        outcome: 'succeeded',
        projectId,
        target: { kind: 'member', id: userId, name: user.username },
        details: { role, ...(previous ? { previous_role: previous.role } : {}) },
      });
    }
    return memberView(stored, user);
  }

  /** What setting the user's role would be: adding a member or changing one's role (for the entry of a refusal). */
  async changeOf(projectId: string, userId: string): Promise<'member.added' | 'member.role_changed'> {
    return (await this.memberships.find(projectId, userId)) ? 'member.role_changed' : 'member.added';
  }

  /** Removes a member (`members:manage`), or the caller itself: leaving needs no permission. */
  async remove(principal: Principal, projectId: string, userId: string): Promise<{ removed: boolean }> {
    const leaving = principal.kind === 'user' && principal.id === userId;
    await this.access.resolve(principal, projectId, leaving ? 'databases:read' : 'members:manage');
    const current = await this.memberships.find(projectId, userId);
    if (!current) throw new DomainError(ErrorCode.notFound, 'member not found');
    if (!leaving) assertGrantable(principal, projectId, current.role, 'members:manage');
    const now = new Date();
    const previous = await this.memberships.remove(projectId, userId);
    if (!previous) throw new DomainError(ErrorCode.notFound, 'member not found');
    if (previous.role === 'admin') await this.keepAnAdmin(projectId, previous);
    await this.announce(userId, projectId, now, 'reduced');
    await this.trail.record({
      action: 'member.removed',
      outcome: 'succeeded',
      projectId,
      target: { kind: 'member', id: userId },
      details: { previous_role: previous.role, left: leaving },
    });
    return { removed: true };
  }

  /**
   * A membership granted by the system (a project's creator, an accepted invitation, the first
   * administrator). Announced on a best-effort basis: a token without the new role only holds less.
   */
  async grant(projectId: string, userId: string, role: Role): Promise<void> {
    const now = new Date();
    await this.memberships.set(projectId, userId, role, now);
    await this.announce(userId, projectId, now, 'granted').catch((error: unknown) =>
      this.logger.warn(`could not announce the membership of ${userId} in project ${projectId}: ${String(error)}`),
    );
  }

  /**
   * A project keeps an admin. Checked after the change, which is then undone: two admins demoting
   * each other at once both see none left and both are put back (no transactions on the servers we
   * support, so no check before the write could see the other's).
   */
  private async keepAnAdmin(projectId: string, previous: MembershipDocument): Promise<void> {
    if ((await this.memberships.countAdmins(projectId)) > 0) return;
    await this.memberships.restore(previous);
    throw new DomainError(
      ErrorCode.conflict,
      "the project's last admin cannot be removed or demoted: make another member admin first",
      undefined,
      { reason: 'last_admin' },
    );
  }

  /**
   * When rights were reduced, tokens signed before `changedAt` carry too many: gateways refuse them
   * until a refresh. Every gateway also drops what it keeps of the user (`auth.evt.user.changed`).
   */
  private async announce(userId: string, projectId: string, changedAt: Date, rights: 'granted' | 'reduced'): Promise<void> {
    await this.bus.publish(
      MembershipEvents.changed,
      { user_id: userId, project_id: projectId, changed_at: changedAt.toISOString(), rights },
      { msgId: `membership-changed:${projectId}:${userId}:${changedAt.getTime()}` },
    );
    await announceUserChanged(this.bus, userId, changedAt);
  }
}

function memberView(membership: MembershipDocument, user: UserDocument): MemberView {
  return {
    user_id: user._id,
    username: user.username,
    name: user.name,
    email: user.email,
    role: membership.role,
    added_at: membership.created_at.toISOString(),
    updated_at: membership.updated_at.toISOString(),
  };
}
