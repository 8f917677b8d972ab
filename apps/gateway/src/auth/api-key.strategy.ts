import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { API_KEY_PATTERN } from '@ir/contracts';
import { Strategy } from 'passport-http-bearer';
import { ApiKeyCache } from './api-key-cache';
import type { AuthenticatedCaller } from './authenticated';
import { InvalidKeyLimiter } from './invalid-key-limiter';

/**
 * API keys (`irk_...`) as bearer tokens: the caller is the key, with its one role in its one project.
 * A token that is not shaped like a key is left to the access token strategy. A client address that
 * keeps sending invalid keys is refused like one that keeps failing to log in; valid keys are not
 * rate-limited.
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(
    private readonly keys: ApiKeyCache,
    private readonly limiter: InvalidKeyLimiter,
  ) {
    super({ passReqToCallback: true });
  }

  async validate(request: { ip?: string }, token: string): Promise<AuthenticatedCaller | false> {
    if (!API_KEY_PATTERN.test(token)) return false;
    const client = request.ip ?? 'unknown';
    await this.limiter.assertNotBlocked(client);
    try {
      return { principal: await this.keys.verify(token) };
    } catch (error) {
      await this.limiter.failed(client, error);
      throw error;
    }
  }
}
