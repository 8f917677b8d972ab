import { metricsRegistry } from '@ir/platform';
import { Counter } from 'prom-client';

/** Changes the capture handed in, by where they went: the oplog, staging (a scanning entity) or dropped (no such entity). */
export const entityAppended = new Counter({
  name: 'index_registry_entity_appended_total',
  help: 'Oplog changes appended, by destination (oplog, staging, dropped)',
  labelNames: ['destination'] as const,
  registers: [metricsRegistry],
});

/** Entries served to readers (replicas and API callers). */
export const entityEntriesRead = new Counter({
  name: 'index_registry_entity_entries_read_total',
  help: 'Oplog entries read, by reader (replica, api)',
  labelNames: ['reader'] as const,
  registers: [metricsRegistry],
});
