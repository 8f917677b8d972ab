import { Inject, Injectable } from '@nestjs/common';
import { projectsWhere, type ImportResult, type Principal } from '@ir/contracts';
import { findPage, isDuplicateKeyError, OwnRepository, type Page, type PageRequest } from '@ir/platform';
import { Types } from 'mongoose';
import { IMPORT_MODEL, type ImportDocument, type ImportModel } from './import.model';

/**
 * The `imports` collection: one record per import, written when it starts and when it ends. Reads
 * are scoped to the projects where the caller may read syncs; ids that name no ObjectId find nothing.
 */
@Injectable()
export class ImportRepository extends OwnRepository<ImportDocument> {
  constructor(@Inject(IMPORT_MODEL) model: ImportModel) {
    super(model);
  }

  /**
   * Records an import as running, under `id` when it is one (a queued import's) or a new id; answers
   * the id, and whether a record with it existed already: a queued import delivered again after its
   * executor died (it is then run again under the same record, `markRunningAgain`).
   */
  async insertRunning(id: string | undefined, doc: Omit<ImportDocument, '_id'>): Promise<{ id: string; existed: boolean }> {
    const _id = id && Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : new Types.ObjectId();
    try {
      await this.model.create({ _id, ...doc });
      return { id: _id.toHexString(), existed: false };
    } catch (error) {
      if (isDuplicateKeyError(error)) return { id: _id.toHexString(), existed: true };
      throw error;
    }
  }
  /** A record that exists already, taken up again: running, its earlier end forgotten. */
  async markRunningAgain(id: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'running', error: null, finished_at: null }, $unset: { result: 1 } });
  }

  async markCompleted(id: string, result: ImportResult, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'completed', result, finished_at: at } });
  }

  async markFailed(id: string, error: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'failed', error, finished_at: at } });
  }

  findVisible(principal: Principal, importId: string): Promise<ImportDocument | null> {
    if (!Types.ObjectId.isValid(importId)) return Promise.resolve(null);
    return this.model.findOne({ _id: importId, ...this.inProjects(projectsWhere(principal, 'syncs:read')) }).lean<ImportDocument>();
  }

  /** A database's imports the caller may read, newest first. */
  pageOfDatabase(principal: Principal, databaseId: string, request: PageRequest): Promise<Page<ImportDocument>> {
    const filter = { database_id: databaseId, ...this.inProjects(projectsWhere(principal, 'syncs:read')) };
    return findPage(this.model, filter, { created_at: -1, _id: -1 }, request);
  }
}
