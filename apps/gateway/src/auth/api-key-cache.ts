import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ApiKeyEvents, AuthApiKeyRpc, DomainError, ErrorCode, hashApiKey, type Principal } from '@ir/contracts';
import { BroadcastSubscription, BusClient, NatsBus } from '@ir/messaging';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { AuthEventsStream } from './auth-events-stream';

/** A verified key is trusted this long without asking auth again; a revocation evicts it at once. */
const VERIFIED_FOR_MS = 30_000;
/** Most keys kept; the oldest goes first beyond it. */
const MAX_KEYS = 10_000;

/**
 * API keys the gateway has verified with auth, by hash: a key is sent to auth (only its SHA-256)
 * once per 30 s, not on every request. Auth's revocation events evict a key from every gateway.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyCache.name);
  private readonly verified = new Map<string, { principal: Principal; keyId: string; until: number }>();
  private readonly subscription: BroadcastSubscription<typeof ApiKeyEvents.revoked>;

  constructor(
    private readonly bus: BusClient,
    nats: NatsBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly stream: AuthEventsStream,
  ) {
    this.subscription = new BroadcastSubscription(nats, ApiKeyEvents.revoked, this.logger);
  }

  async onModuleInit(): Promise<void> {
    await this.stream.ensure();
    // From the last moments a cached key could have been verified: older revocations were seen by auth itself.
    await this.subscription.start(new Date(Date.now() - VERIFIED_FOR_MS), (event) => this.evictKey(event.key_id));
  }

  onApplicationShutdown(): void {
    this.subscription.stop();
  }

  /** Whom the key acts for. @throws DomainError 401 for a key auth does not accept, 503 while auth cannot answer */
  async verify(key: string): Promise<Principal> {
    const hash = hashApiKey(key);
    const cached = this.verified.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    this.verified.delete(hash);
    const principal = await this.bus
      .request(AuthApiKeyRpc.verify, { key_hash: hash }, { timeoutMs: this.config.BUS_REQUEST_TIMEOUT })
      .catch((error: unknown) => {
        if (error instanceof DomainError && error.code === ErrorCode.unauthenticated)
          throw new DomainError(ErrorCode.unauthenticated, 'API key is invalid, revoked or expired');
        throw error;
      });
    if (this.verified.size >= MAX_KEYS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(hash, { principal, keyId: principal.id, until: Date.now() + VERIFIED_FOR_MS });
    return principal;
  }

  private evictKey(keyId: string): void {
    for (const [hash, entry] of this.verified) if (entry.keyId === keyId) this.verified.delete(hash);
  }
}
