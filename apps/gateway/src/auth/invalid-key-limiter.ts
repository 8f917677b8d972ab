import { Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { DomainError, ErrorCode } from '@ir/contracts';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';

const THROTTLER = 'invalid-api-keys';

/**
 * Invalid API keys per client address, under the login rate limit (AUTH_RATE_LIMIT): guessing keys
 * costs what guessing passwords does. Kept in the throttler's own storage.
 */
@Injectable()
export class InvalidKeyLimiter {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorageService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** @throws DomainError 429 while the address is over the limit */
  async assertNotBlocked(client: string): Promise<void> {
    const record = this.storage.storage.get(this.key(client));
    if (record?.isBlocked && record.blockExpiresAt > Date.now()) throw this.tooMany();
  }

  /** Counts a key auth refused (a 401); any other failure (auth away) is not the caller's. */
  async failed(client: string, error: unknown): Promise<void> {
    if (!(error instanceof DomainError) || error.code !== ErrorCode.unauthenticated) return;
    const { windowMs, limit } = this.config.AUTH_RATE_LIMIT;
    const record = await this.storage.increment(this.key(client), windowMs, limit, windowMs, THROTTLER);
    if (record.isBlocked) throw this.tooMany();
  }

  private key(client: string): string {
    return `${THROTTLER}:${client}`;
  }

  private tooMany(): DomainError {
    return new DomainError(ErrorCode.rateLimited, 'too many invalid API keys from this address; try again later');
  }
}
