// A capture in a process of its own, for the crash and restart tests (test/entity-cache-crash.e2e-spec.ts):
// it can be killed with SIGKILL mid-scan or mid-stream. It reads the entities from PostgreSQL before each
// poll, as the service does, and prints one JSON line per event (scan batch, poll, retry) for the test to wait on.
// With CAPTURE_HOLDER set it captures only while it holds the capture lease (CaptureLease, as the service does,
// on the lease's repository instead of the bus), every write carrying the lease's epoch. Soft refreshes asked
// for on the entity are served as the service does (RequestedRefreshes).
import { MongoClient } from 'mongodb';
import { JobScheduler } from '@ir/platform';
import { CaptureLoop } from '../../apps/entity-capture/src/capture/capture-loop';
import { RequestedRefreshes } from '../../apps/entity-capture/src/jobs/requested-refreshes';
import { CaptureLease } from '../../apps/entity-capture/src/lease/capture-lease';
import type { CapturedEntity } from '../../apps/entity-capture/src/capture/captured-entity';
import { SourceCapture } from '../../apps/entity-capture/src/capture/source-capture';
import { FerretOplogReader } from '../../apps/entity-capture/src/source/ferret-oplog-reader';
import type { SourcePosition } from '../../apps/entity-capture/src/source/source-change';
import { EntityRepository } from '../../apps/entity-oplog/src/entities/entity.repository';
import { CaptureLeaseRepository } from '../../apps/entity-oplog/src/lease/capture-lease.repository';
import { MetadataRepository, resumeTokenKey } from '../../apps/entity-oplog/src/metadata/metadata.repository';
import { OplogRepository } from '../../apps/entity-oplog/src/oplog/oplog.repository';
import { openPostgres } from '../../apps/entity-oplog/src/storage/postgres';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const say = (event: string, fields: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

async function main(): Promise<void> {
  const sourceDb = env('CAPTURE_SOURCE_DB');
  const databaseId = env('CAPTURE_DATABASE_ID');
  const mongo = await MongoClient.connect(env('CAPTURE_SOURCE_URI'));
  // Short bounds: PostgreSQL stopped must fail a call quickly, and the loop retries.
  const pool = openPostgres(env('CAPTURE_POSTGRES_URL'), env('CAPTURE_PG_SCHEMA'), { max: 4, statementTimeoutMs: 5_000 });
  pool.on('error', () => undefined); // an idle client's connection lost while PostgreSQL restarts: the next query reconnects
  const entities = new EntityRepository(pool);
  const oplog = new OplogRepository(pool);
  const metadata = new MetadataRepository(pool);
  let view: CapturedEntity[] = [];
  /** One capture from its saved position until `signal` aborts; with a lease, every write carries its epoch. */
  const capture = async (epoch: number | undefined, signal: AbortSignal) => {
    const source = new SourceCapture({
      reader: new FerretOplogReader(mongo, { settleMs: Number(process.env.CAPTURE_SETTLE_MS ?? 250) }),
      sink: {
        append: async (changes) => {
          const result = await oplog.append(changes, epoch);
          if (result.staged > 0) say('staged', { count: result.staged });
          if (result.oplog > 0) say('appended', { count: result.oplog, epoch });
          return result;
        },
        finishScan: async (entity) => {
          const moved = await oplog.finishScan(entity, epoch);
          say('scanned', { entity, moved });
          return moved;
        },
      },
      positions: {
        get: () => metadata.get<SourcePosition>(resumeTokenKey(databaseId)),
        set: (position) => metadata.set(resumeTokenKey(databaseId), position, epoch),
      },
      entities: () => view,
      batchSize: Number(process.env.CAPTURE_BATCH_SIZE ?? 200),
    });
    const scheduler = new JobScheduler({ logger: { warn: (fields, message) => say('job-failed', { message, ...fields }) } });
    const requested = new RequestedRefreshes(
      scheduler,
      {
        refresh: (entity, signal) => {
          say('soft-refresh', { entity });
          return source.refresh(entity, signal);
        },
      },
      async (entity, requestedAt) => {
        const cleared = epoch === undefined ? false : await entities.finishSoftRefresh(entity, requestedAt, epoch);
        say('soft-refreshed', { entity, requested_at: requestedAt, cleared, epoch });
      },
    );
    const loop = new CaptureLoop(source, {
      refreshEntities: async () => {
        const stored = await entities.all();
        requested.sync(stored.map((e) => ({ name: e.name, state: e.state, soft_refresh_requested_at: e.softRefreshRequestedAt })));
        view = stored.map((e) => ({
          name: e.name,
          database: sourceDb,
          collection: e.source.collection,
          columns: e.columns,
          state: e.state,
          updatedAt: e.updatedAt,
        }));
      },
      idleMs: 100,
      backoff: { initialMs: 100, maxMs: 1_000 },
      logger: { warn: (fields, message) => say('retry', { message, ...fields }) },
      onPoll: (read) => read > 0 && say('polled', { read }),
    });
    try {
      await loop.run(signal);
    } finally {
      await scheduler.stop();
    }
  };
  const stop = new AbortController();
  const holder = process.env.CAPTURE_HOLDER;
  if (!holder) {
    process.on('SIGTERM', () => stop.abort());
    say('running');
    await capture(undefined, stop.signal);
  } else {
    let current: { stop: AbortController; run: Promise<void> } | undefined;
    const lease = new CaptureLease(new CaptureLeaseRepository(pool), {
      holder,
      ttlMs: Number(env('CAPTURE_LEASE_TTL_MS')),
      renewMs: Number(env('CAPTURE_LEASE_RENEW_MS')),
      onAcquired: (epoch) => {
        say('leased', { epoch });
        const run = new AbortController();
        current = { stop: run, run: capture(epoch, run.signal) };
      },
      onLost: async (reason) => {
        say('lease-lost', { reason });
        current?.stop.abort();
        await current?.run;
        current = undefined;
      },
    });
    process.on('SIGTERM', () => void lease.stop().then(() => stop.abort()));
    say('standby');
    lease.start();
    await new Promise((resolve) => stop.signal.addEventListener('abort', resolve));
  }
  await mongo.close();
  await pool.end();
}

main().catch((error: unknown) => {
  say('failed', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
