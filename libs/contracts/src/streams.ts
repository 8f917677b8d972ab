/** A JetStream stream that the services provision idempotently at start. */
export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  /** `limits` keeps facts for any number of consumers; `workqueue` deletes a message once acked. */
  readonly retention: 'limits' | 'workqueue';
  readonly maxAgeSeconds: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate. */
  readonly duplicateWindowSeconds: number;
}

const DAY = 24 * 60 * 60;

export const Streams = {
  /** Messages that a consumer gave up on, kept for a person to inspect or replay. */
  deadLetters: {
    name: 'DEAD_LETTERS',
    subjects: ['bus.evt.message.dead-lettered'],
    retention: 'limits',
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 120,
  },
  authEvents: {
    name: 'AUTH_EVENTS',
    subjects: ['auth.evt.>'],
    retention: 'limits',
    maxAgeSeconds: 7 * DAY,
    duplicateWindowSeconds: 120,
  },
  registryEvents: {
    name: 'REGISTRY_EVENTS',
    subjects: ['registry.evt.>'],
    retention: 'limits',
    maxAgeSeconds: 7 * DAY,
    duplicateWindowSeconds: 120,
  },
  driftEvents: {
    name: 'DRIFT_EVENTS',
    subjects: ['drift.evt.>'],
    retention: 'limits',
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 120,
  },
  /** Work for the sync-executors: each command is taken by exactly one replica. */
  syncCommands: {
    name: 'SYNC_COMMANDS',
    subjects: ['sync.cmd.>'],
    retention: 'workqueue',
    maxAgeSeconds: 7 * DAY,
    duplicateWindowSeconds: 300,
  },
  syncEvents: {
    name: 'SYNC_EVENTS',
    subjects: ['sync.evt.>'],
    retention: 'limits',
    maxAgeSeconds: 7 * DAY,
    duplicateWindowSeconds: 120,
  },
  /** Every state change, one entry each (the audit service keeps them; every service publishes them). */
  auditEvents: {
    name: 'AUDIT_EVENTS',
    subjects: ['audit.evt.>'],
    retention: 'limits',
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 300,
  },
} as const satisfies Record<string, StreamSpec>;
