import { DomainError, ErrorCode } from './errors';

/** The services. Each is also its NATS queue group, its NATS user and its MongoDB database suffix. */
export const ServiceName = {
  gateway: 'gateway',
  auth: 'auth',
  registry: 'registry',
  comparator: 'comparator',
  syncExecutor: 'sync-executor',
  audit: 'audit',
  entityOplog: 'entity-oplog',
  entityCapture: 'entity-capture',
  cacheReplicator: 'cache-replicator',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];
export type BackendServiceName = Exclude<ServiceName, 'gateway'>;

/** The services behind the gateway that run, and answer a health ping over the bus. */
export const BACKEND_SERVICES: readonly BackendServiceName[] = [
  ServiceName.auth,
  ServiceName.registry,
  ServiceName.comparator,
  ServiceName.syncExecutor,
  ServiceName.audit,
  ServiceName.entityOplog,
  ServiceName.entityCapture,
  ServiceName.cacheReplicator,
];

/**
 * The subject contexts (a subject's first token) each backend service owns: it alone answers their
 * requests and publishes their facts. The first is the context of its requests (and of its health
 * ping). The one table that tells whom a subject needs, for errors and health alike.
 */
const SUBJECT_CONTEXTS: Record<BackendServiceName, readonly [string, ...string[]]> = {
  auth: ['auth'],
  registry: ['registry'],
  comparator: ['comparator', 'drift'],
  'sync-executor': ['sync'],
  audit: ['audit'],
  'entity-oplog': ['entity'],
  // These two answer only their health pings: their work is their own, reported through entity-oplog.
  'entity-capture': ['capture'],
  'cache-replicator': ['replica'],
};

/** Every service that owns subjects, whether it runs yet or not: the bus grants each its own. */
export const SUBJECT_OWNERS: readonly BackendServiceName[] = Object.keys(SUBJECT_CONTEXTS) as BackendServiceName[];

const OWNER_BY_CONTEXT: ReadonlyMap<string, BackendServiceName> = new Map(
  SUBJECT_OWNERS.flatMap((service) => SUBJECT_CONTEXTS[service].map((context) => [context, service] as const)),
);

/** The service that answers `subject`; undefined for a context no one service owns (`bus.`). */
export function serviceOfSubject(subject: string): BackendServiceName | undefined {
  return OWNER_BY_CONTEXT.get(subject.slice(0, subject.indexOf('.')));
}

/** The context of a service's requests: `sync` for the sync-executor. */
export function requestContextOf(service: BackendServiceName): string {
  return SUBJECT_CONTEXTS[service][0];
}

/** Every subject context `service` owns (the comparator: `comparator` and `drift`). */
export function contextsOf(service: BackendServiceName): readonly string[] {
  return SUBJECT_CONTEXTS[service];
}

/** No instance of `service` is listening (a 503 at the gateway that names it). */
export function serviceUnavailable(service: BackendServiceName): DomainError {
  return new DomainError(ErrorCode.unavailable, `the ${service} service is unavailable`, undefined, { service });
}

/** `service` is listening but did not answer in time (a 504 at the gateway that names it). */
export function serviceTimedOut(service: BackendServiceName, timeoutMs: number): DomainError {
  return new DomainError(ErrorCode.timeout, `the ${service} service did not answer within ${timeoutMs} ms`, undefined, { service });
}

/** What a service needs besides other services, as /health/ready names it. */
export type Dependency = 'nats' | 'mongodb' | 'postgresql';

const DEPENDENCY_LABEL: Record<Dependency, string> = {
  nats: 'the message bus (NATS)',
  mongodb: 'database (MongoDB)',
  postgresql: 'database (PostgreSQL)',
};

/** No NATS server can be reached: nothing that crosses the bus can be done (a 503 at the gateway that names NATS). */
export function busUnavailable(): DomainError {
  return new DomainError(ErrorCode.unavailable, `${DEPENDENCY_LABEL.nats} is unavailable`, undefined, { dependency: 'nats' });
}

/** `service` answers, but its own `dependency` does not (a 503 at the gateway that names both). */
export function dependencyUnavailable(service: BackendServiceName, dependency: Exclude<Dependency, 'nats'>): DomainError {
  return new DomainError(ErrorCode.unavailable, `the ${service} service's ${DEPENDENCY_LABEL[dependency]} is unavailable`, undefined, {
    service,
    dependency,
  });
}
