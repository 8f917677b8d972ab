import { metricsRegistry } from '@ir/platform';
import { Counter, Gauge } from 'prom-client';

export const entityCaptured = new Counter({
  name: 'index_registry_entity_captured_total',
  help: 'Source changes read from source oplogs, by source database id',
  labelNames: ['database_id'] as const,
  registers: [metricsRegistry],
});

export const entityCaptureLag = new Gauge({
  name: 'index_registry_entity_capture_lag_seconds',
  help: 'How far behind the source the capture position is (0 when the last read found nothing new), by source database id',
  labelNames: ['database_id'] as const,
  registers: [metricsRegistry],
});

export const entityCaptureErrors = new Counter({
  name: 'index_registry_entity_capture_errors_total',
  help: 'Failed capture rounds (source or oplog manager unreachable), by source database id; each is retried with backoff',
  labelNames: ['database_id'] as const,
  registers: [metricsRegistry],
});

export const entityCaptureLeaseHeld = new Gauge({
  name: 'index_registry_entity_capture_lease_held',
  help: 'Whether this capture holds the capture lease (1) or stands by (0); only the holder captures',
  registers: [metricsRegistry],
});

export const entityCaptureLeaseChanges = new Counter({
  name: 'index_registry_entity_capture_lease_changes_total',
  help: 'Capture lease acquisitions and losses of this process, by change (acquired, lost)',
  labelNames: ['change'] as const,
  registers: [metricsRegistry],
});

export const entityCaptureHistoryLost = new Counter({
  name: 'index_registry_entity_capture_history_lost_total',
  help: 'Times a source no longer had the history after the saved position (every entity of it then rebuilt), by source database id',
  labelNames: ['database_id'] as const,
  registers: [metricsRegistry],
});
