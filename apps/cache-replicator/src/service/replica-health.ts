import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { ReadinessCheck } from '@ir/bootstrap';
import { ReplicaSync } from './replica-sync';

/** The replica's name, offset and the oplog's newest id: lag is no reason to be unready, so it reports up. */
@Injectable()
export class ReplicaHealth implements ReadinessCheck {
  constructor(
    private readonly sync: ReplicaSync,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    return this.indicators.check('replica').up(this.sync.progress());
  }
}
