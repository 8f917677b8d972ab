import type { EventContract, EventPayload } from '@ir/contracts';
import { DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { LoggerService } from '@nestjs/common';
import { decodeJson } from './codec';
import { PULL_EXPIRES_MS } from './handler-options';
import { NatsBus } from './nats-bus';

export interface BroadcastStartOptions {
  /** How long start() waits for the replay before going on with a warning. */
  readonly replayTimeoutMs?: number;
}

const DEFAULT_REPLAY_TIMEOUT_MS = 10_000;
const RESTART_MIN_DELAY_MS = 250;
/** Short: a consumer that cannot be opened is waiting for JetStream to be back, which is a matter of seconds. */
const RESTART_MAX_DELAY_MS = 5_000;

/**
 * Every replica receives every event (an ordered, ephemeral JetStream consumer
 * per process), replayed from `since`. For in-memory state that each replica
 * keeps, such as the gateway's list of revoked sessions.
 */
export class BroadcastSubscription<C extends EventContract> {
  private messages?: ConsumerMessages;
  private stopped = false;
  /** Sequence of the last message handled: a restarted consumer goes on after it. */
  private lastSeq = 0;
  private replayed?: { upTo: number; resolve: () => void };

  constructor(
    private readonly bus: NatsBus,
    private readonly contract: C,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Resolves once every event stored at the time of the call (since `since`) has
   * been handed to `onEvent`, so state built from them is complete before the
   * caller serves; after `replayTimeoutMs` it goes on anyway, with a warning.
   */
  async start(since: Date, onEvent: (payload: EventPayload<C>) => void, opts: BroadcastStartOptions = {}): Promise<void> {
    this.stopped = false;
    const { stream, subject } = this.contract;
    const last = await this.bus.jsm.streams.getMessage(stream, { last_by_subj: subject });
    // StoredMsg.time is cut to milliseconds, like `since`: a message of the same millisecond is replayed.
    const replay =
      last && last.time.getTime() >= since.getTime()
        ? new Promise<void>((resolve) => (this.replayed = { upTo: last.seq, resolve }))
        : Promise.resolve();
    this.messages = await this.open(since);
    void this.consume(this.messages, since, onEvent);

    const timeoutMs = opts.replayTimeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    try {
      if (await Promise.race([replay.then(() => false), timedOut])) {
        this.logger.warn(`${subject}: replay not finished after ${timeoutMs} ms (at seq ${this.lastSeq} of ${last?.seq}); going on`, 'Bus');
      }
    } finally {
      clearTimeout(timer);
    }
  }

  stop(): void {
    this.stopped = true;
    this.messages?.stop();
  }

  /** After a restart the consumer resumes after the last handled message, so nothing is missed or repeated. */
  private async open(since: Date): Promise<ConsumerMessages> {
    const consumer = await this.bus.js.consumers.get(this.contract.stream, {
      // A single subject as a string: arrays need nats-server 2.10+.
      filter_subjects: this.contract.subject,
      ...(this.lastSeq > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.lastSeq + 1 }
        : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() }),
    });
    const messages = await consumer.consume({ expires: PULL_EXPIRES_MS });
    void this.takeOverResets(messages);
    return messages;
  }

  /**
   * An ordered consumer has one copy: the server loses it when its node dies, or when every node
   * restarts. nats.js then recreates it from its first configuration, and one first opened at a start
   * time never comes back (nats.js 3.4 keeps the start time beside the new start sequence, which the
   * server refuses, and tries again forever). This subscription recreates it instead: it ends those
   * messages, and the consume loop opens a consumer after the last handled event.
   */
  private async takeOverResets(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type !== 'reset') continue;
      this.logger.warn(`${this.contract.subject}: the server lost the subscription's consumer; opening another`, 'Bus');
      messages.stop();
      return;
    }
  }

  /** Runs the consume loop, and opens a new consumer (with a growing delay) whenever it dies. */
  private async consume(first: ConsumerMessages, since: Date, onEvent: (payload: EventPayload<C>) => void): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    let delay = RESTART_MIN_DELAY_MS;
    const subject = this.contract.subject;
    while (!this.stopped) {
      if (messages) {
        try {
          for await (const msg of messages) {
            this.handle(msg, onEvent);
            delay = RESTART_MIN_DELAY_MS;
          }
          if (!this.stopped) this.logger.warn(`${subject} subscription ended; restarting in ${delay} ms`, 'Bus');
        } catch (error) {
          if (!this.stopped)
            this.logger.error(`${subject} subscription failed: ${String(error)}; restarting in ${delay} ms`, undefined, 'Bus');
        }
      }
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      delay = Math.min(delay * 2, RESTART_MAX_DELAY_MS);
      if (this.stopped) return;
      messages = await this.open(since).catch((error: unknown) => {
        this.logger.error(`${subject} subscription could not restart: ${String(error)}; retrying in ${delay} ms`, undefined, 'Bus');
        return undefined;
      });
      this.messages = messages ?? this.messages;
      if (this.stopped) messages?.stop();
    }
  }

  private handle(msg: JsMsg, onEvent: (payload: EventPayload<C>) => void): void {
    const parsed = this.contract.payload.safeParse(decodeJson(msg.data));
    if (!parsed.success) this.logger.warn(`ignored a malformed ${this.contract.subject} event (seq ${msg.seq})`, 'Bus');
    else {
      // Caught here: a throw would restart the consumer on this same message, forever.
      try {
        onEvent(parsed.data as EventPayload<C>);
      } catch (error) {
        this.logger.error(`${this.contract.subject} event (seq ${msg.seq}) failed: ${String(error)}`, undefined, 'Bus');
      }
    }
    this.lastSeq = msg.seq;
    if (this.replayed && msg.seq >= this.replayed.upTo) {
      this.replayed.resolve();
      this.replayed = undefined;
    }
  }
}
