import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { NatsBus } from './nats-bus';

/** NATS is up when the connection is open and the server answers a round trip in time. */
@Injectable()
export class NatsHealthIndicator {
  constructor(
    private readonly bus: NatsBus,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'nats'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      const rttMs = await this.bus.rtt(2000);
      return indicator.up({ rtt_ms: rttMs });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
