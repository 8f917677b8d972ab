import { chmodSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Pool } from 'pg';
import { LocalMetadata } from '../../apps/cache-replicator/src/replicate/local-metadata';
import { OplogReplicator, type OplogSource } from '../../apps/cache-replicator/src/replicate/oplog-replicator';
import type { CapturedEntity } from '../../apps/entity-capture/src/capture/captured-entity';
import { SourceCapture } from '../../apps/entity-capture/src/capture/source-capture';
import { FerretOplogReader } from '../../apps/entity-capture/src/source/ferret-oplog-reader';
import type { SourcePosition } from '../../apps/entity-capture/src/source/source-change';
import { EntityRepository } from '../../apps/entity-oplog/src/entities/entity.repository';
import { MetadataRepository, resumeTokenKey } from '../../apps/entity-oplog/src/metadata/metadata.repository';
import { OplogRepository } from '../../apps/entity-oplog/src/oplog/oplog.repository';
import { migrate } from '../../apps/entity-oplog/src/storage/migrations';
import { openPostgres, schemaName } from '../../apps/entity-oplog/src/storage/postgres';
import { startFerretDb } from '../../tools/infra/ferretdb';
import { FERRETDB_DATABASE, ferretDbBackend, prepareFerretDbDatabase } from '../../tools/infra/ferretdb-postgres';
import { startPostgres } from '../../tools/infra/postgres';
import type { ManagedProcess } from '../../tools/infra/process';

export const PROJECT = 'b'.repeat(24);
export const DATABASE_ID = 'e'.repeat(24);
export const SOURCE_DB = 'bench_entity_source';

/**
 * The entity caches' servers, private to the benchmark: PostgreSQL without fsync, and FerretDB with its
 * oplog storing in that PostgreSQL as under `make start` (FERRETDB_BACKEND=sqlite: in SQLite files).
 */
export interface EntityBenchServers {
  readonly mongo: MongoClient;
  readonly pool: Pool;
  readonly entities: EntityRepository;
  readonly oplog: OplogRepository;
  readonly metadata: MetadataRepository;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function startEntityBenchServers(parent: string): Promise<EntityBenchServers> {
  const dir = mkdtempSync(join(parent, 'entity-cache-'));
  chmodSync(dir, 0o711); // PostgreSQL started by root runs as the postgres user and needs its data directory here
  const postgres = await startPostgres({ dataDir: join(dir, 'pg'), logFile: join(dir, 'postgres.log'), throwaway: true });
  const store =
    ferretDbBackend(process.env.FERRETDB_BACKEND, 'postgresql') === 'postgresql'
      ? { postgresUrl: await prepareFerretDbDatabase(postgres.url, FERRETDB_DATABASE) }
      : { dataDir: join(dir, 'ferretdb') };
  const ferret = await startFerretDb({ ...store, logFile: join(dir, 'ferretdb.log'), oplog: true });
  const processes: ManagedProcess[] = [ferret.process, postgres.process];
  const mongo = await MongoClient.connect(ferret.uri);
  const schema = schemaName('bench');
  const pool = openPostgres(postgres.url, schema, { statementTimeoutMs: 120_000 });
  await migrate(pool, schema);
  return {
    mongo,
    pool,
    entities: new EntityRepository(pool),
    oplog: new OplogRepository(pool),
    metadata: new MetadataRepository(pool),
    dir,
    stop: async () => {
      await mongo.close();
      await pool.end();
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

/**
 * Where the lag goes: milliseconds each poll spent reading the source's oplog and appending to PostgreSQL,
 * and per write (by its `n`) when the capture read it and when its append was acknowledged.
 */
export interface CaptureTimings {
  readonly read: number[];
  readonly append: number[];
  readonly readAt: Map<number, number>;
  readonly appendedAt: Map<number, number>;
}

/** The write counter `n` a benchmark document carries, if any. */
const writeOf = (values: Record<string, unknown> | null | undefined): number | undefined =>
  typeof values?.n === 'number' ? values.n : undefined;

/** Records, for each write among `values`, the time now, once (the first sighting). */
function stamp(into: Map<number, number>, values: readonly (Record<string, unknown> | null | undefined)[]): void {
  const now = performance.now();
  for (const value of values) {
    const n = writeOf(value);
    if (n !== undefined && !into.has(n)) into.set(n, now);
  }
}

/** Calls `fn`, adding its duration to `into`. */
async function timed<T>(into: number[], fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    into.push(performance.now() - started);
  }
}

/** The capture as the service wires it, reading the entities from PostgreSQL before each poll. */
export function captureOf(
  servers: EntityBenchServers,
  batchSize: number,
  timings?: CaptureTimings,
): { capture: SourceCapture; refresh: () => Promise<void> } {
  let view: CapturedEntity[] = [];
  // As `make start` runs it; ENTITY_BENCH_TRIM=false leaves the source's oplog whole (CAPTURE_TRIM_SOURCE_OPLOG's default).
  const reader = new FerretOplogReader(servers.mongo, { trimOwnEntries: process.env.ENTITY_BENCH_TRIM !== 'false' });
  const capture = new SourceCapture({
    reader: timings
      ? {
          latestPosition: () => reader.latestPosition(),
          confirm: () => reader.confirm(),
          settlesInMs: () => reader.settlesInMs(),
          settleMs: reader.settleMs,
          positionSaved: (position) => reader.positionSaved(position),
          readAfter: async (...args: Parameters<FerretOplogReader['readAfter']>) => {
            const changes = await timed(timings.read, () => reader.readAfter(...args));
            stamp(
              timings.readAt,
              changes.map((change) => change.document),
            );
            return changes;
          },
          scan: (...args: Parameters<FerretOplogReader['scan']>) => reader.scan(...args),
        }
      : reader,
    sink: timings
      ? {
          append: async (changes: Parameters<OplogRepository['append']>[0]) => {
            const appended = await timed(timings.append, () => servers.oplog.append(changes));
            stamp(
              timings.appendedAt,
              changes.map((change) => change.data),
            );
            return appended;
          },
          finishScan: (entity: string) => servers.oplog.finishScan(entity),
        }
      : servers.oplog,
    positions: {
      get: () => servers.metadata.get<SourcePosition>(resumeTokenKey(DATABASE_ID)),
      set: (position) => servers.metadata.set(resumeTokenKey(DATABASE_ID), position),
    },
    entities: () => view,
    batchSize,
  });
  const refresh = async () => {
    view = (await servers.entities.all()).map((e) => ({
      name: e.name,
      database: SOURCE_DB,
      collection: e.source.collection,
      columns: e.columns,
      state: e.state,
      updatedAt: e.updatedAt,
    }));
  };
  return { capture, refresh };
}

export function replicatorOf(
  servers: EntityBenchServers,
  name: string,
  shapes: Map<string, import('@ir/contracts').EntityShape>,
  batchSize: number,
  source: OplogSource = servers.oplog,
): OplogReplicator {
  const path = mkdtempSync(join(servers.dir, `replica-${name}-`));
  return new OplogReplicator({
    root: join(path, 'dbs'),
    source,
    metadata: new LocalMetadata(path),
    shapeOf: (e) => shapes.get(e),
    batchSize,
  });
}
