import { Injectable } from '@nestjs/common';
import { projectsWhere, type Permission, type Principal } from '@ir/contracts';
import { authorize, projectNotFound } from '../access/authorize';
import type { ProjectDocument } from './project.model';
import { ProjectRepository } from './project.repository';

/** Ties a project id to the caller before anything is done in the project. */
@Injectable()
export class ProjectAccess {
  constructor(private readonly projects: ProjectRepository) {}

  /**
   * The project, when the caller sees it and holds `permission` in it: 404 when it sees nothing of it
   * (or there is no such project), else 403 naming the permission.
   */
  async resolve(principal: Principal, projectId: string, permission: Permission): Promise<ProjectDocument> {
    authorize(principal, 'databases:read', projectId);
    const project = await this.projects.findInScope(projectsWhere(principal, 'databases:read'), projectId);
    if (!project) throw projectNotFound();
    authorize(principal, permission, projectId);
    return project;
  }
}
