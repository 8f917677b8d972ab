import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, projectsWhere, type Principal, type ProjectView } from '@ir/contracts';
import { AuditTrail } from '@ir/messaging';
import { isDuplicateKeyError, mapPage, type Page } from '@ir/platform';
import type { z } from 'zod';
import type { CreateProjectBody, ListProjectsQuery, UpdateProjectBody } from '@ir/contracts';
import { memberRoleIn, projectNotFound, requireSystemAdmin } from '../access/authorize';
import { SystemStateRepository } from '../system/system-state.repository';
import { MembersService } from './members.service';
import { ProjectAccess } from './project-access';
import { newProjectId, type ProjectDocument } from './project.model';
import { ProjectRepository } from './project.repository';

@Injectable()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly access: ProjectAccess,
    private readonly members: MembersService,
    private readonly system: SystemStateRepository,
    private readonly trail: AuditTrail,
  ) {}

  /** System administrators only; a user who creates one becomes its admin. */
  async create(principal: Principal, body: z.output<typeof CreateProjectBody>): Promise<ProjectView> {
    requireSystemAdmin(principal);
    const now = new Date();
    const project: ProjectDocument = {
      _id: newProjectId(),
      name: body.name,
      name_key: body.name.toLowerCase(),
      description: body.description,
      created_at: now,
      created_by: principal.id,
      updated_at: now,
    };
    await this.projects.insert(project).catch(rethrowNameTaken);
    // A system-wide action (the contract's rule): the project is its target, not its scope.
    await this.trail.record({
      action: 'project.created',
      outcome: 'succeeded',
      projectId: null,
      target: { kind: 'project', id: project._id, name: project.name },
      changes: { before: null, after: projectState(project) },
    });
    if (principal.kind !== 'user') return projectView(project, principal);
    await this.members.grant(project._id, principal.id, 'admin');
    return projectView(project, { ...principal, projects: { ...principal.projects, [project._id]: 'admin' } });
  }

  async list(
    principal: Principal,
    query: z.output<typeof ListProjectsQuery> & { page: number; limit: number },
  ): Promise<Page<ProjectView>> {
    const page = await this.projects.page(projectsWhere(principal, 'databases:read'), query.search, query);
    return mapPage(page, (project) => projectView(project, principal));
  }

  async get(principal: Principal, projectId: string): Promise<ProjectView> {
    return projectView(await this.access.resolve(principal, projectId, 'databases:read'), principal);
  }

  async update(principal: Principal, projectId: string, changes: z.output<typeof UpdateProjectBody>): Promise<ProjectView> {
    const before = await this.access.resolve(principal, projectId, 'project:manage');
    const set: Parameters<ProjectRepository['update']>[2] = { updated_at: new Date() };
    if (changes.name !== undefined) Object.assign(set, { name: changes.name, name_key: changes.name.toLowerCase() });
    if (changes.description !== undefined) set.description = changes.description;
    const updated = await this.projects.update(projectsWhere(principal, 'project:manage'), projectId, set).catch(rethrowNameTaken);
    if (!updated) throw projectNotFound();
    await this.trail.record({
      action: 'project.updated',
      outcome: 'succeeded',
      projectId,
      target: { kind: 'project', id: projectId, name: updated.name },
      changes: { before: projectState(before), after: projectState(updated) },
    });
    return projectView(updated, principal);
  }

  /** The project that holds what belongs to no project; 404 until the first user has registered. */
  async defaultProject(): Promise<{ id: string }> {
    const claim = await this.system.findFirstAdminClaim();
    if (!claim) throw new DomainError(ErrorCode.notFound, 'there is no default project yet: the first user has not registered');
    return { id: claim.default_project_id };
  }
}

function rethrowNameTaken(error: unknown): never {
  if (!isDuplicateKeyError(error)) throw error;
  const message = 'a project of this name exists';
  throw new DomainError(ErrorCode.conflict, message, [{ field: 'name', rule: 'unique', message }]);
}

/** What the audit trail keeps of a project's state: what an update can change. */
function projectState(project: ProjectDocument): Record<string, unknown> {
  return { name: project.name, description: project.description ?? null };
}

export function projectView(project: ProjectDocument, principal: Principal): ProjectView {
  return {
    id: project._id,
    name: project.name,
    description: project.description,
    created_at: project.created_at.toISOString(),
    created_by: project.created_by,
    updated_at: project.updated_at.toISOString(),
    role: memberRoleIn(principal, project._id),
  };
}
