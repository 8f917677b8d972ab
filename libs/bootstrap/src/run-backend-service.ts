import { NestFactory } from '@nestjs/core';
import { dependencyUnavailable, provisionedStreams, type ServiceName } from '@ir/contracts';
import { startBusServer } from '@ir/messaging';
import { CommonConfig, connectMongo, isStorageUnreachable, retryWithBackoff, StorageConfig } from '@ir/platform';
import type { DynamicModule, Type } from '@nestjs/common';
import type { z } from 'zod';
import { BackendAppModule } from './backend-app.module';
import { exitOnStartupFailure, setUpProcess } from './process-setup';

export const BackendConfig = CommonConfig.extend(StorageConfig.shape);

export interface BackendServiceSpec<S extends z.ZodObject> {
  readonly service: Exclude<ServiceName, 'gateway'>;
  /** The service's configuration schema; it must include `BackendConfig`'s variables. */
  readonly configSchema: S;
  readonly features: (config: z.output<S>) => ReadonlyArray<Type<unknown> | DynamicModule>;
}

/** Starts a backend service: config, NATS, its own MongoDB database, Nest app, bus server, health port. */
export async function runBackendService<S extends z.ZodObject>(spec: BackendServiceSpec<S>): Promise<void> {
  const { config, logger, bus } = await setUpProcess(spec.service, spec.configSchema).catch(exitOnStartupFailure(undefined, spec.service));
  const base = config as z.output<typeof BackendConfig>;
  try {
    const dbName = `${base.MONGODB_DB_PREFIX}_${spec.service.replace('-', '_')}`;
    const mongo = await retryWithBackoff(() => connectMongo({ uri: base.MONGODB_URI, dbName }), {
      attempts: 6,
      initialDelayMs: 500,
      maxDelayMs: 8000,
      onRetry: (error, attempt, delay) =>
        logger.warn(`MongoDB not reachable (attempt ${attempt}): ${String(error)}; retrying in ${delay} ms`, 'Bootstrap'),
    });
    const app = await NestFactory.create(
      BackendAppModule.register({
        service: spec.service,
        bus,
        busTimeoutMs: base.BUS_REQUEST_TIMEOUT,
        mongo,
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
        (await isStorageUnreachable(error, mongo)) ? dependencyUnavailable(spec.service, 'mongodb') : undefined,
      logger,
    });
    await app.listen(base.HEALTH_PORT, base.HOST);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : base.HEALTH_PORT;
    logger.log(`${spec.service} ready (database ${dbName}, health on port ${port})`, 'Bootstrap');
  } catch (error) {
    exitOnStartupFailure(logger, spec.service)(error);
  }
}
