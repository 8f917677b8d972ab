import { BUS_ACCESS, Durables, provisionedStreams, publishedStreams, READABLE_STREAMS, type Durable } from './bus-access';
import { contextsOf, requestContextOf, ServiceName, type BackendServiceName } from './services';
import type { StreamSpec } from './streams';

/**
 * The NATS users of the system: one per service, `reader` for other systems (the event streams,
 * through durable consumers an operator gives them, and nothing else), and `admin` for the people
 * who operate NATS (the `nats` CLI: streams, consumers, dead letters). No service runs as either.
 */
export type BusUser = ServiceName | 'reader' | 'admin';

export const BUS_USERS: readonly BusUser[] = [...Object.values(ServiceName), 'reader', 'admin'];

/** A NATS user's permissions, as nats-server's configuration spells them. */
export interface NatsPermissions {
  readonly publish: SubjectRules;
  readonly subscribe: SubjectRules;
  /** May publish to the reply subject of a request it received (once): how a service answers. */
  readonly allow_responses?: boolean;
}

export interface SubjectRules {
  readonly allow: readonly string[];
  readonly deny?: readonly string[];
}

/**
 * Where a user's replies arrive. Every service and the admin have inboxes of their own, which no
 * other user may subscribe to; the reader keeps the client libraries' default (`_INBOX`), so an
 * off-the-shelf client or the `nats` CLI works as it is.
 */
export function inboxPrefixOf(user: BusUser | string): string {
  return user === 'reader' ? '_INBOX' : `_INBOX_${user}`;
}

/** The environment variable that gives nats-server a user's password (its configuration refers to it). */
export function passwordVariableOf(user: BusUser): string {
  return `NATS_PASSWORD_${user.toUpperCase().replace(/-/g, '_')}`;
}

/** What `user` may do; undefined for the admin, who may do everything. */
export function busPermissions(user: BusUser): NatsPermissions | undefined {
  if (user === 'admin') return undefined;
  if (user === 'reader') return readerPermissions();
  return servicePermissions(user);
}

// JetStream's API subjects (nats-server 2.9+), each for one stream or one consumer.
const JS_INFO = '$JS.API.INFO';
const stream = (op: 'INFO' | 'CREATE' | 'UPDATE' | 'MSG.GET', name: string) => `$JS.API.STREAM.${op}.${name}`;
const consumer = (op: 'INFO' | 'CREATE' | 'DURABLE.CREATE' | 'DELETE' | 'MSG.NEXT', streamName: string, name: string) =>
  `$JS.API.CONSUMER.${op}.${streamName}.${name}`;
const acks = (streamName: string, name: string) => `$JS.ACK.${streamName}.${name}.>`;

function servicePermissions(service: ServiceName): NatsPermissions {
  const access = BUS_ACCESS[service];
  const owned = service === ServiceName.gateway ? [] : contextsOf(service as BackendServiceName);
  const publish = [
    JS_INFO,
    ...(access.callsEvery ?? []).map((callee) => `${requestContextOf(callee)}.rpc.>`),
    ...(access.calls ?? []).map((rpc) => rpc.subject),
    ...publishedStreams(service).flatMap((s) => s.subjects),
    ...provisionedStreams(service).flatMap((s) => [stream('INFO', s.name), stream('CREATE', s.name), stream('UPDATE', s.name)]),
    ...(access.follows ?? []).flatMap(durableUse),
    ...(access.replays ?? []).flatMap(orderedReplay),
  ];
  const subscribe = [inboxOf(service), ...owned.map((context) => `${context}.rpc.>`), ...(access.listens ?? [])];
  return {
    publish: withDeny(
      publish,
      (access.neverCalls ?? []).map((rpc) => rpc.subject),
    ),
    subscribe: { allow: unique(subscribe) },
    ...(owned.length > 0 ? { allow_responses: true } : {}),
  };
}

/** A durable pull consumer: created (in either of JetStream's forms) or updated, read, pulled from, acked. */
function durableUse(d: Durable): string[] {
  const { name } = d.stream;
  return [
    consumer('INFO', name, d.name),
    consumer('CREATE', name, d.name),
    `${consumer('CREATE', name, d.name)}.>`,
    consumer('DURABLE.CREATE', name, d.name),
    consumer('MSG.NEXT', name, d.name),
    acks(name, d.name),
  ];
}

/** Ordered consumers: created with a random name (with or without a filter), pulled from, dropped; the last message read first. */
function orderedReplay(s: StreamSpec): string[] {
  return [
    `$JS.API.CONSUMER.CREATE.${s.name}`,
    `$JS.API.CONSUMER.CREATE.${s.name}.>`,
    consumer('INFO', s.name, '*'),
    consumer('DELETE', s.name, '*'),
    consumer('MSG.NEXT', s.name, '*'),
    stream('MSG.GET', s.name),
  ];
}

/**
 * The event streams, read through durable pull consumers that an operator creates for each system
 * (the reader creates none: a consumer's delivery subject is whatever its creator writes, which could
 * be a service's request subject). Never a service's own consumer, never another stream, no request,
 * command or stream change.
 */
function readerPermissions(): NatsPermissions {
  const readable = new Set(READABLE_STREAMS.map((s) => s.name));
  const servicesDurables = Object.values(Durables)
    .flatMap((byHandler) => Object.values(byHandler) as Durable[])
    .filter((d) => readable.has(d.stream.name));
  return {
    publish: withDeny(
      [
        JS_INFO,
        ...READABLE_STREAMS.flatMap((s) => [
          stream('INFO', s.name),
          stream('MSG.GET', s.name),
          consumer('INFO', s.name, '*'),
          consumer('MSG.NEXT', s.name, '*'),
          `$JS.ACK.${s.name}.>`,
        ]),
      ],
      servicesDurables.flatMap((d) => [
        consumer('INFO', d.stream.name, d.name),
        consumer('MSG.NEXT', d.stream.name, d.name),
        acks(d.stream.name, d.name),
      ]),
    ),
    subscribe: { allow: [inboxOf('reader')] },
  };
}

const inboxOf = (user: BusUser): string => `${inboxPrefixOf(user)}.>`;

function withDeny(allow: readonly string[], deny: readonly string[]): SubjectRules {
  return deny.length > 0 ? { allow: unique(allow), deny: unique(deny) } : { allow: unique(allow) };
}

function unique(subjects: readonly string[]): string[] {
  return [...new Set(subjects)];
}
