import { Inject, Injectable } from '@nestjs/common';
import { OwnRepository } from '@ir/platform';
import { API_KEY_MODEL, type ApiKeyDocument, type ApiKeyModel } from './api-key.model';

/** A bound on a list that has no pages: a project holds a handful of keys. */
const MAX_LISTED = 1000;

/**
 * The `api_keys` collection. Every query but the verification of a presented key names the project,
 * whose visibility the caller checked through the project repository.
 */
@Injectable()
export class ApiKeyRepository extends OwnRepository<ApiKeyDocument> {
  constructor(@Inject(API_KEY_MODEL) model: ApiKeyModel) {
    super(model);
  }

  /** Rejects with the duplicate-key error when the id is taken. */
  async insert(key: ApiKeyDocument): Promise<void> {
    await this.model.create(key);
  }

  /** Newest first. */
  listOfProject(projectId: string): Promise<ApiKeyDocument[]> {
    return this.model.find({ project_id: projectId }).sort({ created_at: -1 }).limit(MAX_LISTED).lean();
  }

  findInProject(projectId: string, keyId: string): Promise<ApiKeyDocument | null> {
    return this.model.findOne({ _id: keyId, project_id: projectId }).lean();
  }

  /** Revokes the key unless it is revoked already; the key as it is now, or null when the project has no such key. */
  async revoke(projectId: string, keyId: string, now: Date): Promise<ApiKeyDocument | null> {
    await this.model.updateOne({ _id: keyId, project_id: projectId, revoked_at: null }, { $set: { revoked_at: now } });
    return this.findInProject(projectId, keyId);
  }

  /** The key presented to a gateway, by its hash. */
  findByHash(keyHash: string): Promise<ApiKeyDocument | null> {
    return this.model.findOne({ key_hash: keyHash }).lean();
  }

  /** Records a use, unless one was recorded since `notBefore`. */
  async touch(keyId: string, now: Date, notBefore: Date): Promise<void> {
    await this.model.updateOne(
      { _id: keyId, $or: [{ last_used_at: null }, { last_used_at: { $lt: notBefore } }] },
      { $set: { last_used_at: now } },
    );
  }
}
