import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { MongoNetworkError, MongoOperationTimeoutError, MongoServerSelectionError } from 'mongodb';
import { Connection } from 'mongoose';

const PING_TIMEOUT_MS = 2000;

/** MongoDB is up when the service's database answers `ping` in time; the entry names that database. */
@Injectable()
export class MongoHealthIndicator {
  constructor(
    private readonly connection: Connection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'mongodb'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    const database = this.connection.name;
    const db = this.connection.db;
    if (!db) return indicator.down({ database, message: 'not connected' });
    try {
      await db.command({ ping: 1 }, { timeoutMS: PING_TIMEOUT_MS });
      return indicator.up({ database });
    } catch (error) {
      return indicator.down({ database, message: pingFailure(error) });
    }
  }
}

/** A fixed reason: the driver's own text (hosts, internals) stays out of health answers. */
function pingFailure(error: unknown): string {
  if (error instanceof MongoOperationTimeoutError || error instanceof MongoServerSelectionError) {
    return `no answer to ping within ${PING_TIMEOUT_MS} ms`;
  }
  return error instanceof MongoNetworkError ? 'connection lost' : 'ping failed';
}
