import { Global, Module, type DynamicModule, type OnApplicationShutdown, type Provider, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MessagingModule, NatsBus, NatsHealthIndicator } from '@ir/messaging';
import { MongoHealthIndicator, PostgresHealthIndicator } from '@ir/platform';
import type { ServiceName } from '@ir/contracts';
import { Connection } from 'mongoose';
import { Pool } from 'pg';
import { HealthController } from './health.controller';
import { createPingController } from './ping.controller';
import { ReadinessService } from './readiness.service';
import { closeServiceStorage, type ServiceStorage } from './service-storage';

export interface BackendAppOptions {
  readonly service: Exclude<ServiceName, 'gateway'>;
  readonly bus: NatsBus;
  readonly busTimeoutMs: number;
  /** The service's own database, injectable as mongoose's `Connection` or pg's `Pool`. */
  readonly storage: ServiceStorage;
  /** The service's configuration, injectable under `SERVICE_CONFIG`. */
  readonly config: unknown;
  readonly features: ReadonlyArray<Type<unknown> | DynamicModule>;
}

/** Closes the service's database after everything that used it has stopped. */
class StorageLifecycle implements OnApplicationShutdown {
  constructor(private readonly storage: ServiceStorage) {}
  async onApplicationShutdown(): Promise<void> {
    await closeServiceStorage(this.storage);
  }
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** The storage's providers: the handle the repositories inject and the indicator readiness asks. */
function storageProviders(storage: ServiceStorage): { providers: Provider[]; exports: Provider[] } {
  switch (storage.kind) {
    case 'mongodb':
      return { providers: [{ provide: Connection, useValue: storage.connection }, MongoHealthIndicator], exports: [Connection] };
    case 'postgresql':
      return { providers: [{ provide: Pool, useValue: storage.pool }, PostgresHealthIndicator], exports: [Pool] };
    case 'none':
      return { providers: [], exports: [] };
  }
}

/** Root module of a backend service: bus, its own database (if any), health, ping, and its feature modules. */
@Global()
@Module({})
export class BackendAppModule {
  static register(options: BackendAppOptions): DynamicModule {
    const storage = storageProviders(options.storage);
    return {
      module: BackendAppModule,
      imports: [
        MessagingModule.forRoot({ bus: options.bus, requestTimeoutMs: options.busTimeoutMs, service: options.service }),
        TerminusModule.forRoot({ logger: false }),
        ...options.features,
      ],
      controllers: [HealthController, createPingController(options.service)],
      providers: [
        ...storage.providers,
        { provide: SERVICE_CONFIG, useValue: options.config },
        NatsHealthIndicator,
        ReadinessService,
        { provide: StorageLifecycle, useFactory: () => new StorageLifecycle(options.storage) },
      ],
      exports: [...storage.exports, SERVICE_CONFIG],
    };
  }
}
