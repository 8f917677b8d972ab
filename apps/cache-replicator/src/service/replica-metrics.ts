import { metricsRegistry } from '@ir/platform';
import { Counter, Gauge } from 'prom-client';

export const entityApplied = new Counter({
  name: 'index_registry_entity_applied_total',
  help: 'Oplog entries this replica read and applied to its caches',
  registers: [metricsRegistry],
});

export const entityReplicaLag = new Gauge({
  name: 'index_registry_entity_replica_lag_entries',
  help: "Oplog entries after this replica's offset when it last read (0: caught up)",
  registers: [metricsRegistry],
});

export const entityCacheRecreates = new Counter({
  name: 'index_registry_entity_cache_recreates_total',
  help: 'Entity caches this replica rebuilt from the oplog, by reason (requested, shape_changed)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});
