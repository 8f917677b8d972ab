import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { env } from '@ir/platform';
import { z } from 'zod';
import { HostAllowlist } from './policy/host-allowlist';
import { parseFeatures, TargetPolicy } from './policy/target-policy';
import { TargetPool } from './target-pool';
import { recordTargetPoolEvent } from './target-pool-telemetry';

/** A zod field parsed by `parse`, whose error message becomes the variable's configuration error. */
function parsed<T>(parse: (text: string) => T) {
  return z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parse(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    });
}

/** The variables of every service that talks to target databases. */
export const TargetConfig = z.object({
  /**
   * Where target databases may be: host names, `*.domain` wildcards, IP addresses and CIDR blocks.
   * Empty (the default) refuses every target: production starts closed. `make start` allows loopback.
   */
  TARGET_ALLOWED_HOSTS: parsed(HostAllowlist.parse),
  /** Connection string capabilities beyond the target's host: unix_sockets, local_files, external_auth. */
  TARGET_ALLOWED_URI_FEATURES: parsed(parseFeatures),
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

class TargetPoolLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TargetPolicy');

  constructor(
    @Inject(TargetPool) private readonly pool: TargetPool,
    @Inject(TargetPolicy) private readonly policy: TargetPolicy,
  ) {}

  onApplicationBootstrap(): void {
    if (this.policy.hosts.isEmpty) {
      this.logger.warn(
        'TARGET_ALLOWED_HOSTS is empty: every target database is refused until it lists the hosts or CIDR blocks they may be on',
      );
    } else {
      this.logger.log(`target databases may be on: ${this.policy.hosts.source}`);
    }
  }

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
        { provide: TargetPolicy, useValue: new TargetPolicy(config.TARGET_ALLOWED_HOSTS, config.TARGET_ALLOWED_URI_FEATURES) },
        {
          provide: TargetPool,
          inject: [TargetPolicy],
          useFactory: (policy: TargetPolicy) =>
            new TargetPool({
              policy,
              maxClients: config.TARGET_POOL_MAX_CLIENTS,
              idleMs: config.TARGET_POOL_IDLE,
              maxPoolSize: config.TARGET_POOL_CONNECTIONS,
              serverSelectionTimeoutMs: config.TARGET_CONNECT_TIMEOUT,
              connectTimeoutMs: config.TARGET_CONNECT_TIMEOUT,
              operationTimeoutMs: config.TARGET_OPERATION_TIMEOUT,
              onEvent: recordTargetPoolEvent,
            }),
        },
        TargetPoolLifecycle,
      ],
      exports: [TargetPool, TargetPolicy],
    };
  }
}
