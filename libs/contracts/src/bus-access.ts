import type { RpcContract } from './bus';
import { AuthProjectRpc } from './auth-projects';
import { ComparatorRpc } from './drift';
import { EntityInternalRpc } from './entity-services';
import { RegistryDatabaseRpc, RegistryIndexRpc } from './registry';
import { SUBJECT_OWNERS, type BackendServiceName, type ServiceName } from './services';
import { Streams, type StreamSpec } from './streams';
import { SYNC_EVENT_SUBJECTS, SyncRpc } from './sync';

/**
 * Who may do what on the bus: the one table that the NATS permissions of every deployment are
 * generated from (bus-permissions.ts), and that the services take their streams and durable
 * consumer names from, so the code and its permissions cannot disagree. A service answers the
 * requests of the subject contexts it owns (services.ts); everything else it does is here.
 */
export interface ServiceBusAccess {
  /** Services whose every request it may send: the gateway, which serves the whole HTTP API. */
  readonly callsEvery?: readonly BackendServiceName[];
  /** Single requests it sends to other services. */
  readonly calls?: readonly RpcContract[];
  /** Requests it may never send, though `callsEvery` would cover them: answers meant for services only. */
  readonly neverCalls?: readonly RpcContract[];
  /** Streams it publishes facts or commands on (besides those every service publishes on). */
  readonly publishes?: readonly StreamSpec[];
  /** The durable pull consumers it keeps: it alone may read them. */
  readonly follows?: readonly Durable[];
  /** Streams it replays into memory with ephemeral ordered consumers (one per replica, named at random). */
  readonly replays?: readonly StreamSpec[];
  /** Event subjects it listens to without JetStream (what is published from now on, and nothing stored). */
  readonly listens?: readonly string[];
}

/** A durable pull consumer on a stream: its name is part of the permissions of its one service. */
export interface Durable {
  readonly stream: StreamSpec;
  readonly name: string;
}

const durable = (stream: StreamSpec, name: string): Durable => ({ stream, name });

/** The durable consumers of each service, by handler: the handlers name their consumers from here. */
export const Durables = {
  comparator: {
    indexCreated: durable(Streams.registryEvents, 'comparator-registry-changes-index-created'),
    indexUpdated: durable(Streams.registryEvents, 'comparator-registry-changes-index-updated'),
    indexDeleted: durable(Streams.registryEvents, 'comparator-registry-changes-index-deleted'),
    databaseCreated: durable(Streams.registryEvents, 'comparator-registry-changes-database-created'),
    databaseUpdated: durable(Streams.registryEvents, 'comparator-registry-changes-database-updated'),
    databaseDeleted: durable(Streams.registryEvents, 'comparator-registry-changes-database-deleted'),
  },
  syncExecutor: {
    /** Shared by every executor replica: each run command is taken by one. */
    runs: durable(Streams.syncCommands, 'sync-executor-runs'),
    imports: durable(Streams.syncCommands, 'sync-executor-imports'),
  },
  audit: {
    entries: durable(Streams.auditEvents, 'audit-entries'),
  },
} as const satisfies Record<string, Record<string, Durable>>;

/** Streams that every service publishes on: each state change it makes is one audit entry. */
export const EVERY_SERVICE_PUBLISHES: readonly StreamSpec[] = [Streams.auditEvents];

/** Streams that every backend publishes on: its bus server records the messages its consumers gave up on. */
export const EVERY_BACKEND_PUBLISHES: readonly StreamSpec[] = [Streams.deadLetters];

/**
 * The event streams other systems may read with the read-only credential, through durable consumers
 * of their own. Not DEAD_LETTERS: it holds copies of any stream's messages, commands included.
 */
export const READABLE_STREAMS: readonly StreamSpec[] = [
  Streams.authEvents,
  Streams.registryEvents,
  Streams.driftEvents,
  Streams.syncEvents,
  Streams.auditEvents,
];

export const BUS_ACCESS: Record<ServiceName, ServiceBusAccess> = {
  gateway: {
    callsEvery: SUBJECT_OWNERS,
    // Internal: sealed connections, and the server record that decides which version's rules apply (the comparator's to report).
    // The entity oplog's internal requests are the capture's and the replicators' only.
    neverCalls: [RegistryDatabaseRpc.connection, RegistryDatabaseRpc.serverSeen, ...Object.values(EntityInternalRpc)],
    replays: [Streams.authEvents],
    listens: [SYNC_EVENT_SUBJECTS],
  },
  auth: {
    publishes: [Streams.authEvents],
  },
  registry: {
    calls: [SyncRpc.activeForDatabase, AuthProjectRpc.default],
    publishes: [Streams.registryEvents, Streams.syncCommands],
  },
  comparator: {
    calls: [RegistryDatabaseRpc.connection, RegistryDatabaseRpc.list, RegistryDatabaseRpc.serverSeen, RegistryIndexRpc.listByDatabase],
    publishes: [Streams.driftEvents],
    follows: Object.values(Durables.comparator),
    // Running syncs, which scheduled compares yield to.
    listens: [SYNC_EVENT_SUBJECTS],
  },
  'sync-executor': {
    calls: [
      RegistryDatabaseRpc.connection,
      RegistryIndexRpc.listByDatabase,
      RegistryIndexRpc.create,
      RegistryIndexRpc.update,
      ComparatorRpc.plan,
    ],
    publishes: [Streams.syncEvents, Streams.syncCommands],
    follows: Object.values(Durables.syncExecutor),
  },
  audit: {
    follows: Object.values(Durables.audit),
  },
  // Entities belong to the project of their source database: the registry says which, for the caller.
  'entity-oplog': {
    calls: [RegistryDatabaseRpc.get],
  },
  // The source's sealed connection string (opened with TARGET_ENCRYPTION_KEY), and the oplog manager's intake.
  'entity-capture': {
    calls: [
      RegistryDatabaseRpc.connection,
      EntityInternalRpc.specs,
      EntityInternalRpc.lease,
      EntityInternalRpc.releaseLease,
      EntityInternalRpc.append,
      EntityInternalRpc.finishScan,
      EntityInternalRpc.position,
      EntityInternalRpc.savePosition,
      EntityInternalRpc.hardRefresh,
      EntityInternalRpc.softRefreshDone,
      EntityInternalRpc.captureStatus,
    ],
  },
  'cache-replicator': {
    calls: [EntityInternalRpc.specs, EntityInternalRpc.read, EntityInternalRpc.report],
  },
};

/** Every stream `service` publishes on, its own and those every service (or backend) publishes on. */
export function publishedStreams(service: ServiceName): readonly StreamSpec[] {
  const access = BUS_ACCESS[service];
  const shared = service === 'gateway' ? EVERY_SERVICE_PUBLISHES : [...EVERY_BACKEND_PUBLISHES, ...EVERY_SERVICE_PUBLISHES];
  return uniqueStreams([...shared, ...(access.publishes ?? [])]);
}

/**
 * The streams `service` creates or brings to their spec at start: those it publishes on and those it
 * reads, so that whichever service starts first finds them (and none waits for another).
 */
export function provisionedStreams(service: ServiceName): readonly StreamSpec[] {
  const access = BUS_ACCESS[service];
  return uniqueStreams([...publishedStreams(service), ...(access.follows ?? []).map((d) => d.stream), ...(access.replays ?? [])]);
}

function uniqueStreams(streams: readonly StreamSpec[]): StreamSpec[] {
  return [...new Map(streams.map((s) => [s.name, s])).values()];
}
