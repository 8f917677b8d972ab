import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { TargetPool } from '@ir/target-pool';
import type { RegistryConfig } from '../registry.config';

class TargetPoolLifecycle implements OnApplicationShutdown {
  constructor(@Inject(TargetPool) private readonly pool: TargetPool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}

/** One shared, bounded pool of clients to the target databases. */
@Global()
@Module({
  providers: [
    {
      provide: TargetPool,
      inject: [SERVICE_CONFIG],
      useFactory: (config: RegistryConfig) =>
        new TargetPool({
          maxClients: config.TARGET_POOL_MAX_CLIENTS,
          idleMs: config.TARGET_POOL_IDLE,
          serverSelectionTimeoutMs: config.TARGET_CONNECT_TIMEOUT,
          connectTimeoutMs: config.TARGET_CONNECT_TIMEOUT,
          operationTimeoutMs: config.TARGET_OPERATION_TIMEOUT,
        }),
    },
    TargetPoolLifecycle,
  ],
  exports: [TargetPool],
})
export class TargetsModule {}
