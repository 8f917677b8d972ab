import { BackendAppModule } from '@ir/bootstrap';
import { Streams } from '@ir/contracts';
import { NatsBus, startBusServer } from '@ir/messaging';
import { connectMongo, loadConfig } from '@ir/platform';
import { natsCredentials, startPrivateNats, type PrivateNats } from '@ir/testing';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK_HOSTS, TargetPoolModule, UriCipherModule } from '@ir/target-pool';
import { RegistryConfig } from '../registry.config';
import { RegistryModule } from '../registry.module';

export interface RegistryApp {
  readonly app: INestApplication;
  /** A connection of the spec's own to the private NATS the registry serves on. */
  readonly bus: NatsBus;
  close(): Promise<void>;
}

/**
 * The registry service in the spec's process: its module on the test MongoDB (a database of its
 * own) and on a private NATS, so that no other registry or sync-executor answers its subjects.
 */
export async function startRegistryApp(): Promise<RegistryApp> {
  const mongoUri = process.env.TEST_MONGODB_URI!;
  const nats: PrivateNats = await startPrivateNats();
  const dataDir = mkdtempSync(join(tmpdir(), 'registry-spec-'));
  const prefix = `ir_spec_${randomUUID().slice(0, 8).replace(/-/g, '')}`;
  const config = loadConfig(RegistryConfig, {
    NATS_URL: nats.url,
    MONGODB_URI: mongoUri,
    MONGODB_DB_PREFIX: prefix,
    DATA_DIR: dataDir,
    TARGET_ALLOWED_HOSTS: LOOPBACK_HOSTS,
  });
  const bus = await NatsBus.connect({ servers: nats.url, name: 'registry-spec', credentials: natsCredentials(nats) });
  const mongo = await connectMongo({ uri: mongoUri, dbName: `${prefix}_registry` });
  const app = await NestFactory.create(
    BackendAppModule.register({
      service: 'registry',
      bus,
      busTimeoutMs: 5000,
      storage: { kind: 'mongodb', connection: mongo, name: mongo.name },
      config,
      features: [TargetPoolModule.register(config), UriCipherModule.register(config), RegistryModule],
    }),
    { logger: false, abortOnError: false },
  );
  await startBusServer(app, bus, {
    service: 'registry',
    // The audit entries of the changes are stored, so their publish does not wait for a stream that never comes.
    streams: [Streams.auditEvents],
    logger: { log: () => undefined, error: () => undefined, warn: () => undefined },
  });
  return {
    app,
    bus,
    close: async () => {
      await mongo.dropDatabase();
      await app.close();
      await nats.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
