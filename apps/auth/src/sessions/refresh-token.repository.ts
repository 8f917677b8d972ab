import { Inject, Injectable } from '@nestjs/common';
import type { SessionRevoked } from '@ir/contracts';
import { OwnRepository } from '@ir/platform';
import { REFRESH_TOKEN_MODEL, type RefreshTokenDocument, type RefreshTokenModel } from './refresh-token.model';

/** The `refresh_tokens` collection: tokens by their hash, in families (sessions). */
@Injectable()
export class RefreshTokenRepository extends OwnRepository<RefreshTokenDocument> {
  constructor(@Inject(REFRESH_TOKEN_MODEL) model: RefreshTokenModel) {
    super(model);
  }

  async insert(token: RefreshTokenDocument): Promise<void> {
    await this.model.create(token);
  }

  findById(tokenId: string): Promise<RefreshTokenDocument | null> {
    return this.model.findById(tokenId).lean();
  }

  /**
   * Marks the token used if it is unused, unrevoked and unexpired, in the one update that finds it,
   * so two concurrent uses cannot both have it. The token as it was, or null when it was not claimable.
   */
  claim(tokenId: string, now: Date): Promise<RefreshTokenDocument | null> {
    return this.model
      .findOneAndUpdate({ _id: tokenId, used_at: null, revoked_at: null, expires_at: { $gt: now } }, { $set: { used_at: now } })
      .lean();
  }

  /** A revoked token of the family, if any: the family was revoked. */
  findRevokedOfFamily(familyId: string): Promise<RefreshTokenDocument | null> {
    return this.model.findOne({ family_id: familyId, revoked_at: { $ne: null } }).lean();
  }

  /** Revokes one token unless it is revoked already. */
  async revokeOne(tokenId: string, revokedAt: Date, reason: RefreshTokenDocument['revoked_reason']): Promise<void> {
    await this.model.updateOne({ _id: tokenId, revoked_at: null }, { $set: { revoked_at: revokedAt, revoked_reason: reason } });
  }

  /** Revokes every unrevoked token of the user's family; true when one was. */
  async revokeFamily(familyId: string, userId: string, revokedAt: Date, reason: SessionRevoked['reason']): Promise<boolean> {
    const result = await this.model.updateMany(
      { family_id: familyId, user_id: userId, revoked_at: null },
      { $set: { revoked_at: revokedAt, revoked_reason: reason } },
    );
    return result.modifiedCount > 0;
  }

  /** The user's sessions that still have a usable token. */
  async activeFamiliesOf(userId: string, now: Date): Promise<string[]> {
    const families: unknown[] = await this.model.distinct('family_id', { user_id: userId, revoked_at: null, expires_at: { $gt: now } });
    return families.map(String);
  }

  /** Deletes the tokens expired before `now`; answers how many. */
  async deleteExpired(now: Date): Promise<number> {
    const { deletedCount } = await this.model.deleteMany({ expires_at: { $lt: now } });
    return deletedCount;
  }
}
