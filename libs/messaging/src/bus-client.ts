import {
  BusHeaders,
  DomainError,
  ErrorCode,
  type EventContract,
  type EventPayload,
  type RpcContract,
  type RpcRequest,
  type RpcResponse,
  sealKeyContract,
  serviceOfSubject,
  busUnavailable,
  serviceTimedOut,
  serviceUnavailable,
} from '@ir/contracts';
import { RequestError, TimeoutError, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import { Injectable } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { gunzipSync } from 'node:zlib';
import { outcomeOfFailure, timeBusRequest } from './bus-request-metrics';
import { decodeJson, encodeJson, ReplyEnvelope, replyDataJson } from './codec';
import { NatsBus } from './nats-bus';
import { outgoingHeaders } from './propagation';
import { isSealKeyChanged, RequestSealer } from './sealing/request-sealer';

export interface RequestOptions {
  /** Overrides the default bus timeout for a call known to take longer. */
  readonly timeoutMs?: number;
}

/** An answer's JSON as it came: gzipped when the service sent it so (large answers, see `encodeReply`). */
export interface AnswerBytes {
  readonly bytes: Buffer;
  readonly gzip: boolean;
}

export interface PublishOptions {
  /** Sent as `Nats-Msg-Id`: a retry with the same id inside the stream's window is stored once. */
  readonly msgId: string;
  /**
   * How long to keep trying while no server stores the message: a stream whose leader died elects
   * another (about 5 s on nats-server 2.9), a connection whose server died reconnects. Each try
   * sends the same `msgId`, so the stream stores the message once. 0: one try. Default: half the
   * client's time limit, so that a request handler that publishes still answers within the
   * caller's; work that no caller waits for gives more (`FACT_PUBLISH_PATIENCE_MS`).
   */
  readonly patienceMs?: number;
}

/** Patience for facts published by background work (syncs, scheduled scans): a leader election and then some. */
export const FACT_PUBLISH_PATIENCE_MS = 15_000;
const PUBLISH_RETRY_FIRST_MS = 250;
const PUBLISH_RETRY_MAX_MS = 2_000;

const tracer = trace.getTracer('index-registry/messaging');

/** Typed requests and event publishing over the process's NATS connection. */
@Injectable()
export class BusClient {
  /** Seals the secret fields of requests (passwords, target URIs) for the service that answers them. */
  private readonly sealer = new RequestSealer((service) => this.request(sealKeyContract(service), {}));

  constructor(
    private readonly bus: NatsBus,
    private readonly defaultTimeoutMs: number,
  ) {}

  /**
   * Sends a request and resolves with the validated answer. Rejects with a
   * `DomainError`: the handler's own, TIMEOUT when no answer came in time, or
   * SERVICE_UNAVAILABLE when no replica listens on the subject; both name the
   * subject's service (`details.service`). While no NATS server can be reached,
   * SERVICE_UNAVAILABLE at once, naming NATS (`details.dependency`).
   */
  async request<C extends RpcContract>(contract: C, payload: RpcRequest<C>, opts: RequestOptions = {}): Promise<RpcResponse<C>> {
    const reply = await this.send(contract, payload, opts);
    const envelope = isGzipped(reply)
      ? { ok: true as const, data: decodeJson(gunzipSync(reply.data)) }
      : ReplyEnvelope.parse(decodeJson(reply.data));
    if (!envelope.ok) throw DomainError.fromBody(envelope.error);
    const answer = contract.response.safeParse(envelope.data);
    if (!answer.success) {
      throw new DomainError(ErrorCode.internal, `the answer on ${contract.subject} does not match its contract`);
    }
    return answer.data as RpcResponse<C>;
  }

  /**
   * The answer as the service wrote it, JSON not parsed, for a caller that only passes it on: the
   * gateway's largest answers (a compare of hundreds of collections is megabytes) skip a parse,
   * a validation and a serialization. The shape is not checked here; the service's handler is
   * typed against the contract, and the end-to-end tests validate these answers against it. A
   * large answer comes gzipped, for an HTTP client that accepts it, unless `gzip` is false (for one
   * that does not). Rejects as `request` does.
   */
  async requestJson<C extends RpcContract>(
    contract: C,
    payload: RpcRequest<C>,
    { gzip = true, ...opts }: RequestOptions & { gzip?: boolean } = {},
  ): Promise<AnswerBytes> {
    const reply = await this.send(contract, payload, opts, gzip);
    if (isGzipped(reply)) return { bytes: Buffer.from(reply.data), gzip: true };
    const data = replyDataJson(reply.data);
    if (data) return { bytes: Buffer.from(data), gzip: false };
    const envelope = ReplyEnvelope.parse(decodeJson(reply.data));
    if (!envelope.ok) throw DomainError.fromBody(envelope.error);
    return { bytes: Buffer.from(JSON.stringify(envelope.data ?? null)), gzip: false };
  }

  /** Sends the request, its secrets sealed; once more with the key fetched again if the service's key changed. */
  private async send<C extends RpcContract>(contract: C, payload: RpcRequest<C>, opts: RequestOptions, acceptGzip = true): Promise<Msg> {
    const reply = await this.sendSealed(contract, payload, opts, acceptGzip);
    if (!contract.sealed || !isSealKeyChangedReply(reply)) return reply;
    this.sealer.forget(contract);
    return this.sendSealed(contract, payload, opts, acceptGzip);
  }

  private async sendSealed<C extends RpcContract>(
    contract: C,
    payload: RpcRequest<C>,
    opts: RequestOptions,
    acceptGzip: boolean,
  ): Promise<Msg> {
    return this.sendOnce(contract, await this.sealer.seal(contract, payload), opts, acceptGzip);
  }

  private async sendOnce<C extends RpcContract>(
    contract: C,
    payload: RpcRequest<C>,
    opts: RequestOptions,
    acceptGzip: boolean,
  ): Promise<Msg> {
    const timeout = opts.timeoutMs ?? this.defaultTimeoutMs;
    const timed = timeBusRequest(contract.subject);
    // The client would hold the request until it reconnects or the time limit passes: say now what is wrong.
    if (!this.bus.isConnected()) {
      timed('unavailable');
      throw busUnavailable();
    }
    const span = tracer.startSpan(`${contract.subject} send`, {
      kind: SpanKind.CLIENT,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': contract.subject },
    });
    try {
      return await context.with(trace.setSpan(context.active(), span), async () => {
        const reply = await this.bus.nc
          .request(contract.subject, encodeJson(payload), { timeout, headers: requestHeaders(acceptGzip) })
          .catch((error: unknown) => Promise.reject(toTransportError(error, contract.subject, timeout, this.bus.isConnected())));
        timed('answered');
        return reply;
      });
    } catch (error) {
      timed(outcomeOfFailure(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * Publishes a fact on its JetStream stream and resolves once the stream has stored it, trying again
   * for `patienceMs` while no server takes it. Rejects with the last error after that.
   */
  async publish<C extends EventContract>(contract: C, payload: EventPayload<C>, opts: PublishOptions): Promise<void> {
    const data = encodeJson(contract.payload.parse(payload));
    const headers = outgoingHeaders();
    const deadline = Date.now() + (opts.patienceMs ?? Math.floor(this.defaultTimeoutMs / 2));
    for (let delay = PUBLISH_RETRY_FIRST_MS; ; delay = Math.min(delay * 2, PUBLISH_RETRY_MAX_MS)) {
      const timeout = Math.max(1, Math.min(this.defaultTimeoutMs, deadline - Date.now()));
      try {
        await this.bus.js.publish(contract.subject, data, { msgID: opts.msgId, headers, timeout });
        return;
      } catch (error) {
        if (!isUnstored(error) || Date.now() + delay >= deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Callers through this client unzip answers, so they let large ones come gzipped, but for one passing them on plain. */
function requestHeaders(acceptGzip: boolean): MsgHdrs {
  const h = outgoingHeaders();
  if (acceptGzip) h.set(BusHeaders.acceptEncoding, 'gzip');
  return h;
}

/** The owner's answer that the box was sealed with a key it no longer holds (never gzipped: it is small). */
function isSealKeyChangedReply(reply: Msg): boolean {
  if (isGzipped(reply)) return false;
  const envelope = ReplyEnvelope.safeParse(decodeJson(reply.data));
  return envelope.success && !envelope.data.ok && isSealKeyChanged(DomainError.fromBody(envelope.data.error));
}

function isGzipped(reply: Msg): boolean {
  return reply.headers?.get(BusHeaders.contentEncoding) === 'gzip';
}

/**
 * No server stored the message, and one may soon: none answered in time, or none listens on the
 * stream's subjects (a stream without a leader; nats.js reports it as `JetStreamNotEnabled`, not
 * exported, with the "no responders" `RequestError` as its cause).
 */
function isUnstored(error: unknown): boolean {
  const noResponders = (e: unknown): boolean => e instanceof RequestError && e.isNoResponders();
  return error instanceof TimeoutError || noResponders(error) || (error instanceof Error && noResponders(error.cause));
}

/** NATS's "no responders" and time-outs as the errors that name the missing service, or NATS when the connection is gone. */
function toTransportError(error: unknown, subject: string, timeoutMs: number, connected: boolean): unknown {
  const service = serviceOfSubject(subject);
  if (!connected && (error instanceof TimeoutError || (error instanceof Error && error.cause instanceof TimeoutError)))
    return busUnavailable();
  if (error instanceof RequestError && error.isNoResponders()) {
    return service ? serviceUnavailable(service) : new DomainError(ErrorCode.unavailable, `no service is answering ${subject}`);
  }
  if (error instanceof TimeoutError || (error instanceof Error && error.cause instanceof TimeoutError)) {
    return service
      ? serviceTimedOut(service, timeoutMs)
      : new DomainError(ErrorCode.timeout, `no answer on ${subject} within ${timeoutMs} ms`);
  }
  return error;
}
