import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { env } from '@ir/platform';
import { z } from 'zod';
import { TargetPool } from './target-pool';

/** The variables of every service that talks to target databases. */
export const TargetConfig = z.object({
  /** Time limit of connecting to a target (and of the connection test when a database is registered). */
  TARGET_CONNECT_TIMEOUT: env.duration('5s'),
  /** Time limit of one command on a target database. */
  TARGET_OPERATION_TIMEOUT: env.duration('30s'),
  TARGET_POOL_MAX_CLIENTS: env.positiveInt(50),
  /** Connections of each target's client: what one process may run on one target at once. */
  TARGET_POOL_CONNECTIONS: env.positiveInt(10),
  TARGET_POOL_IDLE: env.duration('5m'),
});
export type TargetConfig = z.output<typeof TargetConfig>;

class TargetPoolLifecycle implements OnApplicationShutdown {
  constructor(@Inject(TargetPool) private readonly pool: TargetPool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}

/** One shared, bounded pool of clients to the target databases, closed with the app. */
@Global()
@Module({})
export class TargetPoolModule {
  static register(config: TargetConfig): DynamicModule {
    return {
      module: TargetPoolModule,
      providers: [
        {
          provide: TargetPool,
          useFactory: () =>
            new TargetPool({
              maxClients: config.TARGET_POOL_MAX_CLIENTS,
              idleMs: config.TARGET_POOL_IDLE,
              maxPoolSize: config.TARGET_POOL_CONNECTIONS,
              serverSelectionTimeoutMs: config.TARGET_CONNECT_TIMEOUT,
              connectTimeoutMs: config.TARGET_CONNECT_TIMEOUT,
              operationTimeoutMs: config.TARGET_OPERATION_TIMEOUT,
            }),
        },
        TargetPoolLifecycle,
      ],
      exports: [TargetPool],
    };
  }
}
