import { z } from 'zod';
import { defineRpc } from './bus';
import { requestContextOf, type BackendServiceName } from './services';

export const DependencyStatus = z.object({
  status: z.enum(['up', 'down']),
  message: z.string().optional(),
});

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
