import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AccessTokenClaims, DomainError, ErrorCode, type Principal } from '@ir/contracts';
import { decode } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthenticatedCaller } from './authenticated';
import { RevokedSessions } from './revoked-sessions';
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
    return { principal: userPrincipal(claims.data), sessionId: claims.data.sid };
  }
}

function userPrincipal(claims: AccessTokenClaims): Principal {
  return { kind: 'user', id: claims.sub, name: claims.username, system_admin: claims.sa ?? false, projects: claims.projects ?? {} };
}

function invalidToken(): DomainError {
  return new DomainError(ErrorCode.unauthenticated, 'access token is invalid');
}
