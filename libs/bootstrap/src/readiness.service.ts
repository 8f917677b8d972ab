import { Injectable, Optional } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { NatsHealthIndicator } from '@ir/messaging';
import { MongoHealthIndicator } from '@ir/platform';

/** The service is ready when NATS and (for services that own one) its MongoDB database answer. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly nats: NatsHealthIndicator,
    @Optional() private readonly mongo?: MongoHealthIndicator,
  ) {}

  /** Terminus result; throws a 503 `ServiceUnavailableException` when a dependency is down. */
  check(): Promise<HealthCheckResult> {
    const checks = [() => this.nats.check()];
    if (this.mongo) checks.push(() => this.mongo!.check());
    return this.health.check(checks);
  }

  /** The same checks, never throwing: for the bus ping, which reports rather than fails. */
  async report(): Promise<{ status: 'up' | 'down'; dependencies: Record<string, { status: 'up' | 'down'; message?: string }> }> {
    const results = await Promise.all([this.nats.check(), this.mongo?.check()]);
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
