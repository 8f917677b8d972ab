import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Connection } from 'mongoose';

/** MongoDB is up when the service's database answers `ping` in time. */
@Injectable()
export class MongoHealthIndicator {
  constructor(
    private readonly connection: Connection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'mongodb'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      const db = this.connection.db;
      if (!db) throw new Error('not connected');
      await db.command({ ping: 1 }, { timeoutMS: 2000 });
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
