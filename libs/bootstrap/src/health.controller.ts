import { Controller, Get, Header } from '@nestjs/common';
import { HealthCheck } from '@nestjs/terminus';
import { metricsRegistry } from '@ir/platform';
import { ReadinessService } from './readiness.service';

/** Liveness, readiness and Prometheus metrics on the service's own HTTP port. */
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('health')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.readiness.check();
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
