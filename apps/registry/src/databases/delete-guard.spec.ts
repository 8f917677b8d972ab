import { DomainError, ErrorCode, SyncRpc } from '@ir/contracts';
import { BackendAppModule } from '@ir/bootstrap';
import { NatsBus, startBusServer } from '@ir/messaging';
import { connectMongo, loadConfig } from '@ir/platform';
import { startPrivateNats, type PrivateNats } from '@ir/testing';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { LOOPBACK_HOSTS, TargetPoolModule, UriCipherModule } from '@ir/target-pool';
import { RegistryConfig } from '../registry.config';
import { RegistryModule } from '../registry.module';
import { DatabasesService } from './databases.service';

/**
 * Deleting a database asks the sync-executor first. Here the executor is
 * played by plain NATS responders on its subject, so each answer (none, late,
 * "a sync is running") can be produced on purpose.
 */
describe('database delete guard', () => {
  const mongoUri = process.env.TEST_MONGODB_URI!;
  // A NATS of its own: on the shared one, the e2e system's real sync-executor would answer.
  let nats: PrivateNats;
  let app: INestApplication;
  let bus: NatsBus;
  let mongo: Connection;
  let databases: DatabasesService;
  let dataDir: string;

  beforeAll(async () => {
    nats = await startPrivateNats();
    const natsUrl = nats.url;
    dataDir = mkdtempSync(join(tmpdir(), 'registry-spec-'));
    const prefix = `ir_spec_${randomUUID().slice(0, 8).replace(/-/g, '')}`;
    const config = loadConfig(RegistryConfig, {
      NATS_URL: natsUrl,
      MONGODB_URI: mongoUri,
      MONGODB_DB_PREFIX: prefix,
      DATA_DIR: dataDir,
      TARGET_ALLOWED_HOSTS: LOOPBACK_HOSTS,
    });
    bus = await NatsBus.connect({ servers: natsUrl, name: 'registry-spec' });
    mongo = await connectMongo({ uri: mongoUri, dbName: `${prefix}_registry` });
    app = await NestFactory.create(
      BackendAppModule.register({
        service: 'registry',
        bus,
        busTimeoutMs: 5000,
        mongo,
        config,
        features: [TargetPoolModule.register(config), UriCipherModule.register(config), RegistryModule],
      }),
      { logger: false, abortOnError: false },
    );
    await startBusServer(app, bus, {
      service: 'registry',
      streams: [],
      logger: { log: () => undefined, error: () => undefined, warn: () => undefined },
    });
    await app.init();
    databases = app.get(DatabasesService);
  });

  afterAll(async () => {
    await mongo.dropDatabase();
    await app.close();
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const createTarget = () =>
    databases.create({ name: `target-${randomUUID()}`, description: '', uri: mongoUri, db_name: 'guard_target', import_indexes: false });

  async function expectDomainError(promise: Promise<unknown>, code: ErrorCode): Promise<DomainError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    return error as DomainError;
  }

  it('refuses with 503 and deletes nothing when no sync-executor listens', async () => {
    const target = await createTarget();
    const error = await expectDomainError(databases.delete(target.id), ErrorCode.unavailable);
    expect(error.message).toContain('nothing was deleted');
    await expect(databases.get(target.id)).resolves.toMatchObject({ id: target.id });
  });

  it('refuses with 503 when the sync-executor does not answer in time', async () => {
    const target = await createTarget();
    const silent = bus.nc.subscribe(SyncRpc.activeForDatabase.subject, { queue: 'sync-executor', callback: () => undefined });
    try {
      const started = Date.now();
      await expectDomainError(databases.delete(target.id), ErrorCode.unavailable);
      expect(Date.now() - started).toBeLessThan(6000);
      await expect(databases.get(target.id)).resolves.toMatchObject({ id: target.id });
    } finally {
      silent.unsubscribe();
    }
  });

  it('refuses with 409 naming the sync while one is running, and deletes once it has ended', async () => {
    const target = await createTarget();
    let answer = { active: true, sync_id: 'sync-42', status: 'running' };
    const responder = bus.nc.subscribe(SyncRpc.activeForDatabase.subject, {
      queue: 'sync-executor',
      callback: (_error, msg) => {
        msg.respond(JSON.stringify({ ok: true, data: answer }));
      },
    });
    try {
      const conflict = await expectDomainError(databases.delete(target.id), ErrorCode.conflict);
      expect(conflict.details).toEqual({ sync_id: 'sync-42' });
      await expect(databases.get(target.id)).resolves.toMatchObject({ id: target.id });

      answer = { active: false } as typeof answer;
      await expect(databases.delete(target.id)).resolves.toEqual({ deleted: true, index_definitions_deleted: 0 });
      await expectDomainError(databases.get(target.id), ErrorCode.notFound);
    } finally {
      responder.unsubscribe();
    }
  });
});
