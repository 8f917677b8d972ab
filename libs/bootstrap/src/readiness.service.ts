import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { NatsHealthIndicator } from '@ir/messaging';
import { MongoHealthIndicator } from '@ir/platform';

/** A dependency of a service's own, checked besides NATS and MongoDB (a durable consumer, ...). */
export interface ReadinessCheck {
  check(): Promise<HealthIndicatorResult>;
}

/**
 * Extra readiness checks: a feature module that provides this token (as an array) from a
 * `@Global()` module adds them to the service's /health/ready and bus ping.
 */
export const READINESS_CHECKS = Symbol.for('index-registry.readiness-checks');

/** The service is ready when NATS, (for services that own one) its MongoDB database, and its extra checks answer. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly nats: NatsHealthIndicator,
    @Optional() private readonly mongo?: MongoHealthIndicator,
    @Optional() @Inject(READINESS_CHECKS) private readonly extra: readonly ReadinessCheck[] = [],
  ) {}

  /** Terminus result; throws a 503 `ServiceUnavailableException` when a dependency is down. */
  check(): Promise<HealthCheckResult> {
    const checks = [() => this.nats.check()];
    if (this.mongo) checks.push(() => this.mongo!.check());
    for (const extra of this.extra ?? []) checks.push(() => extra.check());
    return this.health.check(checks);
  }

  /** The same checks, never throwing: for the bus ping, which reports rather than fails. */
  async report(): Promise<{ status: 'up' | 'down'; dependencies: Record<string, { status: 'up' | 'down'; message?: string }> }> {
    const results = await Promise.all([this.nats.check(), this.mongo?.check(), ...(this.extra ?? []).map((extra) => extra.check())]);
    const dependencies: Record<string, { status: 'up' | 'down'; message?: string }> = {};
    for (const result of results) {
      for (const [name, detail] of Object.entries(result ?? {})) {
        const message = typeof detail.message === 'string' ? detail.message : undefined;
        dependencies[name] = { status: detail.status === 'up' ? 'up' : 'down', ...(message ? { message } : {}) };
      }
    }
    const status = Object.values(dependencies).every((d) => d.status === 'up') ? 'up' : 'down';
    return { status, dependencies };
  }
}
