import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainError, ErrorCode, Principal } from '@ir/contracts';

/** Who the work in progress acts for; a slot the gateway fills once the caller is authenticated. */
interface PrincipalSlot {
  principal?: Principal;
}

const storage = new AsyncLocalStorage<PrincipalSlot>();

/** Runs `fn` acting for `principal`: what the bus server does for each request, and a service for work of its own. */
export function runAs<T>(principal: Principal | undefined, fn: () => T): T {
  return storage.run({ principal }, fn);
}

/**
 * Runs `fn` with an empty slot that `actFor` fills later in the same request: the gateway opens it
 * when a request arrives and fills it once its authentication guard knows the caller.
 */
export function runWithPrincipalSlot<T>(fn: () => T): T {
  return storage.run({}, fn);
}

/** Fills the current slot (see runWithPrincipalSlot). */
export function actFor(principal: Principal): void {
  const slot = storage.getStore();
  if (!slot) throw new Error('actFor() outside runWithPrincipalSlot()');
  slot.principal = principal;
}

export function currentPrincipal(): Principal | undefined {
  return storage.getStore()?.principal;
}

/** The caller, or a 401: a request without one did not come through the gateway or a service. */
export function requirePrincipal(): Principal {
  const principal = currentPrincipal();
  if (!principal) throw new DomainError(ErrorCode.unauthenticated, 'this request carries no caller');
  return principal;
}

/** The principal as a header value: base64url of its JSON. */
export function encodePrincipal(principal: Principal): string {
  return Buffer.from(JSON.stringify(principal)).toString('base64url');
}

/** The principal a header carries, if it is one; anything else is no principal at all. */
export function decodePrincipal(value: string | undefined): Principal | undefined {
  if (!value || value.length > MAX_HEADER_CHARS) return undefined;
  try {
    const parsed = Principal.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A member of a few hundred projects fits; more is not a principal we made. */
const MAX_HEADER_CHARS = 64 * 1024;
