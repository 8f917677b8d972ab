import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What follows one request through every service: set by the gateway or the bus server, read by the logger. */
export interface RequestContext {
  readonly correlationId: string;
  /** The HTTP caller's address as the gateway saw it, for the audit trail; absent for a service's own work. */
  readonly clientAddress?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's id is kept only when it is short and plain, so it cannot inject into logs or headers. */
export function acceptOrCreateCorrelationId(candidate: unknown): string {
  return typeof candidate === 'string' && CORRELATION_ID.test(candidate) ? candidate : randomUUID();
}

const CLIENT_ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

/** An IPv4 or IPv6 address as text, or nothing: a header value is never trusted to be one. */
export function acceptClientAddress(candidate: unknown): string | undefined {
  return typeof candidate === 'string' && CLIENT_ADDRESS.test(candidate) ? candidate : undefined;
}
