import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DomainError, ErrorCode, pingContract, type BackendServiceName, type DependencyStatus } from '@ir/contracts';
import { BusClient } from '@ir/messaging';

/**
 * Longer than a backend's own checks take at most (2 s each, run together): a backend whose MongoDB
 * hangs then answers that its MongoDB is down, instead of looking absent.
 */
const PING_TIMEOUT_MS = 3000;

/**
 * A backend service as the gateway's readiness shows it, in one shape whether it is up, down or
 * missing: `status`, the `instance` that answered (null when none did), its own `dependencies` as
 * its /health/ready shows them, and a `message` when it is down.
 */
export type BackendHealth = {
  status: 'up' | 'down';
  instance: string | null;
  dependencies: Record<string, DependencyStatus>;
  message?: string;
};

/** Asks one instance of a backend service, over the bus, how it and its dependencies are. */
@Injectable()
export class BackendHealthIndicator {
  constructor(
    private readonly bus: BusClient,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(service: BackendServiceName): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(service);
    const { status, ...details } = await this.ask(service);
    return status === 'up' ? indicator.up(details) : indicator.down(details);
  }

  private async ask(service: BackendServiceName): Promise<BackendHealth> {
    try {
      const answer = await this.bus.request(pingContract(service), {}, { timeoutMs: PING_TIMEOUT_MS });
      const health: BackendHealth = { status: answer.status, instance: answer.instance, dependencies: answer.dependencies };
      if (answer.status === 'down') health.message = downMessage(answer.dependencies);
      return health;
    } catch (error) {
      return { status: 'down', instance: null, dependencies: {}, message: noAnswer(error) };
    }
  }
}

function downMessage(dependencies: Record<string, DependencyStatus>): string {
  const down = Object.entries(dependencies)
    .filter(([, dependency]) => dependency.status === 'down')
    .map(([name]) => name);
  return `its dependencies are down: ${down.join(', ')}`;
}

function noAnswer(error: unknown): string {
  if (error instanceof DomainError && error.details?.['dependency'] === 'nats') return 'cannot be asked: NATS is unavailable';
  if (error instanceof DomainError && error.code === ErrorCode.unavailable) return 'no instance answered';
  if (error instanceof DomainError && error.code === ErrorCode.timeout) return `no instance answered within ${PING_TIMEOUT_MS} ms`;
  return 'no answer: the bus could not be asked';
}
