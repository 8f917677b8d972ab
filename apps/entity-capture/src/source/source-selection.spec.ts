import { MongoClient } from 'mongodb';
import { startPrivateFerretDbWithOplog, type PrivateFerretDb } from '@ir/testing';
import { FerretOplogReader } from './ferret-oplog-reader';
import { openSourceReader, sourceKindOf, SourceWithoutChanges } from './source-selection';

// Change streams need a replica set; none runs here. What is tested on real servers is the choice:
// FerretDB (no change streams) with local.oplog.rs falls back to the oplog reader, and without one it is refused.
describe('choosing how a source is read (real FerretDB)', () => {
  let ferret: PrivateFerretDb;
  let withOplog: MongoClient;
  let withoutOplog: MongoClient;

  beforeAll(async () => {
    ferret = await startPrivateFerretDbWithOplog();
    withOplog = await MongoClient.connect(ferret.uri);
    const shared = process.env.TEST_MONGODB_URI;
    if (!shared) throw new Error('TEST_MONGODB_URI is set by the unit global setup');
    withoutOplog = await MongoClient.connect(shared);
  }, 60_000);
  afterAll(async () => {
    await withOplog?.close();
    await withoutOplog?.close();
    await ferret?.stop();
  });

  it('reads FerretDB’s local.oplog.rs: it has no change streams', async () => {
    expect(await sourceKindOf(withOplog)).toBe('oplog');
    expect(await openSourceReader(withOplog)).toBeInstanceOf(FerretOplogReader);
  });

  it('refuses a server with neither change streams nor an oplog', async () => {
    await expect(sourceKindOf(withoutOplog)).rejects.toBeInstanceOf(SourceWithoutChanges);
  });
});
