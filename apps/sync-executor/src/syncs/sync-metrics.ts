import { Streams } from '@ir/contracts';
import { metricsRegistry } from '@ir/platform';
import type { JetStreamManager } from '@nats-io/jetstream';
import { Counter, Gauge, Histogram } from 'prom-client';
import { RUN_CONSUMER } from './sync-settings';

export const syncDuration = new Histogram({
  name: 'index_registry_sync_duration_seconds',
  help: 'Time from a sync starting to run until it ended, by final status',
  labelNames: ['status'] as const,
  buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600],
  registers: [metricsRegistry],
});

export const syncOperations = new Counter({
  name: 'index_registry_sync_operations_total',
  help: 'Index operations of syncs by kind and result (applied, already_done, skipped, refused, failed)',
  labelNames: ['kind', 'result'] as const,
  registers: [metricsRegistry],
});

export const syncFailures = new Counter({
  name: 'index_registry_sync_failures_total',
  help: 'Syncs that ended failed',
  registers: [metricsRegistry],
});

/** How syncs end: completed, partially_failed, failed, cancelled (a sync ended by another executor's takeover counts there). */
export const syncOutcomes = new Counter({
  name: 'index_registry_sync_outcomes_total',
  help: 'Syncs that ended, by outcome (completed, partially_failed, failed, cancelled)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/**
 * Time of one command on the target, by the kind of its steps (create, drop, modify, hide). Creates
 * on one collection built by one createIndexes are one command, observed once: the build is shared.
 */
export const syncStepDuration = new Histogram({
  name: 'index_registry_sync_step_duration_seconds',
  help: 'Sync steps run on a target, by operation kind; creates built together by one command count once',
  labelNames: ['kind'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  registers: [metricsRegistry],
});

let queueSource: JetStreamManager | undefined;

/** Run commands waiting on the shared durable consumer, read from JetStream when scraped. */
export const syncQueuePending = new Gauge({
  name: 'index_registry_sync_queue_pending',
  help: `Run commands not yet delivered to an executor (num_pending of the ${RUN_CONSUMER} consumer)`,
  registers: [metricsRegistry],
  async collect() {
    if (!queueSource) return;
    try {
      const info = await queueSource.consumers.info(Streams.syncCommands.name, RUN_CONSUMER);
      this.set(info.num_pending);
    } catch {
      // Consumer not provisioned yet or NATS away: keep the last value rather than fail the scrape.
    }
  },
});

export function watchSyncQueue(jsm: JetStreamManager | undefined): void {
  queueSource = jsm;
}
