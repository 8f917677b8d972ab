import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AccessTokenClaims, DomainError, ErrorCode, principalOfClaims } from '@ir/contracts';
import { decode } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthenticatedCaller } from './authenticated';
import { RevokedSessions } from './revoked-sessions';
import { StaleTokens } from './stale-tokens';
import { TokenKeys } from './token-keys';

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
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
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

  validate(payload: unknown): AuthenticatedCaller {
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) throw invalidToken();
    if (this.revoked.isRevoked(claims.data.sid)) throw new DomainError(ErrorCode.unauthenticated, 'access token has been revoked');
    const issuedAt = (payload as { iat?: unknown }).iat;
    if (typeof issuedAt !== 'number' || this.stale.isStale(claims.data.sub, claims.data.ims ?? issuedAt * 1000 + 999)) {
      throw new DomainError(ErrorCode.unauthenticated, 'access token names roles that have changed: refresh it', undefined, {
        reason: 'roles_changed',
      });
    }
    return { principal: principalOfClaims(claims.data), sessionId: claims.data.sid };
  }
}

function invalidToken(): DomainError {
  return new DomainError(ErrorCode.unauthenticated, 'access token is invalid');
}
