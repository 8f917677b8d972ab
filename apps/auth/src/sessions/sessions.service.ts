import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthEvents, DomainError, ErrorCode, type LoginRequest, type SessionRevoked, type TokenPair } from '@ir/contracts';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { BusClient } from '@ir/messaging';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AuthConfig } from '../auth.config';
import type { UserDocument } from '../users/user.model';
import { UsersService } from '../users/users.service';
import { AccessTokenIssuer } from './access-token-issuer';
import { REFRESH_TOKEN_MODEL, type RefreshTokenModel } from './refresh-token.model';

@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    @Inject(REFRESH_TOKEN_MODEL) private readonly tokens: RefreshTokenModel,
    @Inject(SERVICE_CONFIG) private readonly config: AuthConfig,
    private readonly users: UsersService,
    private readonly issuer: AccessTokenIssuer,
    private readonly bus: BusClient,
  ) {}

  async login(request: LoginRequest): Promise<TokenPair> {
    const login = (request.username ?? request.email ?? request.login) as string;
    const user = await this.users.authenticate(login, request.password);
    return this.issue(user, randomUUID());
  }

  /**
   * Rotates a refresh token. The token is marked used in the same update that
   * finds it, so two concurrent uses cannot both succeed; a used token seen
   * again revokes its family.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const id = hashToken(refreshToken);
    const now = new Date();
    const claimed = await this.tokens
      .findOneAndUpdate({ _id: id, used_at: null, revoked_at: null, expires_at: { $gt: now } }, { $set: { used_at: now } })
      .lean();
    if (!claimed) {
      const known = await this.tokens.findById(id).lean();
      if (known?.used_at && !known.revoked_at) {
        this.logger.warn(`refresh token of session ${known.family_id} used twice: revoking the session`);
        await this.revokeFamily(known.family_id, known.user_id, 'refresh_token_reuse');
      }
      throw invalidRefreshToken();
    }
    const user = await this.users.findById(claimed.user_id);
    if (!user) throw invalidRefreshToken();
    return this.issue(user, claimed.family_id);
  }

  async logout(sessionId: string, userId: string): Promise<{ revoked: boolean }> {
    const revoked = await this.revokeFamily(sessionId, userId, 'logout');
    return { revoked };
  }

  /** Removes expired tokens where the server has no TTL index to do it. */
  async purgeExpired(): Promise<number> {
    const { deletedCount } = await this.tokens.deleteMany({ expires_at: { $lt: new Date() } });
    return deletedCount;
  }

  private async issue(user: UserDocument, familyId: string): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.tokens.create({
      _id: hashToken(refreshToken),
      family_id: familyId,
      user_id: user._id,
      created_at: new Date(now),
      expires_at: new Date(now + this.config.REFRESH_TOKEN_TIMEOUT),
      used_at: null,
      revoked_at: null,
    });
    const accessToken = await this.issuer.sign({ sub: user._id, sid: familyId, username: user.username }, this.config.ACCESS_TOKEN_TIMEOUT);
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: Math.floor(this.config.ACCESS_TOKEN_TIMEOUT / 1000),
      refresh_expires_in: Math.floor(this.config.REFRESH_TOKEN_TIMEOUT / 1000),
    };
  }

  /** Revokes every token of the session and tells the gateways, which then refuse its access tokens. */
  private async revokeFamily(familyId: string, userId: string, reason: SessionRevoked['reason']): Promise<boolean> {
    const now = new Date();
    const result = await this.tokens.updateMany({ family_id: familyId, user_id: userId, revoked_at: null }, { $set: { revoked_at: now } });
    await this.bus.publish(
      AuthEvents.sessionRevoked,
      {
        session_id: familyId,
        user_id: userId,
        reason,
        revoked_at: now.toISOString(),
        relevant_until: new Date(now.getTime() + this.config.ACCESS_TOKEN_TIMEOUT).toISOString(),
      },
      { msgId: `session-revoked:${familyId}` },
    );
    return result.modifiedCount > 0;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function invalidRefreshToken(): DomainError {
  return new DomainError(ErrorCode.unauthenticated, 'refresh token is invalid, expired or revoked');
}
