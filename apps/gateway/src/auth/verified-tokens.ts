import { Injectable } from '@nestjs/common';
import type { AuthenticatedCaller } from './authenticated';

/** Most tokens kept; the oldest goes first beyond it. */
const MAX_TOKENS = 10_000;

/** What verifying an access token established, and what must still be checked on each use. */
export interface VerifiedToken {
  readonly caller: AuthenticatedCaller & { readonly sessionId: string };
  readonly userId: string;
  /** When it was signed (ms), for the check of reduced roles. */
  readonly signedAtMs: number;
  readonly expiresAtMs: number;
}

/**
 * Access tokens whose signature, issuer, audience and claims were verified, kept until they expire: a
 * token is an immutable string, so verifying it again (RS256, claims parsing) can only find the same.
 * What can change after signing, a revoked session or reduced roles, is still checked on every use
 * (`JwtStrategy.check`), so a kept token is refused as soon as an uncached one would be.
 */
@Injectable()
export class VerifiedTokens {
  private readonly tokens = new Map<string, VerifiedToken>();

  recall(token: string): VerifiedToken | undefined {
    const verified = this.tokens.get(token);
    if (!verified) return undefined;
    if (verified.expiresAtMs > Date.now()) return verified;
    this.tokens.delete(token);
    return undefined;
  }

  remember(token: string, verified: VerifiedToken): void {
    if (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value as string);
    this.tokens.set(token, verified);
  }
}
