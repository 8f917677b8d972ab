import { Streams } from '@ir/contracts';
import type { ReadinessCheck } from '@ir/bootstrap';
import { NatsBus } from '@ir/messaging';
import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { RUN_CONSUMER } from './sync-settings';

/** Ready when the shared durable consumer of run commands exists (the bus server provisions it at start). */
@Injectable()
export class RunConsumerHealth implements ReadinessCheck {
  constructor(private readonly bus: NatsBus) {}

  async check(key = 'sync_consumer'): Promise<HealthIndicatorResult> {
    try {
      const info = await withTimeout(this.bus.jsm.consumers.info(Streams.syncCommands.name, RUN_CONSUMER), 2000);
      return { [key]: { status: 'up', num_pending: info.num_pending, num_ack_pending: info.num_ack_pending } };
    } catch (error) {
      return {
        [key]: {
          status: 'down',
          message: `consumer ${RUN_CONSUMER} on ${Streams.syncCommands.name}: ${error instanceof Error ? error.message : String(error)}`,
        },
      };
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
