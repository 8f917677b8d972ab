import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AccessTokenClaims, DomainError, ErrorCode, principalOfClaims } from '@ir/contracts';
import { decode } from 'jsonwebtoken';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthenticatedCaller } from './authenticated';
import { RevokedSessions } from './revoked-sessions';
import { StaleTokens } from './stale-tokens';
import { TokenKeys } from './token-keys';
import { VerifiedTokens, type VerifiedToken } from './verified-tokens';

const BEARER_TOKEN = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * Access tokens (RS256 JWTs signed by auth): passport-jwt checks the signature with auth's public
 * key for the token's `kid`, its expiry, issuer and audience; then its claims and whether its
 * session was revoked. The caller is the user, with the projects and roles the token names.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    keys: TokenKeys,
    private readonly revoked: RevokedSessions,
    private readonly stale: StaleTokens,
    private readonly verifiedTokens: VerifiedTokens,
  ) {
    super({
      jwtFromRequest: BEARER_TOKEN,
      passReqToCallback: true,
      algorithms: ['RS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      secretOrKeyProvider: (_req, token, done) => {
        const kid = decode(token, { complete: true })?.header.kid;
        keys.keyFor(typeof kid === 'string' ? kid : '').then(
          // jsonwebtoken 9 verifies with a KeyObject as it is; the typings only name strings and buffers.
          (key) => (key ? done(null, key as unknown as string) : done(invalidToken())),
          (error: unknown) => done(error),
        );
      },
    });
  }

  validate(request: Request, payload: unknown): AuthenticatedCaller {
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) throw invalidToken();
    const { iat: issuedAt, exp: expiresAt } = payload as { iat?: unknown; exp?: unknown };
    if (typeof issuedAt !== 'number') throw rolesChanged();
    const verified: VerifiedToken = {
      caller: { principal: principalOfClaims(claims.data), sessionId: claims.data.sid },
      userId: claims.data.sub,
      signedAtMs: claims.data.ims ?? issuedAt * 1000 + 999,
      // passport-jwt refuses a token without exp only when told to: such a token is verified each time.
      expiresAtMs: typeof expiresAt === 'number' ? expiresAt * 1000 : 0,
    };
    this.check(verified);
    const token = BEARER_TOKEN(request);
    if (token && verified.expiresAtMs > 0) this.verifiedTokens.remember(token, verified);
    return verified.caller;
  }

  /** What may have changed since the token was verified: its session revoked, or its user's roles reduced. */
  check(verified: VerifiedToken): void {
    if (this.revoked.isRevoked(verified.caller.sessionId)) {
      throw new DomainError(ErrorCode.unauthenticated, 'access token has been revoked');
    }
    if (this.stale.isStale(verified.userId, verified.signedAtMs)) throw rolesChanged();
  }
}

function rolesChanged(): DomainError {
  return new DomainError(ErrorCode.unauthenticated, 'access token names roles that have changed: refresh it', undefined, {
    reason: 'roles_changed',
  });
}

function invalidToken(): DomainError {
  return new DomainError(ErrorCode.unauthenticated, 'access token is invalid');
}
