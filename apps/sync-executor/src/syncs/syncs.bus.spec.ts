import {
  ComparatorRpc,
  DomainError,
  ErrorCode,
  RegistryDatabaseRpc,
  Streams,
  SyncRpc,
  type PlanResult,
  type Principal,
} from '@ir/contracts';
import { BackendAppModule, ReadinessService } from '@ir/bootstrap';
import { BusClient, NatsBus, startBusServer } from '@ir/messaging';
import { connectMongo, loadConfig, metricsRegistry } from '@ir/platform';
import { actingAs, natsCredentials, startPrivateNats, type PrivateNats } from '@ir/testing';
import { TargetPoolModule, UriCipher, UriCipherModule } from '@ir/target-pool';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MongoClient } from 'mongodb';
import { Types, type Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK_HOSTS } from '@ir/target-pool';
import { SyncExecutorConfig } from '../sync-executor.config';
import { syncSettingsFrom } from './sync-settings';
import { SyncsModule } from './syncs.module';

/**
 * The sync feature wired as the service wires it, on a private NATS (on the shared one the e2e
 * system's real services would answer): a start over the bus queues the run command, the durable
 * consumer runs it, and readiness reports the consumer. The comparator and the registry are plain
 * NATS responders here.
 */
const PROJECT = 'f'.repeat(24);
/** The caller of every request here: an operator of the project the databases are in. */
const OPERATOR: Principal = { kind: 'user', id: 'u-op', name: 'olga', system_admin: false, projects: { [PROJECT]: 'operator' } };

describe('syncs over the bus', () => {
  const mongoUri = process.env.TEST_MONGODB_URI!;
  const stamp = `${process.pid}_${Date.now()}`;
  const targetDb = `sync_bus_target_${stamp}`;
  let nats: PrivateNats;
  let bus: NatsBus;
  let mongo: Connection;
  let app: INestApplication;
  let client: BusClient;
  let dataDir: string;

  beforeAll(async () => {
    nats = await startPrivateNats();
    dataDir = mkdtempSync(join(tmpdir(), 'sync-bus-spec-'));
    const config = loadConfig(SyncExecutorConfig, {
      NATS_URL: nats.url,
      MONGODB_URI: mongoUri,
      MONGODB_DB_PREFIX: `ir_sync_${stamp}`,
      DATA_DIR: dataDir,
      TARGET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      TARGET_ALLOWED_HOSTS: LOOPBACK_HOSTS,
    });
    bus = await NatsBus.connect({ servers: nats.url, name: 'sync-executor-spec', credentials: natsCredentials(nats) });
    mongo = await connectMongo({ uri: mongoUri, dbName: `ir_sync_${stamp}_sync_executor` });
    app = await NestFactory.create(
      BackendAppModule.register({
        service: 'sync-executor',
        bus,
        busTimeoutMs: 5000,
        storage: { kind: 'mongodb', connection: mongo, name: mongo.name },
        config,
        features: [TargetPoolModule.register(config), UriCipherModule.register(config), SyncsModule.register(syncSettingsFrom(config))],
      }),
      { logger: false, abortOnError: false },
    );
    await startBusServer(app, bus, {
      service: 'sync-executor',
      // AUDIT_EVENTS too: without it each entry's publish waits for a stream that never comes.
      streams: [Streams.syncCommands, Streams.syncEvents, Streams.auditEvents],
      logger: { log: () => undefined, error: () => undefined, warn: () => undefined },
    });
    client = actingAs(OPERATOR, new BusClient(bus, 5000));

    const cipher = app.get(UriCipher);
    const reply = (data: unknown) => new TextEncoder().encode(JSON.stringify({ ok: true, data }));
    bus.nc.subscribe(RegistryDatabaseRpc.connection.subject, {
      callback: (_e, msg) => {
        const { database_id } = msg.json<{ database_id: string }>();
        msg.respond(
          reply({
            database_id,
            project_id: PROJECT,
            name: 'target',
            db_name: targetDb,
            protected: false,
            uri_sealed: cipher.seal(mongoUri),
            definitions_version: 1,
            server: null,
          }),
        );
      },
    });
    bus.nc.subscribe(ComparatorRpc.plan.subject, {
      callback: (_e, msg) => {
        const { database_id } = msg.json<{ database_id: string }>();
        const plan: PlanResult = {
          database_id,
          db_name: targetDb,
          planned_at: new Date().toISOString(),
          operations: [
            {
              kind: 'create',
              collection: 'items',
              index: 'sku_1',
              reason: 'in the DR',
              spec: { key: { sku: 1 }, name: 'sku_1', unique: true },
            },
            { kind: 'create', collection: 'items', index: 'price_-1', reason: 'in the DR', spec: { key: { price: -1 }, name: 'price_-1' } },
          ],
          warnings: [],
          skipped_collections: [],
        };
        msg.respond(reply(plan));
      },
    });
    await bus.nc.flush();
  });

  afterAll(async () => {
    // Before app.close(), which closes the connection (mongoose would buffer the drop forever).
    await mongo.dropDatabase();
    await app.close();
    const target = await MongoClient.connect(mongoUri);
    await target.db(targetDb).dropDatabase();
    await target.close();
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a sync, answers 409 while it is in progress, runs it through the durable consumer to the end', async () => {
    const databaseId = new Types.ObjectId().toHexString();
    const accepted = await client.request(SyncRpc.start, { database_id: databaseId });
    expect(accepted).toEqual({ sync_id: expect.any(String), status: 'pending', database_id: databaseId });
    const second = await client.request(SyncRpc.start, { database_id: databaseId }).catch((e: unknown) => e);
    // Either still in progress (409 naming it) or already done (a new sync).
    if (second instanceof DomainError) {
      expect(second.code).toBe(ErrorCode.conflict);
      expect(second.details).toMatchObject({ sync_id: accepted.sync_id });
    }
    const deadline = Date.now() + 10_000;
    let view = await client.request(SyncRpc.status, { sync_id: accepted.sync_id });
    while (view.status !== 'completed' && view.status !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = await client.request(SyncRpc.status, { sync_id: accepted.sync_id });
    }
    expect(view).toMatchObject({ status: 'completed', progress: 100, error: null });
    expect(view.steps.map((s) => s.status)).toEqual(['done', 'done']);
    const history = await client.request(SyncRpc.history, { database_id: databaseId });
    expect(history.items[0].id).toBe(second instanceof DomainError ? accepted.sync_id : history.items[0].id);
  });

  it('reports its consumer in readiness and the queue in metrics', async () => {
    // The run above is acked once it has ended, after its status reads completed (the lock's release, its
    // metrics and its event come between): wait for the ack, not for the status.
    const readiness = app.get(ReadinessService);
    const deadline = Date.now() + 10_000;
    let report = await readiness.report();
    while (report.dependencies['sync_consumer']?.['num_ack_pending'] !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      report = await readiness.report();
    }
    expect(report.dependencies['sync_consumer']).toEqual({ status: 'up', num_pending: 0, num_ack_pending: 0 });
    const metrics = await metricsRegistry.metrics();
    expect(metrics).toMatch(/index_registry_sync_queue_pending \d+/);
    expect(metrics).toContain('index_registry_sync_operations_total{kind="create",result="applied"}');
    // The sync above ended completed, and its two creates ran as one command.
    expect(metrics).toMatch(/index_registry_sync_outcomes_total\{outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/index_registry_sync_step_duration_seconds_count\{kind="create"\} [1-9]/);
  });
});
