import { z } from 'zod';
import { defineRpc } from './bus';
import { requestContextOf, type BackendServiceName } from './services';

/**
 * One dependency as a service's /health/ready shows it (Terminus's indicator entry): up or down, why
 * when down, and what the check measured (`rtt_ms`, `database`, `num_pending`, ...).
 */
export const DependencyStatus = z
  .object({
    status: z.enum(['up', 'down']),
    message: z.string().optional(),
  })
  .catchall(z.union([z.string(), z.number(), z.boolean()]));
export type DependencyStatus = z.infer<typeof DependencyStatus>;

export const PingResponse = z.object({
  service: z.string(),
  instance: z.string(),
  version: z.string(),
  status: z.enum(['up', 'down']),
  uptime_seconds: z.number(),
  dependencies: z.record(z.string(), DependencyStatus),
});
export type PingResponse = z.infer<typeof PingResponse>;

const PingRequest = z.object({}).strict();

/** Every backend service answers this ping with its own readiness (NATS, MongoDB, ...). */
export function pingContract(service: BackendServiceName) {
  return defineRpc(`${requestContextOf(service)}.rpc.health.ping`, PingRequest, PingResponse);
}
