import { randomBytes } from 'node:crypto';
import { MongoClient, Timestamp, type Document } from 'mongodb';
import { startPrivateFerretDbWithOplog, type PrivateFerretDb } from '@ir/testing';
import type { OplogDocument } from './oplog-document';
import { OplogQuery } from './oplog-query';

/**
 * On a private FerretDB (SQLite, as the tests and the benchmark run it; `make start` stores in
 * PostgreSQL, whose backend also pushes down a lone limit and, besides, a single scalar equality such
 * as `{ ns: 'a.b' }`, never a range or `$in`: checked by hand against FerretDB 1.24, not here).
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

  it('tells whether the oldest entry is newer than a position, from the first in natural order and, when it is, the oldest ts', async () => {
    await client
      .db(db)
      .collection<{ _id: number }>('items')
      .insertMany([{ _id: 1 }, { _id: 2 }]);
    const query = new OplogQuery(oplog, 10_000);
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
