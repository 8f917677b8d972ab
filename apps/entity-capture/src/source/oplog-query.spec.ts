import { randomBytes } from 'node:crypto';
import { MongoClient, Timestamp, type Document } from 'mongodb';
import { startPrivateFerretDbWithOplog, type PrivateFerretDb } from '@ir/testing';
import { isAfter, type OplogDocument } from './oplog-document';
import { NamespacePushdown } from './oplog-pushdown';
import { OplogQuery } from './oplog-query';

/** `explain` of a find on `local.oplog.rs`: what FerretDB hands its backend. */
const explainOf = (client: MongoClient) => async (find: Document) => {
  const plan = await client.db('local').command({ explain: { find: 'oplog.rs', ...find } });
  return { filter: plan.filterPushdown, sort: plan.sortPushdown, limit: plan.limitPushdown };
};

/** On a private FerretDB storing in SQLite, as the e2e tests run it by default (FERRETDB_BACKEND). */
describe('querying FerretDB’s local.oplog.rs (a private FerretDB over SQLite that keeps one)', () => {
  const db = `query_${randomBytes(4).toString('hex')}`;
  let ferret: PrivateFerretDb;
  let client: MongoClient;
  const oplog = () => client.db('local').collection<OplogDocument>('oplog.rs');
  const explain = (find: Document) => explainOf(client)(find);

  beforeAll(async () => {
    ferret = await startPrivateFerretDbWithOplog();
    client = await MongoClient.connect(ferret.uri);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await ferret?.stop();
  });

  it('FerretDB hands its backend a lone limit in natural order, and reads the whole oplog for a ts range or any sort', async () => {
    const ts = new Timestamp({ t: 1, i: 1 });
    expect(await explain({ filter: {}, limit: 10 })).toEqual({ filter: false, sort: true, limit: true });
    expect(await explain({ filter: {}, sort: { $natural: 1 }, limit: 10 })).toMatchObject({ limit: false });
    expect(await explain({ filter: { ts: { $gt: ts } }, limit: 10 })).toEqual({ filter: false, sort: true, limit: false });
    expect(await explain({ filter: { ts: { $gt: ts } }, sort: { ts: 1 }, limit: 10 })).toEqual({
      filter: false,
      sort: false,
      limit: false,
    });
    // Not even an equality on `ns`: a query per namespace would read the whole oplog once each.
    expect(await explain({ filter: { ns: `${db}.items` } })).toMatchObject({ filter: false });
    expect(await new NamespacePushdown(oplog, 10_000).available()).toBe(false);
  });

  it('tells whether the oldest entry is newer than a position, from the first in natural order and, when it is, the oldest ts', async () => {
    await client
      .db(db)
      .collection<{ _id: number }>('items')
      .insertMany([{ _id: 1 }, { _id: 2 }]);
    const query = new OplogQuery(oplog, 10_000, new NamespacePushdown(oplog, 10_000));
    const [first] = await oplog()
      .find({}, { sort: { ts: 1 }, limit: 1 })
      .toArray();
    expect(await query.oldestAfter({ t: first!.ts.t, i: first!.ts.i })).toBeUndefined();
    expect(await query.oldestAfter({ t: first!.ts.t, i: first!.ts.i - 1 })).toEqual(first!.ts);
    // As on a loaded server: an entry whose ts is older than the first one's, later in natural order.
    const earlier = new Timestamp({ t: first!.ts.t - 10, i: 1 });
    await oplog().insertOne({ ts: earlier, op: 'n', ns: '', o: {} } as never);
    expect(await query.oldestAfter({ t: first!.ts.t - 5, i: 0 })).toBeUndefined();
    expect(await query.oldestAfter({ t: first!.ts.t - 20, i: 0 })).toEqual(earlier);
  });
});

/** On a private FerretDB storing in PostgreSQL, as `make start` and the benchmark run it. */
describe('querying FerretDB’s local.oplog.rs (a private FerretDB over PostgreSQL that keeps one)', () => {
  const db = `query_${randomBytes(4).toString('hex')}`;
  let ferret: PrivateFerretDb;
  let client: MongoClient;
  const oplog = () => client.db('local').collection<OplogDocument>('oplog.rs');
  const explain = (find: Document) => explainOf(client)(find);
  const ts = (t: number, i: number) => new Timestamp({ t, i });

  beforeAll(async () => {
    ferret = await startPrivateFerretDbWithOplog('ir-spec-ferretdb-', 'postgresql');
    client = await MongoClient.connect(ferret.uri);
  }, 90_000);
  afterAll(async () => {
    await client?.close();
    await ferret?.stop();
  });

  it('FerretDB hands PostgreSQL an equality on ns, beside a ts range and an $in it applies itself; never $in, a range or a sort', async () => {
    const ns = `${db}.items`;
    expect(await explain({ filter: { ns } })).toMatchObject({ filter: true });
    // The reader's query: `ns` goes to PostgreSQL, the rest is applied by FerretDB to that namespace's rows.
    expect(await explain({ filter: { ns, ts: { $gt: ts(1, 1) }, op: { $in: ['i', 'u', 'd'] } }, sort: { ts: 1 }, limit: 10 })).toEqual({
      filter: true,
      sort: false,
      limit: false,
    });
    expect(await explain({ filter: { ns: { $in: [ns] } } })).toMatchObject({ filter: false });
    expect(await explain({ filter: { ts: { $gt: ts(1, 1) } } })).toMatchObject({ filter: false });
    expect(await explain({ filter: {}, limit: 10 })).toEqual({ filter: false, sort: true, limit: true });
    expect(await new NamespacePushdown(oplog, 10_000).available()).toBe(true);
  });

  it('asks the same of a client with its own operation timeout, as the capture’s source clients have', async () => {
    // The driver refuses maxTimeMS on an explain when the client sets timeoutMS: the capture then retried for ever.
    const bounded = await MongoClient.connect(ferret.uri, { timeoutMS: 10_000 });
    try {
      const pushdown = new NamespacePushdown(() => bounded.db('local').collection<OplogDocument>('oplog.rs'), 5_000);
      expect(await pushdown.available()).toBe(true);
    } finally {
      await bounded.close();
    }
  });

  it('PostgreSQL serves that equality from the GIN twin of the ns index the oplog is made with, not a scan of every entry', async () => {
    expect((await oplog().indexes()).map((index) => index.key)).toContainEqual({ ns: 1 });
    const plan = await client.db('local').command({ explain: { find: 'oplog.rs', filter: { ns: `${db}.items` } } });
    const indexes = JSON.stringify(plan.queryPlanner).match(/"Index Name":"[^"]*"/g);
    expect(indexes).toEqual([expect.stringMatching(/_gin"$/)]);
  });

  it('reads each namespace by itself and merges them in ts order, other namespaces and operations left out', async () => {
    const query = new OplogQuery(oplog, 10_000, new NamespacePushdown(oplog, 10_000));
    const [start] = await oplog()
      .find({}, { sort: { ts: -1 }, limit: 1 })
      .toArray();
    const from = start ? { t: start.ts.t, i: start.ts.i } : { t: 0, i: 0 };
    const a = client.db(db).collection<{ _id: number; v?: number }>('a');
    const b = client.db(db).collection<{ _id: number; v?: number }>('b');
    await a.insertOne({ _id: 1 });
    await b.insertOne({ _id: 1 });
    await client.db(db).collection<{ _id: number }>('other').insertOne({ _id: 1 });
    await a.updateOne({ _id: 1 }, { $set: { v: 2 } });
    await b.deleteOne({ _id: 1 });
    const read = await query.after(from, [`${db}.a`, `${db}.b`], 10);
    expect(read.map((entry) => [entry.ns.slice(db.length + 1), entry.op])).toEqual([
      ['a', 'i'],
      ['b', 'i'],
      ['a', 'u'],
      ['b', 'd'],
    ]);
    expect(read.every((entry, k) => k === 0 || isAfter(entry.ts, read[k - 1]!.ts))).toBe(true);
    expect(await query.after(from, [`${db}.a`, `${db}.b`], 3)).toEqual(read.slice(0, 3));
    expect(await query.after({ t: read[1]!.ts.t, i: read[1]!.ts.i }, [`${db}.a`, `${db}.b`], 10)).toEqual(read.slice(2));
  });

  it('never cuts a read between entries of one ts, nor past what a full namespace may still hold', async () => {
    const query = new OplogQuery(oplog, 10_000, new NamespacePushdown(oplog, 10_000));
    const t = Math.floor(Date.now() / 1000) - 3_600;
    const entry = (name: string, i: number) => ({ ts: ts(t, i), op: 'i', ns: `${db}.${name}`, o: { _id: `${name}${i}` } });
    // Written straight into the oplog: FerretDB's own entries never share a ts.
    await oplog().insertMany([entry('tie_a', 1), entry('tie_b', 1), entry('tie_a', 2), entry('tie_b', 3)] as never[]);
    const namespaces = [`${db}.tie_a`, `${db}.tie_b`];
    const ids = async (max: number) => (await query.after({ t: t - 1, i: 0 }, namespaces, max)).map((e) => e.o._id as string);
    expect(await ids(1)).toEqual(['tie_a1', 'tie_b1']);
    // Both reads full: tie_a may hold more at ts 2, tie_b more before its ts 3.
    expect(await ids(2)).toEqual(['tie_a1', 'tie_b1']);
    expect(await ids(3)).toEqual(['tie_a1', 'tie_b1', 'tie_a2']);
    expect(await ids(4)).toEqual(['tie_a1', 'tie_b1', 'tie_a2', 'tie_b3']);
  });
});
