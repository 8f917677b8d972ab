import { BackendAppModule } from '@ir/bootstrap';
import { provisionedStreams } from '@ir/contracts';
import { NatsBus, startBusServer } from '@ir/messaging';
import { connectMongo, loadConfig } from '@ir/platform';
import { natsCredentials, startPrivateNats, type PrivateNats } from '@ir/testing';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { AuditConfig } from '../audit.config';
import { AuditModule } from '../audit.module';

export interface AuditApp {
  readonly app: INestApplication;
  /** A connection of the spec's own (as the bus admin) to the private NATS the audit service consumes from and serves on. */
  readonly bus: NatsBus;
  readonly nats: PrivateNats;
  close(): Promise<void>;
}

/**
 * The audit service in the spec's process: its module on the test MongoDB (a database of its own) and
 * on a private NATS, logged in as its own NATS user, so the bus permissions it is given are the ones it runs with.
 */
export async function startAuditApp(env: Record<string, string> = {}): Promise<AuditApp> {
  const mongoUri = process.env.TEST_MONGODB_URI!;
  const nats = await startPrivateNats();
  const prefix = `ir_spec_${randomUUID().slice(0, 8)}`;
  const config = loadConfig(AuditConfig, { NATS_URL: nats.url, MONGODB_URI: mongoUri, MONGODB_DB_PREFIX: prefix, ...env });
  const serviceBus = await NatsBus.connect({ servers: nats.url, name: 'audit', credentials: natsCredentials(nats, 'audit') });
  const bus = await NatsBus.connect({ servers: nats.url, name: 'audit-spec', credentials: natsCredentials(nats) });
  const mongo = await connectMongo({ uri: mongoUri, dbName: `${prefix}_audit` });
  const app = await NestFactory.create(
    BackendAppModule.register({
      service: 'audit',
      bus: serviceBus,
      busTimeoutMs: 5000,
      storage: { kind: 'mongodb', connection: mongo, name: mongo.name },
      config,
      features: [AuditModule],
    }),
    { logger: false, abortOnError: false },
  );
  await startBusServer(app, serviceBus, {
    service: 'audit',
    streams: provisionedStreams('audit'),
    logger: { log: () => undefined, error: () => undefined, warn: () => undefined },
  });
  return {
    app,
    bus,
    nats,
    close: async () => {
      await mongo.dropDatabase();
      await app.close();
      await bus.drain();
      await nats.stop();
    },
  };
}
