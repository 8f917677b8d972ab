import type { EventContract, EventPayload } from '@ir/contracts';
import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { LoggerService } from '@nestjs/common';
import { decodeJson } from './codec';
import { NatsBus } from './nats-bus';

/**
 * Every replica receives every event (an ordered, ephemeral JetStream consumer
 * per process), replayed from `since`. For in-memory state that each replica
 * keeps, such as the gateway's list of revoked sessions.
 */
export class BroadcastSubscription<C extends EventContract> {
  private messages?: ConsumerMessages;

  constructor(
    private readonly bus: NatsBus,
    private readonly contract: C,
    private readonly logger: LoggerService,
  ) {}

  async start(since: Date, onEvent: (payload: EventPayload<C>) => void): Promise<void> {
    const consumer = await this.bus.js.consumers.get(this.contract.stream, {
      // A single subject as a string: arrays need nats-server 2.10+.
      filter_subjects: this.contract.subject,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: since.toISOString(),
    });
    this.messages = await consumer.consume();
    void (async () => {
      for await (const msg of this.messages!) {
        const parsed = this.contract.payload.safeParse(decodeJson(msg.data));
        if (parsed.success) onEvent(parsed.data as EventPayload<C>);
        else this.logger.warn(`ignored a malformed ${this.contract.subject} event (seq ${msg.seq})`, 'Bus');
      }
    })().catch((error: unknown) => this.logger.error(`${this.contract.subject} subscription stopped: ${String(error)}`, undefined, 'Bus'));
  }

  stop(): void {
    this.messages?.stop();
  }
}
