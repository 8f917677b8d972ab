import { collectDefaultMetrics, Registry } from 'prom-client';

/** One Prometheus registry per process, with Node's default metrics labelled by service. */
export const metricsRegistry = new Registry();

let started = false;
export function startDefaultMetrics(service: string): void {
  if (started) return;
  started = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}
