import { randomBytes } from 'node:crypto';
import type { OplogChange } from '@ir/contracts';
import { MongoClient } from 'mongodb';
import { startPrivateFerretDbWithOplog, type PrivateFerretDb } from '@ir/testing';
import { FerretOplogReader } from '../source/ferret-oplog-reader';
import { SourceHistoryLost } from '../source/history-lost';
import type { OplogPosition, SourcePosition } from '../source/source-change';
import type { CapturedEntity } from './captured-entity';
import { SourceCapture } from './source-capture';

const SETTLE_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A saved position older than the oldest entry of a real FerretDB's capped oplog: what the capture finds
 * when the oplog wrapped while it was away (here the position is simply older than anything written).
 */
describe('a saved position the source no longer has (a private FerretDB that keeps an oplog)', () => {
  const db = `lost_${randomBytes(4).toString('hex')}`;
  let ferret: PrivateFerretDb;
  let client: MongoClient;

  beforeAll(async () => {
    ferret = await startPrivateFerretDbWithOplog();
    client = await MongoClient.connect(ferret.uri);
    await client
      .db(db)
      .collection<{ _id: number }>('people')
      .insertMany([{ _id: 1 }, { _id: 2 }]);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await ferret?.stop();
  });

  it('the reader refuses to read on from a position older than the oplog’s oldest entry, and reads on from one it has', async () => {
    const reader = new FerretOplogReader(client, { settleMs: SETTLE_MS });
    await expect(reader.readAfter({ t: 1, i: 1 }, [`${db}.people`], 10)).rejects.toBeInstanceOf(SourceHistoryLost);
    const kept = new FerretOplogReader(client, { settleMs: SETTLE_MS });
    const latest = await kept.latestPosition();
    await client.db(db).collection<{ _id: number }>('people').insertOne({ _id: 3 });
    await sleep(SETTLE_MS + 100);
    expect((await kept.readAfter(latest, [`${db}.people`], 10)).map((c) => c.documentId)).toEqual([3]);
  });

  it('the capture listens anew, saves the position, rebuilds every entity and says so, without skipping silently', async () => {
    const reader = new FerretOplogReader(client, { settleMs: SETTLE_MS });
    let saved: SourcePosition | undefined = { t: 1, i: 1 };
    const rebuilt: string[] = [];
    const told: string[] = [];
    const appended: OplogChange[] = [];
    const entities: CapturedEntity[] = ['people', 'staff'].map((name) => ({
      name,
      database: db,
      collection: 'people',
      columns: [{ name: 'id', type: 'JSONB', path: '_id' }],
      state: 'scanned',
      updatedAt: '2026-12-01T00:00:00.000Z',
    }));
    const capture = new SourceCapture({
      reader,
      sink: { append: async (changes) => appended.push(...changes), finishScan: async () => undefined },
      positions: { get: async () => saved, set: async (position) => void (saved = position) },
      entities: () => entities,
      batchSize: 100,
      rebuild: async (entity) => {
        // Asked before the new position is saved: a crash in between finds the old one gone again.
        expect(saved).toEqual({ t: 1, i: 1 });
        rebuilt.push(entity);
      },
      onHistoryLost: (error, count) => told.push(`${error.name}: ${count}`),
    });
    await capture.start();
    const newest = await reader.latestPosition();
    expect(await capture.pollOnce()).toBe(0);
    expect(rebuilt).toEqual(['people', 'staff']);
    expect(told).toEqual(['SourceHistoryLost: 2']);
    expect(appended).toEqual([]);
    expect((saved as OplogPosition).t).toBeGreaterThanOrEqual(newest.t);
    expect(capture.currentPosition()).toEqual(saved);

    // From there it reads on: a write after the new position is captured.
    await client.db(db).collection<{ _id: number }>('people').insertOne({ _id: 4 });
    await sleep(SETTLE_MS + 100);
    expect(await capture.pollOnce()).toBe(1);
    expect(appended.map((c) => [c.entity, c.documentId])).toEqual([
      ['people', '4'],
      ['staff', '4'],
    ]);
  });

  it('without a way to rebuild, the loss is an error, never a skip', async () => {
    const capture = new SourceCapture({
      reader: new FerretOplogReader(client, { settleMs: SETTLE_MS }),
      sink: { append: async () => undefined, finishScan: async () => undefined },
      positions: { get: async () => ({ t: 1, i: 1 }), set: async () => undefined },
      entities: () => [{ name: 'people', database: db, collection: 'people', columns: [], state: 'scanned', updatedAt: 'x' }],
      batchSize: 100,
    });
    await capture.start();
    await expect(capture.pollOnce()).rejects.toBeInstanceOf(SourceHistoryLost);
  });
});
