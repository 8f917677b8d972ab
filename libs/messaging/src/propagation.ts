import { context, propagation, type Context } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { BusHeaders, CONTRACTS_VERSION, type Principal } from '@ir/contracts';
import { currentPrincipal, decodePrincipal, encodePrincipal } from './principal-context';
import { acceptOrCreateCorrelationId, currentRequestContext } from '@ir/platform';

const setter = { set: (carrier: MsgHdrs, key: string, value: string) => carrier.set(key, value) };
const getter = {
  get: (carrier: MsgHdrs | undefined, key: string) => carrier?.get(key) || undefined,
  keys: (carrier: MsgHdrs | undefined) => (carrier ? carrier.keys() : []),
};

/** Headers for an outgoing message: the current correlation id, trace context and principal. */
export function outgoingHeaders(): MsgHdrs {
  const h = natsHeaders();
  h.set(BusHeaders.correlationId, currentRequestContext()?.correlationId ?? acceptOrCreateCorrelationId(undefined));
  const principal = currentPrincipal();
  if (principal) h.set(BusHeaders.principal, encodePrincipal(principal));
  h.set(BusHeaders.contractsVersion, String(CONTRACTS_VERSION));
  propagation.inject(context.active(), h, setter);
  return h;
}

/** The trace context, correlation id and principal that an incoming message carries. */
export function incomingContext(h: MsgHdrs | undefined): { otel: Context; correlationId: string; principal: Principal | undefined } {
  return {
    otel: propagation.extract(context.active(), h, getter),
    correlationId: acceptOrCreateCorrelationId(h?.get(BusHeaders.correlationId)),
    principal: decodePrincipal(h?.get(BusHeaders.principal) || undefined),
  };
}
