import { Global, Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MessagingModule, NatsBus, NatsHealthIndicator } from '@ir/messaging';
import { MongoHealthIndicator } from '@ir/platform';
import type { ServiceName } from '@ir/contracts';
import { Connection } from 'mongoose';
import { HealthController } from './health.controller';
import { createPingController } from './ping.controller';
import { ReadinessService } from './readiness.service';

export interface BackendAppOptions {
  readonly service: Exclude<ServiceName, 'gateway'>;
  readonly bus: NatsBus;
  readonly busTimeoutMs: number;
  readonly mongo: Connection;
  /** The service's configuration, injectable under `SERVICE_CONFIG`. */
  readonly config: unknown;
  readonly features: ReadonlyArray<Type<unknown> | DynamicModule>;
}

/** Closes the service's database after everything that used it has stopped. */
class MongoLifecycle implements OnApplicationShutdown {
  constructor(private readonly connection: Connection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** Root module of a backend service: bus, its MongoDB database, health, ping, and its feature modules. */
@Global()
@Module({})
export class BackendAppModule {
  static register(options: BackendAppOptions): DynamicModule {
    return {
      module: BackendAppModule,
      imports: [
        MessagingModule.forRoot({ bus: options.bus, requestTimeoutMs: options.busTimeoutMs, service: options.service }),
        TerminusModule.forRoot({ logger: false }),
        ...options.features,
      ],
      controllers: [HealthController, createPingController(options.service)],
      providers: [
        { provide: Connection, useValue: options.mongo },
        { provide: SERVICE_CONFIG, useValue: options.config },
        NatsHealthIndicator,
        MongoHealthIndicator,
        ReadinessService,
        { provide: MongoLifecycle, useFactory: () => new MongoLifecycle(options.mongo) },
      ],
      exports: [Connection, SERVICE_CONFIG],
    };
  }
}
