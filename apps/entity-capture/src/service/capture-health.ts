import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { ReadinessCheck } from '@ir/bootstrap';
import { CaptureSources } from './capture-sources';

/**
 * The capture lease (`lease`: `holding` or `standby`, `lease_epoch`, `lease_holder`: who holds it) and the
 * capture's position and lag per source (`<database id>.position`, `.lag_seconds`, `.state`). A standby is
 * up: it is ready to take over, and captures nothing meanwhile.
 * Up while the process captures: a source that cannot be reached is retried, and shows `retrying`
 * with its error, but does not make the service (and so the whole system) unready.
 */
@Injectable()
export class CaptureHealth implements ReadinessCheck {
  constructor(private readonly sources: CaptureSources) {}

  async check(): Promise<HealthIndicatorResult> {
    const details: Record<string, string | number> = {};
    const lease = this.sources.leaseStatus();
    details['lease'] = lease.role;
    if (lease.epoch !== undefined) details['lease_epoch'] = lease.epoch;
    if (lease.current_holder !== undefined) details['lease_holder'] = lease.current_holder;
    if (lease.error !== undefined) details['lease_error'] = lease.error;
    const statuses = this.sources.statuses();
    details['sources'] = statuses.size;
    for (const [databaseId, status] of statuses) {
      details[`${databaseId}.state`] = status.state;
      if (status.position !== undefined) details[`${databaseId}.position`] = status.position;
      if (status.lag_seconds !== undefined) details[`${databaseId}.lag_seconds`] = status.lag_seconds;
      if (status.error !== undefined) details[`${databaseId}.error`] = status.error;
    }
    return { capture: { status: 'up', ...details } };
  }
}
