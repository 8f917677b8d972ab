import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuthEvents } from '@ir/contracts';
import { BroadcastSubscription, NatsBus } from '@ir/messaging';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { AuthEventsStream } from './auth-events-stream';
import type { GatewayConfig } from '../gateway.config';

/**
 * Sessions revoked by logout or refresh-token reuse, fed by auth's events, so a
 * revoked session's access tokens are refused without a bus call per request.
 * Each entry is kept only while such a token could still be unexpired.
 */
@Injectable()
export class RevokedSessions implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RevokedSessions.name);
  private readonly until = new Map<string, number>();
  private readonly subscription: BroadcastSubscription<typeof AuthEvents.sessionRevoked>;

  constructor(
    bus: NatsBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly stream: AuthEventsStream,
  ) {
    this.subscription = new BroadcastSubscription(bus, AuthEvents.sessionRevoked, this.logger);
  }

  async onModuleInit(): Promise<void> {
    await this.stream.ensure();
    // Resolves once the revocations already stored are applied: the gateway must not accept
    // a revoked session's tokens in its first moments.
    await this.subscription.start(new Date(Date.now() - this.config.REVOCATION_LOOKBACK), (event) => {
      const until = Date.parse(event.relevant_until);
      if (until > Date.now()) this.until.set(event.session_id, until);
    });
  }

  onApplicationShutdown(): void {
    this.subscription.stop();
  }

  isRevoked(sessionId: string): boolean {
    const until = this.until.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(sessionId);
    return false;
  }
}
