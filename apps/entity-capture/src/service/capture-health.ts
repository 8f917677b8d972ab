import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { ReadinessCheck } from '@ir/bootstrap';
import { CaptureSources } from './capture-sources';

/**
 * The capture's position and lag per source (`<database id>.position`, `.lag_seconds`, `.state`).
 * Up while the process captures: a source that cannot be reached is retried, and shows `retrying`
 * with its error, but does not make the service (and so the whole system) unready.
 */
@Injectable()
export class CaptureHealth implements ReadinessCheck {
  constructor(private readonly sources: CaptureSources) {}

  async check(): Promise<HealthIndicatorResult> {
    const details: Record<string, string | number> = {};
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
