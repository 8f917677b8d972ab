/** The five services. Each is also its NATS queue group and its MongoDB database suffix. */
export const ServiceName = {
  gateway: 'gateway',
  auth: 'auth',
  registry: 'registry',
  comparator: 'comparator',
  syncExecutor: 'sync-executor',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

/** The services behind the gateway, which answer a health ping over the bus. */
export const BACKEND_SERVICES: readonly ServiceName[] = [
  ServiceName.auth,
  ServiceName.registry,
  ServiceName.comparator,
  ServiceName.syncExecutor,
];
