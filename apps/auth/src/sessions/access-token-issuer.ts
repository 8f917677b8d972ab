import { Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type AccessTokenClaims } from '@ir/contracts';
import { sign } from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { KeysHolder } from '../keys/keys.module';

@Injectable()
export class AccessTokenIssuer {
  constructor(private readonly keys: KeysHolder) {}

  /** An RS256 JWT whose `kid` names the key that verifies it. */
  sign(claims: AccessTokenClaims, lifetimeMs: number): Promise<string> {
    const { kid, privateKey } = this.keys.value;
    return new Promise((resolve, reject) =>
      sign(
        // `ims`: when it was signed, to the millisecond (JWT's `iat` has whole seconds), so that a
        // gateway can tell a token signed before a change of roles from one signed just after it.
        { sid: claims.sid, username: claims.username, sa: claims.sa, projects: claims.projects, ims: Date.now() },
        privateKey,
        {
          algorithm: 'RS256',
          keyid: kid,
          subject: claims.sub,
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          expiresIn: Math.floor(lifetimeMs / 1000),
          jwtid: randomUUID(),
        },
        (error, token) => (error || !token ? reject(error ?? new Error('token not signed')) : resolve(token)),
      ),
    );
  }
}
