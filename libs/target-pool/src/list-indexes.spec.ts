import { MongoClient, type Db } from 'mongodb';
import { listIndexesOf, readIndexListing } from './list-indexes';

describe('readIndexListing (real FerretDB)', () => {
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    const uri = process.env.TEST_MONGODB_URI;
    if (!uri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
    client = await MongoClient.connect(uri);
    db = client.db(`list_indexes_${process.pid}_${Date.now()}`);
    await db.collection('orders').createIndexes([{ key: { status: 1 } }, { key: { email: 1 }, unique: true, name: 'by_email' }]);
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  it('gives the entries the driver cursor gives', async () => {
    const listing = await readIndexListing(db, 'orders');
    expect(listing?.entries()).toEqual(await db.collection('orders').listIndexes().toArray());
    expect(await listIndexesOf(db, 'orders')).toEqual(listing?.entries());
  });

  it('gives the same bytes while the indexes are the same, and other bytes once they change', async () => {
    const first = await readIndexListing(db, 'orders');
    const again = await readIndexListing(db, 'orders');
    expect(first?.bytes).toBeDefined();
    expect(Buffer.compare(first!.bytes!, again!.bytes!)).toBe(0);
    await db.collection('orders').createIndex({ created: -1 });
    const changed = await readIndexListing(db, 'orders');
    expect(Buffer.compare(first!.bytes!, changed!.bytes!)).not.toBe(0);
    expect(changed?.entries().map((e) => e.name)).toContain('created_-1');
  });

  it('answers undefined for a collection that does not exist', async () => {
    expect(await readIndexListing(db, 'nowhere')).toBeUndefined();
    expect(await listIndexesOf(db, 'nowhere')).toBeUndefined();
  });
});
