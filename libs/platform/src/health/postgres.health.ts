import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Pool } from 'pg';

const PING_TIMEOUT_MS = 2000;

/** PostgreSQL is up when the service's pool answers `SELECT 1` in time. */
@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly pool: Pool,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'postgresql'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.pool.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
        }),
      ]);
      return indicator.up();
    } catch (error) {
      // A fixed reason: the driver's text may name hosts or users.
      return indicator.down({
        message: error instanceof Error && error.message === 'timeout' ? `no answer within ${PING_TIMEOUT_MS} ms` : 'query failed',
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
