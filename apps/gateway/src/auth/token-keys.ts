import { Injectable, Logger } from '@nestjs/common';
import { AuthRpc, DomainError, ErrorCode, ServiceName } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { createPublicKey, type KeyObject } from 'node:crypto';

/** Asking auth for keys again is allowed at most this often, so junk `kid`s cannot flood the bus. */
const KEY_REFRESH_MIN_INTERVAL_MS = 30_000;
/** After a failed fetch, sooner: tokens under a new key should not wait the full interval once auth is back. */
const KEY_RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * Auth's public keys that verify access tokens, fetched over the bus once and again only when a
 * token names an unknown key.
 */
@Injectable()
export class TokenKeys {
  private readonly logger = new Logger(TokenKeys.name);
  private readonly keys = new Map<string, KeyObject>();
  /** No fetch before this instant; set after every attempt, failed ones included. */
  private nextFetchAt = 0;
  private fetching?: Promise<void>;

  constructor(private readonly bus: BusClient) {}

  /**
   * Within the interval a kid still unknown answers 401 without asking auth: a bus call per
   * request for junk kids would be a flood, and worse while auth is down. Only the request that
   * makes a fetch which fails (and those waiting on it) answers 503, and so does any request
   * while no key at all could ever be loaded, since then no token can be judged.
   */
  async keyFor(kid: string): Promise<KeyObject | undefined> {
    if (!kid) return undefined;
    const known = this.keys.get(kid);
    if (known) return known;
    if (Date.now() < this.nextFetchAt) {
      if (this.keys.size === 0) throw authUnavailable();
      return undefined;
    }
    this.fetching ??= this.fetchKeys().finally(() => (this.fetching = undefined));
    await this.fetching;
    return this.keys.get(kid);
  }

  /** Merges what auth answers: replicas that each hold their own key answer with different sets. */
  private async fetchKeys(): Promise<void> {
    try {
      const jwks = await this.bus.request(AuthRpc.publicKeys, {});
      for (const jwk of jwks.keys) this.keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      this.nextFetchAt = Date.now() + KEY_REFRESH_MIN_INTERVAL_MS;
      this.logger.log(`loaded ${jwks.keys.length} token key(s) from auth, ${this.keys.size} known`);
    } catch (error) {
      this.nextFetchAt = Date.now() + KEY_RETRY_AFTER_FAILURE_MS;
      this.logger.warn(`could not load token keys from auth: ${String(error)}`);
      throw authUnavailable();
    }
  }
}

function authUnavailable(): DomainError {
  return new DomainError(ErrorCode.unavailable, 'authentication is temporarily unavailable', undefined, { service: ServiceName.auth });
}
