import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { ReadinessCheck } from '@ir/bootstrap';
import { ReplicaSync } from './replica-sync';

/** The replica's name, offset and the oplog's newest id: lag is no reason to be unready, so it reports up. */
@Injectable()
export class ReplicaHealth implements ReadinessCheck {
  constructor(private readonly sync: ReplicaSync) {}

  async check(): Promise<HealthIndicatorResult> {
    return { replica: { status: 'up', ...this.sync.progress() } };
  }
}
