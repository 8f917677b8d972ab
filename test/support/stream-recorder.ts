// A subscriber of the kind the README shows (a durable pull consumer of its own, explicit ack) that
// keeps every delivery with its message id, so a fault test can tell an event lost from one
// delivered twice.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsConnectOptions, type NatsEndpoint } from './nats-login';

export interface RecordedEvent {
  readonly msgId: string;
  readonly subject: string;
  readonly payload: Record<string, unknown>;
  readonly streamSeq: number;
  readonly deliveryCount: number;
}

export class StreamRecorder {
  readonly events: RecordedEvent[] = [];
  private constructor(
    private readonly nc: NatsConnection,
    private readonly messages: ConsumerMessages,
    readonly stream: string,
    readonly durable: string,
  ) {}

  /**
   * A durable consumer of `stream` created now, so it receives what is stored from now on: created by the
   * admin, read with the read-only `reader` credential, as the README tells another system to.
   */
  static async start(nats: NatsEndpoint, stream: string, durable: string): Promise<StreamRecorder> {
    const admin = await connect({ ...natsConnectOptions(nats, 'admin'), name: `recorder-admin-${durable}` });
    try {
      const jsm = await jetstreamManager(admin);
      await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New });
    } finally {
      await admin.close();
    }
    const nc = await connect({
      ...natsConnectOptions(nats, 'reader'),
      name: `recorder-${durable}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    // Short pulls, so a pull lost with a dead node is replaced within seconds.
    const messages = await consumer.consume({ expires: 5_000 });
    const recorder = new StreamRecorder(nc, messages, stream, durable);
    void recorder.run();
    return recorder;
  }

  /** Deliveries of `subject` (a prefix such as `sync.evt.sync.`) whose payload satisfies `match`. */
  matching(subjectPrefix: string, match: (payload: Record<string, unknown>) => boolean = () => true): RecordedEvent[] {
    return this.events.filter((e) => e.subject.startsWith(subjectPrefix) && match(e.payload));
  }

  /** Message ids delivered more than once: none, when nothing was delivered twice. */
  duplicates(): string[] {
    const seen = new Map<string, number>();
    for (const e of this.events) seen.set(e.msgId, (seen.get(e.msgId) ?? 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
  }

  async waitFor(what: string, found: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!found()) {
      if (Date.now() > deadline) {
        const seen = this.events.map((e) => `${e.subject} ${e.msgId}`).join('\n  ');
        throw new Error(`${this.durable}: no ${what} within ${timeoutMs} ms; received:\n  ${seen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.messages.stop();
    await this.nc.close();
  }

  private async run(): Promise<void> {
    for await (const msg of this.messages) {
      this.events.push(record(msg));
      // Confirmed, retried: an ack lost with a dead node would bring the event back as a duplicate of ours.
      for (let attempt = 1; attempt <= 10; attempt++) {
        if (await msg.ackAck({ timeout: 2_000 }).catch(() => false)) break;
      }
    }
  }
}

function record(msg: JsMsg): RecordedEvent {
  return {
    msgId: msg.headers?.get('Nats-Msg-Id') ?? '',
    subject: msg.subject,
    payload: msg.json<Record<string, unknown>>(),
    streamSeq: msg.seq,
    deliveryCount: msg.info.deliveryCount,
  };
}
