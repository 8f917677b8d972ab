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

  /** The whole system's readiness: NATS and every backend service, each with its own dependencies. */
  @Get('health/ready')
  @HealthCheck()
  ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.report(res, [() => this.nats.check(), ...BACKEND_SERVICES.map((service) => () => this.backends.check(service))]);
  }

  /**
   * This gateway's own readiness: whether it can pass requests on (its NATS connection). What a load
   * balancer asks: a backend that is down makes its routes answer 503 naming it, on every gateway
   * alike, so it is no reason to take gateways out of rotation.
   */
  @Get('health/instance')
  @HealthCheck()
  instance(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.report(res, [() => this.nats.check()]);
  }

  /**
   * Terminus's report (`status`, `info`, `error`, `details`) with every dependency, also when one is
   * down: then with 503, passed on here as it is rather than as the error filter's generic 503.
   */
  private async report(res: Response, checks: Parameters<HealthCheckService['check']>[0]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
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
