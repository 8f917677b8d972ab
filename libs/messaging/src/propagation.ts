import { context, propagation, type Context } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { BusHeaders, CONTRACTS_VERSION, type Principal } from '@ir/contracts';
import { currentPrincipal, decodePrincipal, encodePrincipal } from './principal-context';
import { acceptClientAddress, acceptOrCreateCorrelationId, currentRequestContext, type RequestContext } from '@ir/platform';

const setter = { set: (carrier: MsgHdrs, key: string, value: string) => carrier.set(key, value) };
const getter = {
  get: (carrier: MsgHdrs | undefined, key: string) => carrier?.get(key) || undefined,
  keys: (carrier: MsgHdrs | undefined) => (carrier ? carrier.keys() : []),
};

/** Headers for an outgoing message: the current correlation id, trace context and principal. */
export function outgoingHeaders(): MsgHdrs {
  const h = natsHeaders();
  const request = currentRequestContext();
  h.set(BusHeaders.correlationId, request?.correlationId ?? acceptOrCreateCorrelationId(undefined));
  if (request?.clientAddress) h.set(BusHeaders.clientAddress, request.clientAddress);
  const principal = currentPrincipal();
  if (principal) h.set(BusHeaders.principal, encodePrincipal(principal));
  h.set(BusHeaders.contractsVersion, String(CONTRACTS_VERSION));
  propagation.inject(context.active(), h, setter);
  return h;
}

/** The trace context, request context (correlation id, client address) and principal that an incoming message carries. */
export function incomingContext(h: MsgHdrs | undefined): { otel: Context; request: RequestContext; principal: Principal | undefined } {
  const clientAddress = acceptClientAddress(h?.get(BusHeaders.clientAddress));
  return {
    otel: propagation.extract(context.active(), h, getter),
    request: { correlationId: acceptOrCreateCorrelationId(h?.get(BusHeaders.correlationId)), ...(clientAddress ? { clientAddress } : {}) },
    principal: decodePrincipal(h?.get(BusHeaders.principal) || undefined),
  };
}
