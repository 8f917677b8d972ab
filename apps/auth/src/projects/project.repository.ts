import { Inject, Injectable } from '@nestjs/common';
import type { ProjectScope } from '@ir/contracts';
import { containsText, findPage, OwnRepository, type Page, type PageRequest } from '@ir/platform';
import type { FilterQuery } from 'mongoose';
import { inScope } from '../access/project-scope';
import { PROJECT_MODEL, type ProjectDocument, type ProjectModel } from './project.model';

/** The `projects` collection. Every read takes the caller's scope: a project outside it is not found. */
@Injectable()
export class ProjectRepository extends OwnRepository<ProjectDocument> {
  constructor(@Inject(PROJECT_MODEL) model: ProjectModel) {
    super(model);
  }

  /** Rejects with the duplicate-key error when the name is taken. */
  async insert(project: ProjectDocument): Promise<void> {
    await this.model.create(project);
  }

  /** Creates the project unless one of its id exists (whatever its name has become since). */
  async ensure(project: ProjectDocument): Promise<void> {
    const { _id, ...fields } = project;
    await this.model.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true });
  }

  findInScope(scope: ProjectScope, projectId: string): Promise<ProjectDocument | null> {
    return this.model.findOne({ _id: projectId, ...inScope(scope, '_id') }).lean();
  }

  /** By name (any case); `search` matches name or description. */
  page(scope: ProjectScope, search: string | undefined, request: PageRequest): Promise<Page<ProjectDocument>> {
    const filter: FilterQuery<ProjectDocument> = inScope(scope, '_id');
    if (search) {
      const pattern = containsText(search);
      filter.$or = [{ name: pattern }, { description: pattern }];
    }
    return findPage(this.model, filter, { name_key: 1 }, request);
  }

  /** The project as changed, or null when it is not in scope; rejects with the duplicate-key error when the name is taken. */
  update(
    scope: ProjectScope,
    projectId: string,
    set: Partial<Pick<ProjectDocument, 'name' | 'name_key' | 'description' | 'updated_at'>>,
  ): Promise<ProjectDocument | null> {
    return this.model.findOneAndUpdate({ _id: projectId, ...inScope(scope, '_id') }, { $set: set }, { new: true }).lean();
  }
}
