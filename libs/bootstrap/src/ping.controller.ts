import { Controller, type Type } from '@nestjs/common';
import { pingContract, type PingResponse, type ServiceName } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import { randomUUID } from 'node:crypto';
import { ReadinessService } from './readiness.service';

const INSTANCE = `${process.pid}-${randomUUID().slice(0, 8)}`;
const VERSION = process.env.npm_package_version ?? '0.1.0';

/** A controller answering the service's health ping on the bus (the subject depends on the service). */
export function createPingController(service: Exclude<ServiceName, 'gateway'>): Type<unknown> {
  @Controller()
  class PingController {
    constructor(private readonly readiness: ReadinessService) {}

    @RpcHandler(pingContract(service))
    async ping(): Promise<PingResponse> {
      const report = await this.readiness.report();
      return { service, instance: INSTANCE, version: VERSION, uptime_seconds: Math.round(process.uptime()), ...report };
    }
  }
  return PingController;
}
