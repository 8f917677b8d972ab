import type { EventContract, RpcContract } from '@ir/contracts';
import { EventPattern, MessagePattern } from '@nestjs/microservices';

export const TRANSPORT_ID = Symbol.for('index-registry.jetstream-transport');

export interface RpcHandlerExtras {
  readonly kind: 'rpc';
  readonly contract: RpcContract;
}

export interface ConsumerHandlerOptions {
  /** Durable consumer name; replicas that give the same name share its messages. */
  readonly durable: string;
  /** Messages are redelivered when not acked within this time (default 30 s). */
  readonly ackWaitMs?: number;
  /** Attempts before the message is dead-lettered (default 5). */
  readonly maxDeliver?: number;
  /** Delays before each retry after a failure; the last repeats (default 1 s, 5 s, 30 s). */
  readonly retryDelaysMs?: readonly number[];
  /** Messages handled at once by this replica (default 1). */
  readonly concurrency?: number;
  /**
   * Calls `working()` at this interval while the handler runs (default: a third of
   * `ackWaitMs`), so a long handler keeps its message and a dead replica's message
   * is redelivered after `ackWaitMs`.
   */
  readonly heartbeatMs?: number;
  /** Where a consumer created for the first time starts (default `new`). */
  readonly deliverFrom?: 'new' | 'all';
}

export interface ConsumerHandlerExtras extends ConsumerHandlerOptions {
  readonly kind: 'consumer';
  readonly contract: EventContract;
}

export type HandlerExtras = RpcHandlerExtras | ConsumerHandlerExtras;

/** Answers a request/reply subject; replicas of a service share it through their queue group. */
export function RpcHandler(contract: RpcContract): MethodDecorator {
  const extras: RpcHandlerExtras = { kind: 'rpc', contract };
  return MessagePattern(contract.subject, extras as unknown as Record<string, unknown>);
}

/**
 * Consumes a JetStream subject through a durable pull consumer with explicit ack:
 * a resolved handler acks, a thrown error retries with backoff, a `PermanentFailure` or
 * the last attempt dead-letters.
 */
export function ConsumerHandler(contract: EventContract, options: ConsumerHandlerOptions): MethodDecorator {
  const extras: ConsumerHandlerExtras = { kind: 'consumer', contract, ...options };
  return EventPattern(contract.subject, extras as unknown as Record<string, unknown>);
}

/** Thrown by a consumer handler when retrying cannot help (the message itself is wrong). */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

/**
 * How long one pull of a consumer waits for messages (nats.js' `expires`; its default is 30 s). A pull
 * lost with a dead server is noticed by missed heartbeats (half of it, twice), and after a reconnect
 * to a cluster still electing its leaders nats.js checks the consumer again only after this much:
 * with 30 s, consumers stood still for up to half a minute after every node restarted.
 */
export const PULL_EXPIRES_MS = 5_000;
