import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import type { DependencyStatus } from '@ir/contracts';
import { NatsHealthIndicator } from '@ir/messaging';
import { MongoHealthIndicator, PostgresHealthIndicator } from '@ir/platform';

/** A dependency of a service's own, checked besides NATS and MongoDB (a durable consumer, ...). */
export interface ReadinessCheck {
  check(): Promise<HealthIndicatorResult>;
}

/**
 * Extra readiness checks: a feature module that provides this token (as an array) from a
 * `@Global()` module adds them to the service's /health/ready and bus ping.
 */
export const READINESS_CHECKS = Symbol.for('index-registry.readiness-checks');

/**
 * The service is ready when NATS, its own database (MongoDB or PostgreSQL, for services that own
 * one) and its extra checks answer; each is named (`nats`, `mongodb`, `postgresql`, ...).
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly nats: NatsHealthIndicator,
    @Optional() private readonly mongo?: MongoHealthIndicator,
    @Optional() private readonly postgres?: PostgresHealthIndicator,
    @Optional() @Inject(READINESS_CHECKS) private readonly extra: readonly ReadinessCheck[] = [],
  ) {}

  /** Terminus result; throws a 503 `ServiceUnavailableException` when a dependency is down. */
  check(): Promise<HealthCheckResult> {
    const checks = [() => this.nats.check()];
    if (this.mongo) checks.push(() => this.mongo!.check());
    if (this.postgres) checks.push(() => this.postgres!.check());
    for (const extra of this.extra ?? []) checks.push(() => extra.check());
    return this.health.check(checks);
  }

  /**
   * The same checks, never throwing: for the bus ping, which reports rather than fails. Each
   * dependency as /health/ready shows it, so the gateway's view of this service is the service's own.
   */
  async report(): Promise<{ status: 'up' | 'down'; dependencies: Record<string, DependencyStatus> }> {
    const results = await Promise.all([
      this.nats.check(),
      this.mongo?.check(),
      this.postgres?.check(),
      ...(this.extra ?? []).map((extra) => extra.check()),
    ]);
    const dependencies: Record<string, DependencyStatus> = {};
    for (const result of results) {
      for (const [name, detail] of Object.entries(result ?? {})) dependencies[name] = dependencyStatus(detail);
    }
    const status = Object.values(dependencies).every((d) => d.status === 'up') ? 'up' : 'down';
    return { status, dependencies };
  }
}

/** An indicator's entry with only what the ping contract carries: its status and its plain values. */
function dependencyStatus(detail: Record<string, unknown>): DependencyStatus {
  const entry: DependencyStatus = { status: detail.status === 'up' ? 'up' : 'down' };
  for (const [key, value] of Object.entries(detail)) {
    if (key !== 'status' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) entry[key] = value;
  }
  return entry;
}
