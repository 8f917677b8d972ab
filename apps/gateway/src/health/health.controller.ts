import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { BACKEND_SERVICES } from '@ir/contracts';
import { NatsHealthIndicator } from '@ir/messaging';
import { metricsRegistry } from '@ir/platform';
import type { Response } from 'express';
import { Public } from '../auth/authenticated';
import { BackendHealthIndicator } from './backend.health';

/** Liveness, readiness (NATS and every backend service, each with its own dependencies), metrics. */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly nats: NatsHealthIndicator,
    private readonly backends: BackendHealthIndicator,
  ) {}

  @Get('health')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Terminus's report (`status`, `info`, `error`, `details`) with every dependency, also when one is
   * down: then with 503, passed on here as it is rather than as the error filter's generic 503.
   */
  @Get('health/ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.nats.check(), ...BACKEND_SERVICES.map((service) => () => this.backends.check(service))]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(error.getStatus());
      return error.getResponse() as HealthCheckResult;
    }
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
