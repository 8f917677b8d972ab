// Entity caches under crashes and restarts (issue 16), with real servers of its own: a FerretDB keeping
// local.oplog.rs (the source), a PostgreSQL it can stop and start (the oplog), the capture in a child
// process it kills with SIGKILL (test/support/entity-capture-runner.ts, from dist/), and replicators
// here on SQLite files. Writes go on throughout; at each check a sentinel write, once in the oplog, says
// the capture has read everything before it (it reads in order).
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Collection } from 'mongodb';
import type { EntityShape } from '@ir/contracts';
import { documentKey, rowOf } from '@ir/entity-core';
import type { Pool } from 'pg';
import { LocalMetadata } from '../apps/cache-replicator/src/replicate/local-metadata';
import { OplogReplicator } from '../apps/cache-replicator/src/replicate/oplog-replicator';
import { EntityRepository } from '../apps/entity-oplog/src/entities/entity.repository';
import { HardRefresh } from '../apps/entity-oplog/src/jobs/hard-refresh';
import { OplogRepository } from '../apps/entity-oplog/src/oplog/oplog.repository';
import { migrate } from '../apps/entity-oplog/src/storage/migrations';
import { openPostgres, schemaName } from '../apps/entity-oplog/src/storage/postgres';
import { startPostgres, type PostgresHandle } from '../tools/infra/postgres';
import { ManagedProcess } from '../tools/infra/process';
import { repoRoot, startPrivateFerretDbWithOplog, type PrivateFerretDb } from './support';

jest.setTimeout(180_000);

const PROJECT = 'a'.repeat(24);
const DATABASE_ID = 'd'.repeat(24);
const SOURCE_DB = 'crash_source';
const INITIAL = 3_000;
const SHAPE: EntityShape = [
  { name: 'n', type: 'Integer', path: 'n' },
  { name: 'tag', type: 'Text', path: 'tag' },
];
const OTHER_SHAPE: EntityShape = [{ name: 'label', type: 'Text', path: 'tag' }];
const RUNNER = join(repoRoot, 'dist', 'test', 'support', 'entity-capture-runner.js');

interface Item {
  _id: number | string;
  n?: number;
  tag?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Inserts, updates (n only grows) and deletes on the source, one at a time, until stopped. */
class Writer {
  private seq = 0;
  private stopped = false;
  private running: Promise<void> | undefined;
  writes = 0;
  constructor(private readonly items: Collection<Item>) {}

  start(): void {
    this.stopped = false;
    this.running = (async () => {
      while (!this.stopped) {
        const seq = ++this.seq;
        const id = seq % (INITIAL + 500);
        try {
          if (seq % 7 === 0) await this.items.deleteOne({ _id: id });
          else await this.items.updateOne({ _id: id }, { $set: { n: INITIAL + seq, tag: `w${seq}` } }, { upsert: true });
          this.writes += 1;
        } catch {
          // FerretDB is not what these tests stop; a failed write is simply not made.
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}

describe('entity caches survive crashes and restarts (capture killed, PostgreSQL restarted)', () => {
  let dir: string;
  let ferret: PrivateFerretDb;
  let mongo: MongoClient;
  let items: Collection<Item>;
  let postgres: PostgresHandle;
  let pgPort: number;
  let pool: Pool;
  let schema: string;
  let entities: EntityRepository;
  let oplog: OplogRepository;
  let capture: ManagedProcess | undefined;
  let captureRuns = 0;
  let writer: Writer;
  const shapes = new Map<string, EntityShape>();
  const replicators: OplogReplicator[] = [];

  const startPg = async (port?: number) => {
    postgres = await startPostgres({ dataDir: join(dir, 'pg'), logFile: join(dir, 'postgres.log'), throwaway: true, port });
    pgPort = Number(new URL(postgres.url).port);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-entity-crash-'));
    chmodSync(dir, 0o711); // PostgreSQL, started by root, runs as the postgres user and needs its data directory here
    [ferret] = await Promise.all([startPrivateFerretDbWithOplog(), startPg()]);
    mongo = await MongoClient.connect(ferret.uri);
    items = mongo.db(SOURCE_DB).collection<Item>('items');
    await items.insertMany(Array.from({ length: INITIAL }, (_, n) => ({ _id: n, n, tag: `t${n}` })));
    schema = schemaName('crash');
    pool = openPostgres(postgres.url, schema);
    pool.on('error', () => undefined);
    await migrate(pool, schema);
    entities = new EntityRepository(pool);
    oplog = new OplogRepository(pool);
    writer = new Writer(items);
  });
  afterAll(async () => {
    await writer?.stop();
    await capture?.stop();
    replicators.forEach((r) => r.close());
    await mongo?.close();
    await pool?.end();
    await postgres?.process.stop();
    await ferret?.stop();
    if (!process.env.KEEP_TEST_INFRA) rmSync(dir, { recursive: true, force: true });
  });

  function startCapture(): ManagedProcess {
    captureRuns += 1;
    capture = ManagedProcess.spawn({
      name: `capture-${captureRuns}`,
      command: process.execPath,
      args: [RUNNER],
      logFile: join(dir, `capture-${captureRuns}.log`),
      env: {
        CAPTURE_SOURCE_URI: ferret.uri,
        CAPTURE_SOURCE_DB: SOURCE_DB,
        CAPTURE_DATABASE_ID: DATABASE_ID,
        CAPTURE_POSTGRES_URL: postgres.url,
        CAPTURE_PG_SCHEMA: schema,
        CAPTURE_BATCH_SIZE: '100',
        CAPTURE_SETTLE_MS: '200',
      },
    });
    return capture;
  }

  /** The events the current capture printed. */
  const events = (process: ManagedProcess): { event: string; [field: string]: unknown }[] =>
    readFileSync(process.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event: string });

  async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; capture log:\n${capture?.logTail(20)}`);
      await sleep(100);
    }
  }

  /** Writes a sentinel and waits until the capture has put it into the oplog: everything before it is there too. */
  async function captured(entity: string): Promise<void> {
    const id = `sentinel-${Date.now()}`;
    await items.insertOne({ _id: id, n: 0 });
    const key = documentKey(id);
    await waitFor(`${id} in the oplog`, async () => {
      const state = (await entities.get(PROJECT, entity))?.state;
      return (
        state === 'scanned' && (await pool.query('SELECT 1 FROM oplog WHERE entity = $1 AND document_id = $2', [entity, key])).rowCount! > 0
      );
    });
  }

  /** The cache rows the source's documents make with the entity's shape (what every replica must hold). */
  async function expectedRows(shape: EntityShape): Promise<Record<string, unknown>[]> {
    const docs = await items.find({}).toArray();
    return docs
      .map((doc) => ({ _document_id: documentKey(doc._id), ...rowOf(shape, doc) }))
      .sort((a, b) => (a._document_id < b._document_id ? -1 : a._document_id > b._document_id ? 1 : 0));
  }

  const withoutOplogIds = (rows: Record<string, unknown>[]) => rows.map(({ _oplog_id: _, ...row }) => row);

  function replicator(name: string): OplogReplicator {
    const path = join(dir, 'replicas', name);
    const made = new OplogReplicator({
      root: join(path, 'dbs'),
      source: oplog,
      metadata: new LocalMetadata(path),
      shapeOf: (e) => shapes.get(e),
      batchSize: 500,
    });
    replicators.push(made);
    return made;
  }

  async function createEntity(name: string, shape: EntityShape): Promise<void> {
    await entities.create(PROJECT, { name, source: { databaseId: DATABASE_ID, collection: 'items' }, columns: shape });
    shapes.set(name, shape);
  }

  it('capture killed with SIGKILL mid-scan, then mid-stream, with writes going on: after restarts the cache equals the source', async () => {
    await createEntity('items', SHAPE);
    writer.start();
    const first = startCapture();
    // Mid-scan: some of the 3,000 documents staged, the scan not finished.
    await waitFor('the scan under way', () => events(first).filter((e) => e.event === 'staged').length >= 3);
    expect(events(first).some((e) => e.event === 'scanned')).toBe(false);
    await first.kill9();
    expect((await entities.get(PROJECT, 'items'))?.state).toBe('scanning');

    const second = startCapture();
    await waitFor('the scan done after the restart', () => events(second).some((e) => e.event === 'scanned'));
    // Mid-stream: the tail has read some batches of the writes.
    await waitFor('the tail under way', () => events(second).filter((e) => e.event === 'polled').length >= 3);
    await second.kill9();
    await sleep(500); // writes the dead capture misses, read by the next
    startCapture();

    await writer.stop();
    await captured('items');
    expect(writer.writes).toBeGreaterThan(100);
    const replica = replicator('a');
    await replica.catchUp();
    const expected = await expectedRows(SHAPE);
    expect(expected.length).toBeGreaterThan(INITIAL / 2);
    expect(withoutOplogIds(replica.cacheOf('items')!.rows())).toEqual(expected);
  });

  it('PostgreSQL restarted mid-stream: the capture retries, resumes, and loses or reorders nothing', async () => {
    const replica = replicators[0]!;
    const from = await oplog.lastId();
    writer.start();
    await waitFor('the tail under way', () => events(capture!).filter((e) => e.event === 'polled').length >= 2);
    const retries = () => events(capture!).filter((e) => e.event === 'retry').length;
    const retriedBefore = retries();
    await postgres.process.stop();
    // Down until the capture has failed on it at least twice (a capture busy reading the source may not
    // reach PostgreSQL for a while), while the writes go on.
    await waitFor('the capture retrying while PostgreSQL is down', () => retries() >= retriedBefore + 2);
    await startPg(pgPort);
    const appendedBefore = events(capture!).filter((e) => e.event === 'appended').length;
    await waitFor('an append after the restart', () => events(capture!).filter((e) => e.event === 'appended').length > appendedBefore);
    await sleep(1_000);
    await writer.stop();
    await captured('items');

    await replica.catchUp();
    expect(withoutOplogIds(replica.cacheOf('items')!.rows())).toEqual(await expectedRows(SHAPE));
    // In order: each document's values in the oplog only grow (the writer's n only grows) since the restart began.
    const entries = await oplog.since(from, 1_000_000, ['items']);
    const last = new Map<string, number>();
    for (const entry of entries.filter((e) => e.operation === 'upsert' && !e.documentId.includes('sentinel'))) {
      const n = entry.data!.n as number;
      expect(n).toBeGreaterThanOrEqual(last.get(entry.documentId) ?? 0);
      last.set(entry.documentId, n);
    }
  });

  it('a new entity added while writes go on: staged, scanned, merged, equal to the source and to a rebuild', async () => {
    writer.start();
    await sleep(300);
    await createEntity('labels', OTHER_SHAPE);
    await waitFor('the new entity scanned', () => events(capture!).some((e) => e.event === 'scanned' && e.entity === 'labels'));
    await sleep(500);
    await writer.stop();
    await captured('labels');
    const replica = replicator('b');
    await replica.catchUp();
    expect(withoutOplogIds(replica.cacheOf('labels')!.rows())).toEqual(await expectedRows(OTHER_SHAPE));
  });

  it('replicators restarted or new catch up from their offsets; a recreated cache equals the others', async () => {
    const restartedA = replicators[0]!;
    restartedA.close();
    writer.start();
    await sleep(1_000);
    await writer.stop();
    await captured('items');
    const a = replicator('a'); // the same directory: its offset and caches as they were
    expect(Number(a.offset())).toBeGreaterThan(0);
    await a.catchUp();
    const fresh = replicator('c');
    await fresh.catchUp();
    const expected = await expectedRows(SHAPE);
    expect(withoutOplogIds(a.cacheOf('items')!.rows())).toEqual(expected);
    expect(a.cacheOf('items')!.rows()).toEqual(fresh.cacheOf('items')!.rows());
    await a.recreate('items');
    expect(a.cacheOf('items')!.rows()).toEqual(fresh.cacheOf('items')!.rows());
  });

  it('a hard refresh rebuilds from the source: a delete the capture never saw is found', async () => {
    // As if the capture had missed a delete: the oplog holds a document the source does not.
    await oplog.append([
      { entity: 'items', operation: 'upsert', documentId: '"ghost"', at: new Date().toISOString(), data: { n: 1, tag: 'x' } },
    ]);
    const replica = replicator('c');
    await replica.catchUp();
    expect(
      replica
        .cacheOf('items')!
        .rows()
        .some((r) => r._document_id === '"ghost"'),
    ).toBe(true);

    expect(await new HardRefresh(entities, oplog).request(PROJECT, 'items')).toBe('started');
    writer.start();
    const scans = () => events(capture!).filter((e) => e.event === 'scanned' && e.entity === 'items').length;
    const before = scans();
    await waitFor('the hard refresh scanned', () => scans() > before);
    await writer.stop();
    await captured('items');
    await replica.catchUp();
    expect(withoutOplogIds(replica.cacheOf('items')!.rows())).toEqual(await expectedRows(SHAPE));
  });
});
