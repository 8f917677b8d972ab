import { context, propagation, type Context } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { BusHeaders, CONTRACTS_VERSION } from '@ir/contracts';
import { acceptOrCreateCorrelationId, currentRequestContext } from '@ir/platform';

const setter = { set: (carrier: MsgHdrs, key: string, value: string) => carrier.set(key, value) };
const getter = {
  get: (carrier: MsgHdrs | undefined, key: string) => carrier?.get(key) || undefined,
  keys: (carrier: MsgHdrs | undefined) => (carrier ? carrier.keys() : []),
};

/** Headers for an outgoing message: the current correlation id and trace context. */
export function outgoingHeaders(): MsgHdrs {
  const h = natsHeaders();
  h.set(BusHeaders.correlationId, currentRequestContext()?.correlationId ?? acceptOrCreateCorrelationId(undefined));
  h.set(BusHeaders.contractsVersion, String(CONTRACTS_VERSION));
  propagation.inject(context.active(), h, setter);
  return h;
}

/** The trace context and correlation id that an incoming message carries. */
export function incomingContext(h: MsgHdrs | undefined): { otel: Context; correlationId: string } {
  return {
    otel: propagation.extract(context.active(), h, getter),
    correlationId: acceptOrCreateCorrelationId(h?.get(BusHeaders.correlationId)),
  };
}
