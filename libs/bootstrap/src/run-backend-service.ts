import { NestFactory } from '@nestjs/core';
import { dependencyUnavailable, provisionedStreams, type ServiceName } from '@ir/contracts';
import { startBusServer } from '@ir/messaging';
import { CommonConfig, HealthPortConfig, PostgresConfig, StorageConfig } from '@ir/platform';
import type { DynamicModule, Type } from '@nestjs/common';
import type { z } from 'zod';
import { BackendAppModule } from './backend-app.module';
import { exitOnStartupFailure, setUpProcess } from './process-setup';
import { openServiceStorage, storageUnreachable, type StorageKind } from './service-storage';

/** A service that owns a MongoDB database. */
export const BackendConfig = CommonConfig.extend(StorageConfig.shape);
/** A service that owns a PostgreSQL schema. */
export const PostgresBackendConfig = CommonConfig.extend(PostgresConfig.shape);
/** A service that owns no database. */
export const StatelessBackendConfig = CommonConfig.extend(HealthPortConfig.shape);

export interface BackendServiceSpec<S extends z.ZodObject> {
  readonly service: Exclude<ServiceName, 'gateway'>;
  /** The service's configuration schema; it must include the variables of its storage's config above. */
  readonly configSchema: S;
  /** The database the service owns; MongoDB when absent. */
  readonly storage?: StorageKind;
  readonly features: (config: z.output<S>) => ReadonlyArray<Type<unknown> | DynamicModule>;
}

/**
 * Starts a backend service: config, NATS, its own database, Nest app, then its streams, its start-up hooks and
 * its bus handlers (in that order, `startBusServer`), and last the health port, so nothing reaches it half started.
 */
export async function runBackendService<S extends z.ZodObject>(spec: BackendServiceSpec<S>): Promise<void> {
  const { config, logger, bus } = await setUpProcess(spec.service, spec.configSchema).catch(exitOnStartupFailure(undefined, spec.service));
  const base = config as z.output<typeof StatelessBackendConfig> & {
    MONGODB_URI?: string;
    MONGODB_DB_PREFIX?: string;
    POSTGRES_URL?: string;
  };
  const kind = spec.storage ?? 'mongodb';
  try {
    const storage = await openServiceStorage(kind, spec.service, base, logger);
    const app = await NestFactory.create(
      BackendAppModule.register({
        service: spec.service,
        bus,
        busTimeoutMs: base.BUS_REQUEST_TIMEOUT,
        storage,
        config,
        features: spec.features(config),
      }),
      { logger, abortOnError: false },
    );
    app.enableShutdownHooks();
    await startBusServer(app, bus, {
      service: spec.service,
      // The streams it publishes on or reads, as the bus permissions grant them (libs/contracts/src/bus-access.ts).
      streams: provisionedStreams(spec.service),
      placement: { replicas: base.NATS_STREAM_REPLICAS },
      unavailableDependency: async (error) =>
        storage.kind !== 'none' && (await storageUnreachable(storage, error))
          ? dependencyUnavailable(spec.service, storage.kind)
          : undefined,
      logger,
    });
    // The app is initialised by now: listen only opens the port.
    await app.listen(base.HEALTH_PORT, base.HOST);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : base.HEALTH_PORT;
    logger.log(
      `${spec.service} ready (${kind === 'none' ? 'no database' : `${kind} ${storage.name}`}, health on port ${port})`,
      'Bootstrap',
    );
  } catch (error) {
    exitOnStartupFailure(logger, spec.service)(error);
  }
}
