import { Inject, Injectable, Logger } from '@nestjs/common';
import { Streams } from '@ir/contracts';
import { ensureStream, NatsBus, provisionPatiently } from '@ir/messaging';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';

/**
 * AUTH_EVENTS as the gateway's followers of auth's facts (revoked sessions, reduced roles, revoked
 * keys) need it: provisioned once, with the system's number of copies (one fewer here would take
 * copies away from auth's stream).
 */
@Injectable()
export class AuthEventsStream {
  private readonly logger = new Logger(AuthEventsStream.name);
  private ready?: Promise<void>;

  constructor(
    private readonly bus: NatsBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  ensure(): Promise<void> {
    const placement = { replicas: this.config.NATS_STREAM_REPLICAS };
    this.ready ??= provisionPatiently(
      `stream ${Streams.authEvents.name}`,
      () => ensureStream(this.bus.jsm, Streams.authEvents, placement),
      (m) => this.logger.warn(m),
    ).then(() => undefined);
    return this.ready;
  }
}
