import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthEvents, DomainError, ErrorCode, type LoginRequest, type SessionRevoked, type TokenPair } from '@ir/contracts';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { AuditTrail, BusClient } from '@ir/messaging';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AuthConfig } from '../auth.config';
import { MembershipRepository } from '../projects/membership.repository';
import type { UserDocument } from '../users/user.model';
import { UsersService } from '../users/users.service';
import { AccessTokenIssuer } from './access-token-issuer';
import { RefreshTokenRepository } from './refresh-token.repository';

@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly tokens: RefreshTokenRepository,
    @Inject(SERVICE_CONFIG) private readonly config: AuthConfig,
    private readonly users: UsersService,
    private readonly issuer: AccessTokenIssuer,
    private readonly bus: BusClient,
    private readonly memberships: MembershipRepository,
    private readonly trail: AuditTrail,
  ) {}

  /** Recorded either way: a failed login names the login tried (never the password), and no actor. */
  async login(request: LoginRequest): Promise<TokenPair> {
    const login = (request.username ?? request.email ?? request.login) as string;
    let user: UserDocument;
    try {
      user = await this.users.authenticate(login, request.password);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.unauthenticated) {
        await this.trail.record({
          action: 'session.login',
          outcome: 'failed',
          actor: null,
          projectId: null,
          target: { kind: 'session', id: '' },
          details: { username: login, reason: 'invalid_credentials' },
        });
      }
      throw error;
    }
    const sessionId = randomUUID();
    const tokens = await this.issue(user, sessionId);
    await this.trail.record({
      action: 'session.login',
      outcome: 'succeeded',
      actor: { kind: 'user', id: user._id, name: user.username },
      projectId: null,
      target: { kind: 'session', id: sessionId, name: user.username },
    });
    return tokens;
  }

  /**
   * Rotates a refresh token. The token is marked used in the same update that
   * finds it, so two concurrent uses cannot both succeed; a used token seen
   * again revokes its family.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const id = hashToken(refreshToken);
    const now = new Date();
    const claimed = await this.tokens.claim(id, now);
    if (!claimed) {
      const known = await this.tokens.findById(id);
      if (known?.revoked_at) {
        // Already revoked, but the event announcing it may have been lost (a failed
        // publish after the update): announce it again under the same message id.
        await this.announceAgain(known.family_id, known.user_id, known.revoked_reason ?? 'refresh_token_reuse', known.revoked_at);
      } else if (known?.used_at) {
        this.logger.warn(`refresh token of session ${known.family_id} used twice: revoking the session`);
        await this.revokeFamily(known.family_id, known.user_id, 'refresh_token_reuse');
      }
      throw invalidRefreshToken();
    }
    const user = await this.users.findById(claimed.user_id);
    if (!user) throw invalidRefreshToken();
    const successor = await this.storeRefreshToken(user, claimed.family_id);
    // A logout or reuse revocation may have run between the claim above and the
    // insert: its update missed the successor, which would outlive the session.
    // Any revocation that ran before this check is seen here; one that runs after
    // it also revokes the successor, already stored.
    const revoked = await this.tokens.findRevokedOfFamily(claimed.family_id);
    if (revoked?.revoked_at) {
      await this.tokens.revokeOne(hashToken(successor), revoked.revoked_at, revoked.revoked_reason);
      await this.announceAgain(claimed.family_id, claimed.user_id, revoked.revoked_reason ?? 'logout', revoked.revoked_at);
      throw invalidRefreshToken();
    }
    return this.tokenPair(user, claimed.family_id, successor);
  }

  async logout(sessionId: string, userId: string): Promise<{ revoked: boolean }> {
    const revoked = await this.revokeFamily(sessionId, userId, 'logout');
    return { revoked };
  }

  /** Revokes every session of the user but `keepSessionId` (after a password change); answers how many. */
  async revokeOtherSessions(userId: string, keepSessionId: string): Promise<number> {
    const others = (await this.tokens.activeFamiliesOf(userId, new Date())).filter((familyId) => familyId !== keepSessionId);
    for (const familyId of others) await this.revokeFamily(familyId, userId, 'password_changed');
    return others.length;
  }

  /** Removes expired tokens where the server has no TTL index to do it. */
  async purgeExpired(): Promise<number> {
    return this.tokens.deleteExpired(new Date());
  }

  private async issue(user: UserDocument, familyId: string): Promise<TokenPair> {
    return this.tokenPair(user, familyId, await this.storeRefreshToken(user, familyId));
  }

  /** Stores a new refresh token of the family and answers the token itself. */
  private async storeRefreshToken(user: UserDocument, familyId: string): Promise<string> {
    const refreshToken = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.tokens.insert({
      _id: hashToken(refreshToken),
      family_id: familyId,
      user_id: user._id,
      created_at: new Date(now),
      expires_at: new Date(now + this.config.REFRESH_TOKEN_TIMEOUT),
      used_at: null,
      revoked_at: null,
      revoked_reason: null,
    });
    return refreshToken;
  }

  /** The access token carries the user's roles as they are now: a refresh picks up membership changes. */
  private async tokenPair(user: UserDocument, familyId: string, refreshToken: string): Promise<TokenPair> {
    const claims = {
      sub: user._id,
      sid: familyId,
      username: user.username,
      sa: user.system_admin === true,
      projects: await this.memberships.rolesOf(user._id),
    };
    const accessToken = await this.issuer.sign(claims, this.config.ACCESS_TOKEN_TIMEOUT);
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: Math.floor(this.config.ACCESS_TOKEN_TIMEOUT / 1000),
      refresh_expires_in: Math.floor(this.config.REFRESH_TOKEN_TIMEOUT / 1000),
    };
  }

  /**
   * Revokes every token of the session and tells the gateways, which then refuse its access tokens.
   * The event goes out even when nothing was left to revoke: an earlier attempt may have revoked
   * the tokens and then failed to publish.
   */
  private async revokeFamily(familyId: string, userId: string, reason: SessionRevoked['reason']): Promise<boolean> {
    const now = new Date();
    const revoked = await this.tokens.revokeFamily(familyId, userId, now, reason);
    await this.publishRevoked(familyId, userId, reason, now);
    return revoked;
  }

  /** The caller answers 401 either way; a failed announcement is retried by the next use of a revoked token. */
  private async announceAgain(familyId: string, userId: string, reason: SessionRevoked['reason'], revokedAt: Date): Promise<void> {
    await this.publishRevoked(familyId, userId, reason, revokedAt).catch((error: unknown) =>
      this.logger.warn(`could not announce the revocation of session ${familyId} again: ${String(error)}`),
    );
  }

  /**
   * One message id per session: JetStream stores a re-announcement inside its duplicate
   * window once, and one after the window only refreshes the gateways' entry.
   */
  private async publishRevoked(familyId: string, userId: string, reason: SessionRevoked['reason'], revokedAt: Date): Promise<void> {
    await this.bus.publish(
      AuthEvents.sessionRevoked,
      {
        session_id: familyId,
        user_id: userId,
        reason,
        revoked_at: revokedAt.toISOString(),
        // Counted from now, not from revokedAt: an access token signed by a refresh that
        // passed its revocation check just before the revocation may be slightly younger.
        relevant_until: new Date(Date.now() + this.config.ACCESS_TOKEN_TIMEOUT).toISOString(),
      },
      { msgId: `session-revoked:${familyId}` },
    );
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function invalidRefreshToken(): DomainError {
  return new DomainError(ErrorCode.unauthenticated, 'refresh token is invalid, expired or revoked');
}
