import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { BACKEND_SERVICES, pingContract, type ServiceName } from '@ir/contracts';
import { BusClient, NatsHealthIndicator } from '@ir/messaging';
import { metricsRegistry } from '@ir/platform';
import { Public } from '../auth/authenticated';

const PING_TIMEOUT_MS = 2000;

/** Liveness, readiness (NATS and every backend service, each with its own MongoDB), metrics. */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly nats: NatsHealthIndicator,
    private readonly bus: BusClient,
  ) {}

  @Get('health')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.nats.check(), ...BACKEND_SERVICES.map((service) => () => this.pingService(service))]);
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }

  private async pingService(service: ServiceName): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(service);
    try {
      const answer = await this.bus.request(pingContract(service as Exclude<ServiceName, 'gateway'>), {}, { timeoutMs: PING_TIMEOUT_MS });
      const details = { instance: answer.instance, dependencies: answer.dependencies };
      return answer.status === 'up' ? indicator.up(details) : indicator.down(details);
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
