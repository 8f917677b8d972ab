import type { z } from 'zod';

/** Version of the envelope and payload shapes in this library; bumped on any breaking change. */
export const CONTRACTS_VERSION = 1;

/** NATS header names that every message on the bus may carry. */
export const BusHeaders = {
  correlationId: 'x-correlation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  contractsVersion: 'x-contracts-version',
  /** A caller that can unzip answers says so; only then is a large answer gzipped (`Content-Encoding`). */
  acceptEncoding: 'Accept-Encoding',
  contentEncoding: 'Content-Encoding',
  /** Who a request or an event acts for (see Principal): set by the gateway, passed on by services. */
  principal: 'x-principal',
  /** The HTTP caller's address, set by the gateway and passed on, for the audit trail. */
  clientAddress: 'x-client-address',
} as const;

/** A request field that crosses the bus sealed (see sealing.ts): where it is, and the rules of its plaintext. */
export interface SealedField {
  readonly path: readonly [string] | readonly [string, string];
  readonly plain: z.ZodType<string | undefined>;
}

/**
 * A request/reply subject with the schema of its request and of its answer.
 * Handlers validate the request; clients validate the answer.
 */
export interface RpcContract<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'rpc';
  readonly subject: string;
  readonly request: Req;
  readonly response: Res;
  /** Request fields that cross the bus sealed for the answering service; the client seals them. */
  readonly sealed?: readonly SealedField[];
}

/** A message stored on a JetStream stream: a fact (`evt`) or a command for a work queue (`cmd`). */
export interface EventContract<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  readonly stream: string;
  readonly payload: P;
}

export type RpcRequest<C extends RpcContract> = z.input<C['request']>;
export type RpcResponse<C extends RpcContract> = z.output<C['response']>;
export type EventPayload<C extends EventContract> = z.output<C['payload']>;

export function defineRpc<Req extends z.ZodType, Res extends z.ZodType>(
  subject: string,
  request: Req,
  response: Res,
  sealed?: readonly SealedField[],
): RpcContract<Req, Res> {
  assertSubject(subject, 'rpc');
  return { kind: 'rpc', subject, request, response, ...(sealed ? { sealed } : {}) };
}

export function defineEvent<P extends z.ZodType>(subject: string, stream: string, payload: P): EventContract<P> {
  assertSubject(subject, 'evt');
  return { kind: 'event', subject, stream, payload };
}

/** A command on a JetStream work queue: carried like an event, but taken by exactly one consumer. */
export function defineCommand<P extends z.ZodType>(subject: string, stream: string, payload: P): EventContract<P> {
  assertSubject(subject, 'cmd');
  return { kind: 'event', subject, stream, payload };
}

const SUBJECT = /^[a-z][a-z0-9-]*\.(rpc|cmd|evt)\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

/** Subjects follow `<context>.<rpc|cmd|evt>.<aggregate>.<verb>`; a typo fails at import time, not in production. */
function assertSubject(subject: string, kind: 'rpc' | 'cmd' | 'evt'): void {
  const match = SUBJECT.exec(subject);
  if (!match || match[1] !== kind) {
    throw new Error(`subject "${subject}" does not follow <context>.${kind}.<aggregate>.<verb>`);
  }
}
