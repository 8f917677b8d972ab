import { randomBytes } from 'node:crypto';
import { MongoClient, Timestamp } from 'mongodb';
import { startPrivateFerretDbWithOplog, type PrivateFerretDb } from '@ir/testing';
import { FerretOplogReader } from './ferret-oplog-reader';
import type { SourcePosition } from './source-change';

const SETTLE_MS = 300;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 50));

// Over SQLite as the e2e tests run it by default, over PostgreSQL as `make start` does (a query per namespace there).
describe.each(['sqlite', 'postgresql'] as const)(
  'reading FerretDB’s local.oplog.rs (a private FerretDB over %s that keeps one)',
  (backend) => {
    const db = `reader_${randomBytes(4).toString('hex')}`;
    let ferret: PrivateFerretDb;
    let client: MongoClient;
    let reader: FerretOplogReader;
    const collection = (name: string) => client.db(db).collection<{ _id: number; n?: number }>(name);

    beforeAll(async () => {
      ferret = await startPrivateFerretDbWithOplog('ir-spec-ferretdb-', backend);
      client = await MongoClient.connect(ferret.uri);
      reader = new FerretOplogReader(client, { settleMs: SETTLE_MS });
    }, 90_000);
    afterAll(async () => {
      await client?.close();
      await ferret?.stop();
    });

    it('reads only settled entries of the namespaces asked for, in order, from a position', async () => {
      const start = await reader.latestPosition();
      await collection('watched').insertOne({ _id: 1, n: 1 });
      await collection('other').insertOne({ _id: 1 });
      await collection('watched').updateOne({ _id: 1 }, { $set: { n: 2 } });
      await collection('watched').deleteOne({ _id: 1 });

      // Younger than the settle window: not read yet, so a write that becomes visible late is never passed over.
      const patient = new FerretOplogReader(client, { settleMs: 60_000 });
      expect(await patient.readAfter(start, [`${db}.watched`], 10)).toEqual([]);
      await settle();
      const changes = await reader.readAfter(start, [`${db}.watched`], 10);
      expect(changes.map((c) => [c.operation, c.documentId, c.document])).toEqual([
        ['upsert', 1, { _id: 1, n: 1 }],
        ['upsert', 1, { _id: 1, n: 2 }],
        ['delete', 1, undefined],
      ]);
      expect(await reader.readAfter(changes[0]!.position, [`${db}.watched`], 10)).toEqual(changes.slice(1));
      expect(await reader.readAfter(changes[2]!.position, [`${db}.watched`], 10)).toEqual([]);
      expect(await reader.readAfter(start, [], 10)).toEqual([]);
    });

    it('says when an entry it held back for the settle window becomes readable, and reads it then', async () => {
      const waiting = new FerretOplogReader(client, { settleMs: 2_000 });
      const start = await waiting.latestPosition();
      expect(await waiting.readAfter(start, [`${db}.held`], 10)).toEqual([]);
      expect(waiting.settlesInMs()).toBeUndefined();
      const written = Date.now();
      await collection('held').insertOne({ _id: 1, n: 1 });
      expect(await waiting.readAfter(start, [`${db}.held`], 10)).toEqual([]);
      const wait = waiting.settlesInMs()!;
      // About the window less the time since the write (the server's clock and a round trip apart).
      expect(wait).toBeGreaterThan(2_000 - (Date.now() - written) - 500);
      expect(wait).toBeLessThanOrEqual(2_000 + 500);
      await new Promise((resolve) => setTimeout(resolve, wait + 20));
      expect((await waiting.readAfter(start, [`${db}.held`], 10)).map((c) => [c.operation, c.documentId])).toEqual([['upsert', 1]]);
      expect(waiting.settlesInMs()).toBeUndefined();
    });

    it('delivers an entry that became visible after the reader passed its ts: the document as it is now, once', async () => {
      const late = new FerretOplogReader(client, { settleMs: SETTLE_MS });
      // Read from 5 s back: the late entries below fit between this and the first entry read.
      const start = await late.latestPosition();
      // An entry there (a no-op, as MongoDB writes them), or the reader would take the position for one its oplog dropped.
      const from = new Timestamp({ t: start.t - 5, i: 0 });
      await client
        .db('local')
        .collection('oplog.rs')
        .insertOne({ ts: from, op: 'n', ns: '', o: { msg: 'from here' }, wall: new Date(Date.now() - 60_000) } as never);
      await collection('late').insertOne({ _id: 1, n: 1 });
      await settle();
      const [first] = await late.readAfter({ t: from.t, i: from.i }, [`${db}.late`], 10);
      expect(first).toMatchObject({ operation: 'upsert', documentId: 1 });
      const position = first!.position as { t: number; i: number };
      // As a loaded server may: entries whose ts is older than one already read appear only now. Written
      // straight into the oplog, so the collection holds its documents as they are (1 as read; 2 never there).
      const wall = new Date(Date.now() - 60_000);
      await client
        .db('local')
        .collection('oplog.rs')
        .insertMany([
          { ts: new Timestamp({ t: position.t - 1, i: 1 }), op: 'i', ns: `${db}.late`, o: { _id: 1, n: 0 }, wall },
          { ts: new Timestamp({ t: position.t - 1, i: 2 }), op: 'i', ns: `${db}.late`, o: { _id: 2, n: 2 }, wall },
        ] as never[]);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the next look back is due
      const again = await late.readAfter(position, [`${db}.late`], 10);
      expect(again.map((c) => [c.operation, c.documentId, c.document, c.position])).toEqual([
        ['upsert', 1, { _id: 1, n: 1 }, position],
        ['delete', 2, undefined, position],
      ]);
      // Not confirmed (the capture's append failed): the next look back delivers them again.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await late.readAfter(position, [`${db}.late`], 10)).map((c) => [c.operation, c.documentId])).toEqual([
        ['upsert', 1],
        ['delete', 2],
      ]);
      late.confirm();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await late.readAfter(position, [`${db}.late`], 10)).toEqual([]);
    });

    it('asked to, deletes its own namespaces’ entries from before the lookback, and no other namespace’s; by default nothing', async () => {
      // The embedded FerretDB never trims its oplog, and every read of it reads it all.
      const trimming = new FerretOplogReader(client, { settleMs: SETTLE_MS, trimOwnEntries: true });
      const position = await trimming.latestPosition();
      const old = (ns: string, i: number) => ({
        ts: new Timestamp({ t: position.t - 60, i }),
        op: 'i',
        ns,
        o: { _id: i },
        wall: new Date(Date.now() - 60_000),
      });
      const oplog = client.db('local').collection('oplog.rs');
      await oplog.insertMany([old(`${db}.trimmed`, 1), old(`${db}.trimmed`, 2), old(`${db}.kept`, 3)] as never[]);
      const trimmedIds = (await oplog.find({ ns: `${db}.trimmed` }).toArray()).map((entry) => entry._id);
      const namespaces = { ns: { $in: [`${db}.trimmed`, `${db}.kept`] } };
      expect(await new FerretOplogReader(client, { settleMs: SETTLE_MS }).readAfter(position, [`${db}.trimmed`], 10)).toEqual([]);
      expect(await oplog.countDocuments(namespaces)).toBe(3);
      expect(await trimming.readAfter(position, [`${db}.trimmed`], 10)).toEqual([]);
      await trimming.readAfter(position, [`${db}.trimmed`], 10); // the trim runs after a read; the next read waits for it
      const left = await oplog.find(namespaces).toArray();
      expect(left.map((entry) => entry.ns)).toEqual([`${db}.kept`]);
      // FerretDB logs those deletes in its oplog too: it keeps one (small) entry per write made, trimmed or not.
      const records = await oplog.find({ ns: 'local.oplog.rs', op: 'd' }).toArray();
      expect(records.map((record) => record.o._id)).toEqual(expect.arrayContaining(trimmedIds));
    });

    it('asked to, deletes the entries it delivered once a saved position is past them, keeping the one at it and any never delivered', async () => {
      const trimming = new FerretOplogReader(client, { settleMs: SETTLE_MS, trimOwnEntries: true });
      const ns = `${db}.durable`;
      const start = await trimming.latestPosition();
      await collection('durable').insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
      // Never delivered: before where this reader started, yet within its look back (the trim must leave it to that).
      const oplog = client.db('local').collection('oplog.rs');
      await oplog.insertOne({ ts: new Timestamp({ t: start.t - 1, i: 1 }), op: 'i', ns, o: { _id: 9 }, wall: new Date() } as never);
      await settle();
      const changes = await trimming.readAfter(start, [ns], 10);
      expect(changes.map((c) => c.documentId)).toEqual([1, 2, 3]);
      const trimmedAfter = async (position: SourcePosition) => {
        await new Promise((resolve) => setTimeout(resolve, 2_100)); // a trim is due
        await trimming.readAfter(position, [ns], 10);
        await trimming.readAfter(position, [ns], 10); // waits for the trim the first one started
        return (await oplog.find({ ns }).toArray()).map((entry) => entry.o._id as number).sort();
      };
      // Delivered, but no position saved past them: they may not be durable yet.
      expect(await trimmedAfter(changes[2]!.position)).toEqual([1, 2, 3, 9]);
      trimming.positionSaved(changes[2]!.position);
      expect(await trimmedAfter(changes[2]!.position)).toEqual([3, 9]);
    });

    it('scans a collection in batches of the size asked for', async () => {
      await collection('scanned').insertMany(Array.from({ length: 5 }, (_, n) => ({ _id: n })));
      const batches: number[][] = [];
      for await (const batch of reader.scan(db, 'scanned', 2)) batches.push(batch.map((d) => d._id as number));
      expect(batches).toEqual([[0, 1], [2, 3], [4]]);
    });
  },
);
