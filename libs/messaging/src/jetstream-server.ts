import {
  BusEvents,
  BusHeaders,
  DomainError,
  ErrorCode,
  servicePrincipal,
  Streams,
  untrustedInputIssues,
  validationError,
  validationFailed,
  type ErrorBody,
  type StreamSpec,
} from '@ir/contracts';
import { runWithRequestContext, type RequestContext } from '@ir/platform';
import { runAs } from './principal-context';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { headers, type Msg, type MsgHdrs, type Subscription } from '@nats-io/transport-node';
import type { LoggerService } from '@nestjs/common';
import { CustomTransportStrategy, Server, type MessageHandler } from '@nestjs/microservices';
import { context, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { lastValueFrom } from 'rxjs';
import { acknowledge } from './acknowledge';
import { BusContext } from './bus-context';
import { BusClient, FACT_PUBLISH_PATIENCE_MS } from './bus-client';
import { decodeJson, encodeReply, type ReplyEnvelope } from './codec';
import {
  PermanentFailure,
  PULL_EXPIRES_MS,
  TRANSPORT_ID,
  type ConsumerHandlerExtras,
  type HandlerExtras,
  type RpcHandlerExtras,
} from './handler-options';
import { NatsBus } from './nats-bus';
import { incomingContext } from './propagation';
import { ensureDurableConsumer, ensureStream, provisionPatiently, SINGLE_COPY, type StreamPlacement } from './provisioning';

export interface JetStreamServerOptions {
  /** The service's name: its queue group, so replicas share requests. */
  readonly service: string;
  /** Streams this service writes to or reads from; created or updated at start. */
  readonly streams: readonly StreamSpec[];
  /** Their copies (NATS_STREAM_REPLICAS); one when absent. */
  readonly placement?: StreamPlacement;
  /**
   * What a handler's unexpected error means to the caller when a dependency of the service is away
   * (its database: a 503 naming it, instead of INTERNAL); undefined for any other error.
   */
  readonly unavailableDependency?: (error: unknown) => Promise<DomainError | undefined>;
  readonly logger: LoggerService;
}

const tracer = trace.getTracer('index-registry/messaging');
const DEFAULT_RETRY_DELAYS_MS = [1000, 5000, 30000];
const DEAD_LETTER_RETRY_MS = 5000;

const ackWaitOf = (extras: ConsumerHandlerExtras): number => extras.ackWaitMs ?? 30_000;
const maxDeliverOf = (extras: ConsumerHandlerExtras): number => extras.maxDeliver ?? 5;

/**
 * The Nest transport strategy on NATS: request/reply handlers subscribe with the
 * service's queue group; consumer handlers read durable JetStream pull consumers
 * with explicit ack. Streams are provisioned first, consumers when the handlers start.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  override readonly transportId = TRANSPORT_ID;
  private readonly subscriptions: Subscription[] = [];
  private readonly consumers: ConsumerMessages[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly publisher: BusClient;
  private provisioned?: Promise<void>;

  constructor(
    private readonly bus: NatsBus,
    private readonly options: JetStreamServerOptions,
  ) {
    super();
    this.publisher = new BusClient(bus, 5000);
  }

  /**
   * Creates or updates the service's streams, once; `startBusServer` calls it before the app's start-up hooks,
   * which may publish on them or read them (on a new NATS they exist from here on).
   */
  provisionStreams(): Promise<void> {
    this.provisioned ??= (async () => {
      const placement = this.options.placement ?? SINGLE_COPY;
      // DEAD_LETTERS first: every consumer handler may record a message on it.
      const streams = new Map([Streams.deadLetters, ...this.options.streams].map((spec) => [spec.name, spec]));
      for (const spec of streams.values()) await this.patiently(`stream ${spec.name}`, () => ensureStream(this.bus.jsm, spec, placement));
    })();
    return this.provisioned;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.provisionStreams();
      for (const [pattern, handler] of this.messageHandlers) {
        const extras = handler.extras as HandlerExtras | undefined;
        if (extras?.kind === 'rpc') this.subscribeRpc(pattern, handler);
        else if (extras?.kind === 'consumer') await this.startConsumer(handler, extras);
        else throw new Error(`handler for "${pattern}" must use @RpcHandler or @ConsumerHandler`);
      }
      // Subscribing only queues SUB; without the round trip a request sent right after start finds no responders.
      await this.bus.nc.flush();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private patiently<T>(what: string, step: () => Promise<T>): Promise<T> {
    return provisionPatiently(what, step, (message) => this.options.logger.warn(message, 'Bus'));
  }

  /** Stops taking messages, lets the ones in hand finish, and leaves the connection to its owner. */
  async close(): Promise<void> {
    for (const messages of this.consumers.splice(0)) messages.stop();
    await Promise.all(this.subscriptions.splice(0).map((sub) => sub.drain().catch(() => undefined)));
    await Promise.allSettled([...this.inFlight]);
  }

  /** Calls `callback` with each connection status change of the given type (`disconnect`, `reconnect`, ...). */
  on<EventKey extends string = string, EventCallback extends Function = Function>(event: EventKey, callback: EventCallback): void {
    void (async () => {
      for await (const status of this.bus.nc.status()) if (status.type === event) callback(status);
    })();
  }

  unwrap<T>(): T {
    return this.bus.nc as T;
  }

  private subscribeRpc(subject: string, handler: MessageHandler): void {
    const sub = this.bus.nc.subscribe(subject, {
      queue: this.options.service,
      callback: (error, msg) => {
        if (error) return this.options.logger.error(`subscription ${subject} failed: ${error.message}`, 'Bus');
        this.track(this.handleRpc(subject, handler, msg));
      },
    });
    this.subscriptions.push(sub);
  }

  private async handleRpc(subject: string, handler: MessageHandler, msg: Msg): Promise<void> {
    const extras = handler.extras as HandlerExtras & { kind: 'rpc' };
    const { otel, request, principal } = incomingContext(msg.headers);
    const { correlationId } = request;
    const started = performance.now();
    await runAs(principal, () =>
      this.inSpan(`${subject} process`, SpanKind.SERVER, otel, request, async () => {
        const reply = await this.answer(subject, handler, extras, msg, correlationId);
        if (msg.reply) {
          const { data, gzip } = encodeReply(reply, { acceptsGzip: msg.headers?.get(BusHeaders.acceptEncoding) === 'gzip' });
          msg.respond(data, gzip ? { headers: gzipHeaders() } : undefined);
        }
        // Inside the span and request context, so the line carries the trace and correlation ids.
        this.options.logger.log(
          {
            message: 'handled',
            subject,
            outcome: reply.ok ? 'ok' : reply.error.code,
            duration_ms: Math.round(performance.now() - started),
          },
          'Bus',
        );
        return reply;
      }),
    );
  }

  private async answer(
    subject: string,
    handler: MessageHandler,
    extras: RpcHandlerExtras,
    msg: Msg,
    correlationId: string,
  ): Promise<ReplyEnvelope> {
    try {
      const payload = decodeJson(msg.data);
      // Before the schema: whatever its shape, no value a driver or the server would choke on gets in.
      const unsafe = untrustedInputIssues(payload);
      if (unsafe.length > 0) throw validationFailed(unsafe);
      const parsed = extras.contract.request.safeParse(payload);
      if (!parsed.success) throw validationError(parsed.error);
      const ctx = new BusContext([subject, msg.headers, correlationId, msg]);
      const data = await lastValueFrom(this.transformToObservable(await handler(parsed.data, ctx)), { defaultValue: undefined });
      return { ok: true, data };
    } catch (error) {
      return { ok: false, error: await this.toErrorBody(error, subject) };
    }
  }

  private async startConsumer(handler: MessageHandler, extras: ConsumerHandlerExtras): Promise<void> {
    const concurrency = extras.concurrency ?? 1;
    await this.patiently(`consumer ${extras.durable}`, () =>
      ensureDurableConsumer(this.bus.jsm, {
        stream: extras.contract.stream,
        durable: extras.durable,
        filterSubject: extras.contract.subject,
        ackWaitMs: ackWaitOf(extras),
        // One more than the handler's own limit: when a replica dies on the last attempt, the
        // server redelivers once more and the handler, seeing the limit reached, dead-letters it.
        maxDeliver: maxDeliverOf(extras) + 1,
        deliverFrom: extras.deliverFrom ?? 'new',
      }),
    );
    const consumer = await this.patiently(`consumer ${extras.durable}`, () =>
      this.bus.js.consumers.get(extras.contract.stream, extras.durable),
    );
    // Pull no more than can be handled at once, so buffered messages do not wait out their ack deadline.
    const messages = await consumer.consume({ max_messages: concurrency, expires: PULL_EXPIRES_MS });
    this.consumers.push(messages);
    void (async () => {
      const running = new Set<Promise<void>>();
      for await (const msg of messages) {
        const task = this.track(this.handleJetStream(handler, extras, msg));
        running.add(task);
        void task.finally(() => running.delete(task)).catch(() => undefined);
        if (running.size >= concurrency) await Promise.race(running);
      }
    })().catch((error: unknown) => this.options.logger.error(`consumer ${extras.durable} stopped: ${String(error)}`, 'Bus'));
  }

  private async handleJetStream(handler: MessageHandler, extras: ConsumerHandlerExtras, msg: JsMsg): Promise<void> {
    // Work from a stream is the consuming service's own: it acts as itself, whoever published the message
    // (who asked for it, when that matters, is in the payload).
    const { otel, request } = incomingContext(msg.headers);
    const { correlationId } = request;
    const principal = servicePrincipal(this.options.service);
    const heartbeat = setInterval(() => msg.working(), extras.heartbeatMs ?? Math.max(100, Math.floor(ackWaitOf(extras) / 3)));
    await runAs(principal, () =>
      this.inSpan(`${msg.subject} process`, SpanKind.CONSUMER, otel, request, async () => {
        try {
          const parsed = extras.contract.payload.safeParse(decodeJson(msg.data));
          if (!parsed.success) throw new PermanentFailure(validationError(parsed.error, 'message').message);
          const ctx = new BusContext([msg.subject, msg.headers, correlationId, msg]);
          await lastValueFrom(this.transformToObservable(await handler(parsed.data, ctx)), { defaultValue: undefined });
          if (!(await acknowledge(this.bus.nc, msg, ackWaitOf(extras)))) {
            this.options.logger.warn(
              `${extras.durable}: the ack of ${msg.subject} (seq ${msg.seq}) was not confirmed; it may come again`,
              'Bus',
            );
          }
        } catch (error) {
          await this.handleConsumerFailure(extras, msg, correlationId, error);
        } finally {
          clearInterval(heartbeat);
        }
      }),
    );
  }

  private async handleConsumerFailure(extras: ConsumerHandlerExtras, msg: JsMsg, correlationId: string, error: unknown): Promise<void> {
    const attempts = msg.info.deliveryCount;
    const reason = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof PermanentFailure || error instanceof SyntaxError;
    if (!permanent && attempts < maxDeliverOf(extras)) {
      const delays = extras.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
      const delay = delays[Math.min(attempts - 1, delays.length - 1)];
      this.options.logger.warn(
        `${extras.durable}: attempt ${attempts} on ${msg.subject} failed, retrying in ${delay} ms: ${reason}`,
        'Bus',
      );
      msg.nak(delay);
      return;
    }
    this.options.logger.error(`${extras.durable}: giving up on ${msg.subject} after ${attempts} attempt(s): ${reason}`, 'Bus');
    const recorded = await this.publisher
      .publish(
        BusEvents.deadLettered,
        {
          stream: msg.info.stream,
          consumer: extras.durable,
          subject: msg.subject,
          deliveries: attempts,
          reason,
          payload: new TextDecoder().decode(msg.data),
          correlation_id: correlationId,
          dead_lettered_at: new Date().toISOString(),
        },
        { msgId: `${msg.info.stream}:${msg.seq}:${extras.durable}`, patienceMs: FACT_PUBLISH_PATIENCE_MS },
      )
      .then(() => true)
      .catch((publishError: unknown) => {
        this.options.logger.error(`could not record dead letter: ${String(publishError)}`, 'Bus');
        return false;
      });
    // A message is only let go once its dead letter is stored; otherwise it comes back later.
    if (!recorded) {
      msg.nak(DEAD_LETTER_RETRY_MS);
      return;
    }
    // No reason text: nats-server 2.9 only knows a bare `+TERM`, and ignores `+TERM <reason>`, so the message came back.
    msg.term();
  }

  private inSpan<T>(name: string, kind: SpanKind, parent: Context, request: RequestContext, fn: () => Promise<T>): Promise<T> {
    const span = tracer.startSpan(name, { kind, attributes: { 'messaging.system': 'nats', 'messaging.operation': 'process' } }, parent);
    return context.with(trace.setSpan(parent, span), () =>
      runWithRequestContext(request, async () => {
        try {
          const result = await fn();
          if (isErrorReply(result)) span.setStatus({ code: SpanStatusCode.ERROR });
          return result;
        } finally {
          span.end();
        }
      }),
    );
  }

  /**
   * A handler's `DomainError` travels as is, and so does a dependency's absence; anything else is
   * logged here and answered without detail.
   */
  private async toErrorBody(error: unknown, subject: string): Promise<ErrorBody> {
    if (error instanceof DomainError) return error.toBody();
    const unavailable = await this.options.unavailableDependency?.(error).catch(() => undefined);
    if (unavailable) {
      this.options.logger.warn(`${subject}: ${unavailable.message}`, 'Bus');
      return unavailable.toBody();
    }
    const stack = error instanceof Error ? error.stack : String(error);
    this.options.logger.error(`unexpected error handling ${subject}`, stack, 'Bus');
    return { code: ErrorCode.internal, message: 'internal error' };
  }

  private track(task: Promise<void>): Promise<void> {
    this.inFlight.add(task);
    // Handlers catch their own errors; the catch only keeps a surprise from becoming an unhandled rejection.
    void task.finally(() => this.inFlight.delete(task)).catch(() => undefined);
    return task;
  }
}

function isErrorReply(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'ok' in value && value.ok === false;
}

function gzipHeaders(): MsgHdrs {
  const h = headers();
  h.set(BusHeaders.contentEncoding, 'gzip');
  return h;
}
