import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { MembershipEvents } from '@ir/contracts';
import { BroadcastSubscription, NatsBus } from '@ir/messaging';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { AuthEventsStream } from './auth-events-stream';

/**
 * Users whose rights were reduced, fed by auth's membership events: an access token signed before
 * the change names roles the user no longer has, so it is refused until its user refreshes it (a
 * refresh signs the new roles). Granted rights make no token stale: an old one only holds less.
 * Entries are kept only while such a token could still be unexpired.
 */
@Injectable()
export class StaleTokens implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StaleTokens.name);
  /** Per user: tokens signed before this instant (ms) are stale; kept until such a token would have expired. */
  private readonly changed = new Map<string, { at: number; until: number }>();
  private readonly subscription: BroadcastSubscription<typeof MembershipEvents.changed>;

  constructor(
    bus: NatsBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly stream: AuthEventsStream,
  ) {
    this.subscription = new BroadcastSubscription(bus, MembershipEvents.changed, this.logger);
  }

  async onModuleInit(): Promise<void> {
    await this.stream.ensure();
    // Resolves once the changes already stored are applied, as for revocations.
    await this.subscription.start(new Date(Date.now() - this.config.REVOCATION_LOOKBACK), (event) => {
      if (event.rights === 'granted') return;
      const at = Date.parse(event.changed_at);
      const previous = this.changed.get(event.user_id);
      if (!previous || previous.at < at) this.changed.set(event.user_id, { at, until: at + this.config.REVOCATION_LOOKBACK });
    });
  }

  onApplicationShutdown(): void {
    this.subscription.stop();
  }

  /**
   * The user's token signed at `signedAtMs` names roles that have been reduced since. A token without
   * milliseconds counts as signed at the end of its second (`iat` * 1000 + 999).
   */
  isStale(userId: string, signedAtMs: number): boolean {
    const entry = this.changed.get(userId);
    if (!entry) return false;
    if (entry.until <= Date.now()) {
      this.changed.delete(userId);
      return false;
    }
    return signedAtMs < entry.at;
  }
}
