import { randomBytes } from 'node:crypto';
import { MongoClient, Timestamp, type Document } from 'mongodb';
import { startPrivateFerretDbWithOplog, type PrivateFerretDb } from '@ir/testing';
import type { OplogDocument } from './oplog-document';
import { OplogQuery } from './oplog-query';

/**
 * On a private FerretDB (SQLite, as the tests and the benchmark run it; `make start` stores in
 * PostgreSQL, whose backend also pushes down a lone limit and, besides, a single scalar equality such
 * as `{ ns: 'a.b' }`, never a range or `$in`: checked by hand, not here).
 */
describe('querying FerretDB’s local.oplog.rs (a private FerretDB that keeps one)', () => {
  const db = `query_${randomBytes(4).toString('hex')}`;
  let ferret: PrivateFerretDb;
  let client: MongoClient;
  const oplog = () => client.db('local').collection<OplogDocument>('oplog.rs');
  const explain = async (find: Document) => {
    const plan = await client.db('local').command({ explain: { find: 'oplog.rs', ...find } });
    return { filter: plan.filterPushdown, sort: plan.sortPushdown, limit: plan.limitPushdown };
  };

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
  });

  it('reads the head in natural order and finds there what the query of the whole oplog finds; a full head is queried whole', async () => {
    const items = client.db(db).collection<{ _id: number; n?: number }>('items');
    const start =
      (
        await oplog()
          .find({}, { sort: { ts: -1 }, limit: 1 })
          .toArray()
      )[0]?.ts ?? new Timestamp({ t: 0, i: 0 });
    await items.insertMany([{ _id: 1 }, { _id: 2 }]);
    await client.db(db).collection<{ _id: number }>('other').insertOne({ _id: 1 });
    await items.updateOne({ _id: 1 }, { $set: { n: 1 } });
    await items.deleteOne({ _id: 2 });
    const from = { t: start.t, i: start.i };
    const ns = [`${db}.items`];
    const whole = await new OplogQuery(oplog, 10_000, false).after(from, ns, 10);
    expect(whole.whole).toBeUndefined();
    expect(whole.entries.map((e) => e.op)).toEqual(['i', 'i', 'u', 'd']);
    const head = await new OplogQuery(oplog, 10_000, true).after(from, ns, 10);
    expect(head.entries).toEqual(whole.entries);
    expect(head.whole!.map((e) => e.ns)).toContain(`${db}.other`);
    expect((await new OplogQuery(oplog, 10_000, true).after(from, ns, 2)).entries).toEqual(whole.entries.slice(0, 2));
    // A head that holds no fewer entries than it may: the oplog may hold more, so it is queried whole.
    const full = await new OplogQuery(oplog, 10_000, true, 3).after(from, ns, 10);
    expect(full).toEqual(whole);
  });
});
