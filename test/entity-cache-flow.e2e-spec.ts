// Entity caches, end to end through their components with real servers (issue 16, first slice): a
// source collection on FerretDB (its local.oplog.rs), the oplog and entities in PostgreSQL, the caches in
// SQLite. The services that will host these components (and their bus and gateway routes) come next;
// this spec drives the components directly, as those services will.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Long, MongoClient, ObjectId } from 'mongodb';
import type { EntityShape } from '@ir/contracts';
import type { Pool } from 'pg';
import { LocalMetadata } from '../apps/cache-replicator/src/replicate/local-metadata';
import { OplogReplicator } from '../apps/cache-replicator/src/replicate/oplog-replicator';
import type { CapturedEntity } from '../apps/entity-capture/src/capture/captured-entity';
import { SourceCapture } from '../apps/entity-capture/src/capture/source-capture';
import { FerretOplogReader } from '../apps/entity-capture/src/source/ferret-oplog-reader';
import type { OplogPosition } from '../apps/entity-capture/src/source/source-change';
import { EntityRepository } from '../apps/entity-oplog/src/entities/entity.repository';
import { MetadataRepository, resumeTokenKey } from '../apps/entity-oplog/src/metadata/metadata.repository';
import { OplogRepository } from '../apps/entity-oplog/src/oplog/oplog.repository';
import { migrate } from '../apps/entity-oplog/src/storage/migrations';
import { openPostgres, schemaName } from '../apps/entity-oplog/src/storage/postgres';
import { startPrivateFerretDbWithOplog, type PrivateFerretDb } from './support';

jest.setTimeout(60_000);

const PROJECT = 'a'.repeat(24);
const SETTLE_MS = 200;
const DATABASE_ID = 'd'.repeat(24);
const SHAPE: EntityShape = [
  { name: 'id', type: 'Text', path: '_id' },
  { name: 'email', type: 'Text', path: 'email' },
  { name: 'age', type: 'Integer', path: 'age' },
  { name: 'balance', type: 'Number', path: 'balance' },
  { name: 'active', type: 'Bool', path: 'active' },
  { name: 'city', type: 'Text', path: 'address.city' },
  { name: 'address', type: 'JSONB', path: 'address' },
  { name: 'tag', type: 'Any', path: 'tag' },
];

describe('entity caches: source writes reach the SQLite cache through the PostgreSQL oplog', () => {
  const run = randomBytes(4).toString('hex');
  const sourceDb = `ecf_${run}`;
  const entity = `people_${run}`;
  let ferret: PrivateFerretDb;
  let mongo: MongoClient;
  let pool: Pool;
  let schema: string;
  let root: string;

  beforeAll(async () => {
    const postgresUrl = process.env.TEST_POSTGRES_URL;
    if (!postgresUrl) throw new Error('TEST_POSTGRES_URL is set by the global setup');
    // The source: a FerretDB of its own with local.oplog.rs (the shared one keeps none).
    ferret = await startPrivateFerretDbWithOplog();
    mongo = await MongoClient.connect(ferret.uri);
    schema = schemaName(`ecf_${run}`);
    pool = openPostgres(postgresUrl, schema);
    await migrate(pool, schema);
    root = mkdtempSync(join(tmpdir(), 'ir-entity-caches-'));
  });
  afterAll(async () => {
    await mongo?.close();
    await ferret?.stop();
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
    rmSync(root, { recursive: true, force: true });
  });

  /** The components wired as the services will wire them: capture -> oplog manager -> replicator. */
  function captureOf(entities: EntityRepository, oplog: OplogRepository, metadata: MetadataRepository) {
    let captured: CapturedEntity[] = [];
    const refresh = async () => {
      captured = (await entities.all()).map((e) => ({
        name: e.name,
        database: sourceDb,
        collection: e.source.collection,
        columns: e.columns,
        state: e.state,
      }));
    };
    const capture = new SourceCapture({
      reader: new FerretOplogReader(mongo, { settleMs: SETTLE_MS }),
      sink: oplog,
      positions: {
        get: () => metadata.get<OplogPosition>(resumeTokenKey(DATABASE_ID)),
        set: (position) => metadata.set(resumeTokenKey(DATABASE_ID), position),
      },
      entities: () => captured,
      batchSize: 100,
    });
    return { capture, refresh };
  }

  const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 50));

  /** Waits out the reader's settle window after the last write, then polls until nothing more is read (bounded). */
  async function drain(capture: SourceCapture): Promise<void> {
    await settle();
    const deadline = Date.now() + 15_000;
    while ((await capture.pollOnce()) > 0) if (Date.now() > deadline) throw new Error('capture did not drain in 15 s');
  }

  function replicatorAt(dir: string, oplog: OplogRepository, shapes: Map<string, EntityShape>) {
    return new OplogReplicator({
      root: join(dir, 'dbs'),
      source: oplog,
      metadata: new LocalMetadata(dir),
      shapeOf: (name) => shapes.get(name),
      batchSize: 3,
    });
  }

  it('scans first, then follows inserts, updates, replacements and deletes into the cache with the shape’s types', async () => {
    const entities = new EntityRepository(pool);
    const oplog = new OplogRepository(pool);
    const metadata = new MetadataRepository(pool);
    const people = mongo.db(sourceDb).collection<{ _id: string | ObjectId; [field: string]: unknown }>('people');
    const existing = new ObjectId();
    await people.insertOne({ _id: existing, email: 'before@x', age: 40, address: { city: 'Bergen' } });
    await entities.create(PROJECT, { name: entity, source: { databaseId: DATABASE_ID, collection: 'people' }, columns: SHAPE });

    const { capture, refresh } = captureOf(entities, oplog, metadata);
    await refresh();
    await capture.start();
    await refresh();
    expect((await entities.get(PROJECT, entity))?.state).toBe('scanned');

    await people.insertOne({
      _id: 'u1',
      email: 'one@x',
      age: Long.fromNumber(33),
      balance: 10.5 /* FerretDB 1.x has no Decimal128: column-value.spec.ts covers it */,
      active: true,
      address: { city: 'Oslo' },
      tag: 7,
    });
    await people.insertOne({ _id: 'u2', email: 42, age: 'old', balance: 'rich', active: 'yes', tag: { a: 1 } });
    await people.insertOne({ _id: 'u3', email: 'three@x' });
    await people.updateOne({ _id: 'u1' }, { $set: { age: 34, 'address.city': 'Trondheim' } });
    await people.replaceOne({ _id: 'u3' }, { email: 'three@y', active: false });
    await people.deleteOne({ _id: existing });
    await drain(capture);

    const shapes = new Map([[entity, SHAPE]]);
    const dirA = mkdtempSync(join(root, 'replica-a-'));
    const replicator = replicatorAt(dirA, oplog, shapes);
    expect(await replicator.catchUp()).toBe(7); // 1 scanned + 6 changes
    const rows = replicator.cacheOf(entity)!.rows();
    expect(rows).toEqual([
      {
        _document_id: '"u1"',
        id: 'u1',
        email: 'one@x',
        age: 34,
        balance: 10.5,
        active: 1,
        city: 'Trondheim',
        address: '{"city":"Trondheim"}',
        tag: 7,
        _oplog_id: expect.any(Number),
      },
      // Wrong types are NULL (Text takes a number's text); a missing path is NULL, JSONB included; Any keeps an object as JSON.
      {
        _document_id: '"u2"',
        id: 'u2',
        email: '42',
        age: null,
        balance: null,
        active: null,
        city: null,
        address: null,
        tag: '{"a":1}',
        _oplog_id: expect.any(Number),
      },
      {
        _document_id: '"u3"',
        id: 'u3',
        email: 'three@y',
        age: null,
        balance: null,
        active: 0,
        city: null,
        address: null,
        tag: null,
        _oplog_id: expect.any(Number),
      },
    ]);

    // Idempotent: the same entries applied again (offset lost) change nothing; a new replica builds the same cache.
    new LocalMetadata(dirA).set('oplog_offset', '0');
    expect(await replicator.catchUp()).toBe(7);
    expect(replicator.cacheOf(entity)!.rows()).toEqual(rows);
    const fresh = replicatorAt(mkdtempSync(join(root, 'replica-b-')), oplog, shapes);
    await fresh.catchUp();
    expect(fresh.cacheOf(entity)!.rows()).toEqual(rows);

    // A capture started again resumes from the saved position: nothing read twice, the next write read once.
    const again = captureOf(entities, oplog, metadata);
    await again.refresh();
    await again.capture.start();
    await settle();
    expect(await again.capture.pollOnce()).toBe(0);
    await people.insertOne({ _id: 'u4', email: 'four@x' });
    await drain(again.capture);
    expect(await replicator.catchUp()).toBe(1);
    expect(
      replicator
        .cacheOf(entity)!
        .rows()
        .map((r) => r.id),
    ).toEqual(['u1', 'u2', 'u3', 'u4']);
    replicator.close();
    fresh.close();
  });
  it('a new entity added while writes go on, its scan cut short by a crash, ends equal to its source', async () => {
    const entities = new EntityRepository(pool);
    const oplog = new OplogRepository(pool);
    const metadata = new MetadataRepository(pool);
    const orders = mongo.db(sourceDb).collection<{ _id: number; total: number }>('orders');
    await orders.insertMany(Array.from({ length: 5 }, (_, n) => ({ _id: n, total: n })));
    const name = `orders_${run}`;
    const shape: EntityShape = [{ name: 'total', type: 'Integer', path: 'total' }];
    await entities.create(PROJECT, { name, source: { databaseId: DATABASE_ID, collection: 'orders' }, columns: shape });

    // The capture dies after the scan's first batch was appended: the entity stays scanning, half its scan staged.
    let appends = 0;
    const dying = new SourceCapture({
      reader: new FerretOplogReader(mongo, { settleMs: SETTLE_MS }),
      sink: {
        append: async (changes) => (++appends > 1 ? Promise.reject(new Error('killed')) : oplog.append(changes)),
        finishScan: (e) => oplog.finishScan(e),
      },
      positions: {
        get: () => metadata.get<OplogPosition>(resumeTokenKey(DATABASE_ID)),
        set: (p) => metadata.set(resumeTokenKey(DATABASE_ID), p),
      },
      entities: () => [{ name, database: sourceDb, collection: 'orders', columns: shape, state: 'scanning' as const }],
      batchSize: 2,
    });
    await expect(dying.start()).rejects.toThrow('killed');
    await orders.updateOne({ _id: 1 }, { $set: { total: 100 } });
    await orders.deleteOne({ _id: 2 });
    expect((await entities.get(PROJECT, name))?.state).toBe('scanning');

    const restarted = captureOf(entities, oplog, metadata);
    await restarted.refresh();
    await restarted.capture.start();
    await restarted.refresh();
    expect((await entities.get(PROJECT, name))?.state).toBe('scanned');
    await orders.insertOne({ _id: 9, total: 9 });
    await orders.updateOne({ _id: 3 }, { $set: { total: 33 } });
    await drain(restarted.capture);

    const replica = replicatorAt(mkdtempSync(join(root, 'replica-c-')), oplog, new Map([[name, shape]]));
    await replica.catchUp();
    const cached = replica
      .cacheOf(name)!
      .rows()
      .map((row) => [row._document_id, row.total]);
    const source = (await orders.find({}, { sort: { _id: 1 } }).toArray()).map((doc) => [String(doc._id), doc.total]);
    expect(cached).toEqual(source);
    replica.close();
  });
});
