import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuthEvents, AuthRpc, type Profile } from '@ir/contracts';
import { BroadcastSubscription, BusClient, NatsBus } from '@ir/messaging';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { AuthEventsStream } from './auth-events-stream';

/** Most profiles kept; the oldest goes first beyond it. */
const MAX_PROFILES = 10_000;

/**
 * Callers' own profiles as auth last answered them, kept PROFILE_CACHE_TTL, so that a client polling
 * `GET /auth/profile` costs a token check instead of a bus call and a database read each time.
 * Concurrent misses for one user share one request. Every replica drops a user's profile when auth
 * announces a change of it (`auth.evt.user.changed`: profile, password, rights, or the user removed),
 * whichever replica served the change; the replica that served it also drops it at once (`forget`),
 * before the event arrives. Should an event be missed (the bus down), PROFILE_CACHE_TTL still bounds
 * how long a changed profile shows. A revoked session is refused before this is asked (the token
 * check), and errors (a 404 for a user that is gone) are never kept.
 */
@Injectable()
export class ProfileCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ProfileCache.name);
  private readonly subscription: BroadcastSubscription<typeof AuthEvents.userChanged>;
  private readonly profiles = new Map<string, { profile: Profile; until: number }>();
  private readonly loading = new Map<string, Promise<Profile>>();
  /** Counts `forget`s: an answer asked for before one is not kept (it may predate the change). */
  private changes = 0;

  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    nats: NatsBus,
    private readonly stream: AuthEventsStream,
  ) {
    this.subscription = new BroadcastSubscription(nats, AuthEvents.userChanged, this.logger);
  }

  async onModuleInit(): Promise<void> {
    await this.stream.ensure();
    // From now: nothing is kept yet, so no earlier change can concern a kept profile.
    await this.subscription.start(new Date(), (event) => this.forget(event.user_id));
  }

  onApplicationShutdown(): void {
    this.subscription.stop();
  }

  async of(userId: string): Promise<Profile> {
    const cached = this.profiles.get(userId);
    if (cached && cached.until > Date.now()) return cached.profile;
    if (cached) this.profiles.delete(userId);
    const pending = this.loading.get(userId);
    if (pending) return pending;
    const load = this.load(userId).finally(() => {
      if (this.loading.get(userId) === load) this.loading.delete(userId);
    });
    this.loading.set(userId, load);
    return load;
  }

  /** After a change of the user's profile (served here, or announced by auth): the next read asks auth. */
  forget(userId: string): void {
    this.changes += 1;
    this.profiles.delete(userId);
    this.loading.delete(userId);
  }

  private async load(userId: string): Promise<Profile> {
    const askedAt = Date.now();
    const changes = this.changes;
    const profile = await this.bus.request(AuthRpc.getProfile, { user_id: userId });
    if (this.config.PROFILE_CACHE_TTL > 0 && changes === this.changes) {
      if (this.profiles.size >= MAX_PROFILES) this.profiles.delete(this.profiles.keys().next().value as string);
      this.profiles.set(userId, { profile, until: askedAt + this.config.PROFILE_CACHE_TTL });
    }
    return profile;
  }
}
