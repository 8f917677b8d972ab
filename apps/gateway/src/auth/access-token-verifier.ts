import { Injectable, Logger } from '@nestjs/common';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AccessTokenClaims, AuthRpc, DomainError, ErrorCode } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { decode, verify } from 'jsonwebtoken';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { RevokedSessions } from './revoked-sessions';

/** Asking auth for keys again is allowed at most this often, so junk `kid`s cannot flood the bus. */
const KEY_REFRESH_MIN_INTERVAL_MS = 30_000;

/**
 * Verifies RS256 access tokens locally with auth's public keys, fetched over the
 * bus once and again only when a token names an unknown key.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly logger = new Logger(AccessTokenVerifier.name);
  private keys = new Map<string, KeyObject>();
  private lastFetch = 0;
  private fetching?: Promise<void>;

  constructor(
    private readonly bus: BusClient,
    private readonly revoked: RevokedSessions,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims> {
    const kid = (decode(token, { complete: true })?.header.kid as string | undefined) ?? '';
    const key = await this.keyFor(kid);
    if (!key) throw unauthenticated('access token is invalid');
    let payload: unknown;
    try {
      payload = verify(token, key, { algorithms: ['RS256'], issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE });
    } catch (error) {
      throw unauthenticated((error as Error).name === 'TokenExpiredError' ? 'access token has expired' : 'access token is invalid');
    }
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) throw unauthenticated('access token is invalid');
    if (this.revoked.isRevoked(claims.data.sid)) throw unauthenticated('access token has been revoked');
    return claims.data;
  }

  private async keyFor(kid: string): Promise<KeyObject | undefined> {
    if (!kid) return undefined;
    const known = this.keys.get(kid);
    if (known || Date.now() - this.lastFetch < KEY_REFRESH_MIN_INTERVAL_MS) return known;
    this.fetching ??= this.fetchKeys().finally(() => (this.fetching = undefined));
    await this.fetching;
    return this.keys.get(kid);
  }

  private async fetchKeys(): Promise<void> {
    try {
      const jwks = await this.bus.request(AuthRpc.publicKeys, {});
      this.keys = new Map(jwks.keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]));
      this.lastFetch = Date.now();
      this.logger.log(`loaded ${this.keys.size} token key(s) from auth`);
    } catch (error) {
      this.logger.warn(`could not load token keys from auth: ${String(error)}`);
      throw new DomainError(ErrorCode.unavailable, 'authentication is temporarily unavailable');
    }
  }
}

function unauthenticated(message: string): DomainError {
  return new DomainError(ErrorCode.unauthenticated, message);
}
