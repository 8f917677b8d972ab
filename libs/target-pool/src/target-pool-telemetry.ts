import { Logger } from '@nestjs/common';
import { metricsRegistry } from '@ir/platform';
import { Counter } from 'prom-client';
import type { TargetPoolEvent } from './target-pool';

const connections = new Counter({
  name: 'index_registry_target_connections_total',
  help: 'Clients opened to target databases, by outcome: connected, or the category of the failure (not_mongodb, not_allowed, ...)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

const logger = new Logger('TargetPool');

/**
 * What the pool reports, as logs and metrics: an operator sees how often targets fail to connect
 * and why (a fleet where `not_allowed` climbs has a policy to fix, `not_mongodb` a wrong port).
 * Targets are named by a short hash, never by their URI.
 */
export function recordTargetPoolEvent(event: TargetPoolEvent): void {
  switch (event.event) {
    case 'connected':
      connections.inc({ outcome: 'connected' });
      logger.debug(`target ${event.target} connected in ${event.durationMs} ms`);
      return;
    case 'connect_failed':
      connections.inc({ outcome: event.reason });
      logger.warn(`target ${event.target} could not be connected to (${event.reason}) after ${event.durationMs} ms`);
      return;
    case 'refused':
      connections.inc({ outcome: event.reason });
      logger.warn(`target ${event.target} was closed: its servers announced a host the policy refuses`);
      return;
    case 'evicted':
      logger.debug(`target ${event.target} client closed (${event.reason})`);
      return;
    case 'close_failed':
      logger.warn(`target ${event.target} client did not close cleanly (${event.error})`);
      return;
  }
}
