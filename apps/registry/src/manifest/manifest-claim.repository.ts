import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, OwnRepository } from '@ir/platform';
import type { AuthorizedDatabase } from '../databases/database-access';
import { MANIFEST_CLAIM_MODEL, type ManifestClaimDocument, type ManifestClaimModel } from './manifest-claim.model';

/** The `manifest_claims` collection: at most one claim per database and version (see the model). */
@Injectable()
export class ManifestClaimRepository extends OwnRepository<ManifestClaimDocument> {
  constructor(@Inject(MANIFEST_CLAIM_MODEL) model: ManifestClaimModel) {
    super(model);
  }

  /** True when this caller is the one that took `version`; the claims of older versions go, so each database keeps one. */
  async claim(database: AuthorizedDatabase, version: number): Promise<boolean> {
    try {
      await this.model.create({ database_id: database._id, version, at: new Date() });
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
    await this.model.deleteMany({ database_id: database._id, version: { $lt: version } });
    return true;
  }
}
