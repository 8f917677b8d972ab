// The service's own database going away and coming back, against a private FerretDB on a fixed port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, MongoServerSelectionError } from 'mongodb';
import { Schema, type Connection } from 'mongoose';
import { startFerretDb, type FerretDbHandle } from '../../../tools/infra/ferretdb';
import { freePort } from '../../../tools/infra/free-port';
import { connectMongo, isStorageUnreachable } from './storage';

jest.setTimeout(60_000);

describe('the service database when its server goes away', () => {
  let dir: string;
  let port: number;
  let ferret: FerretDbHandle;
  let connection: Connection;
  const start = () => startFerretDb({ dataDir: join(dir, 'data'), logFile: join(dir, 'ferretdb.log'), port });
  const things = () => connection.db!.collection('things');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-spec-storage-'));
    port = await freePort();
    ferret = await start();
    connection = await connectMongo({ uri: ferret.uri, dbName: 'storage_spec' });
    await things().insertOne({ name: 'kept' });
  });

  afterAll(async () => {
    await connection?.close();
    await ferret?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails fast with an error that says the database is unreachable, and works again once it is back', async () => {
    await ferret.process.kill9();
    const started = Date.now();
    const error = await connection
      .model('Thing', new Schema({ name: String }))
      .findOne({ name: 'kept' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // Not buffered for 10 s, as mongoose would: the driver's own error within its server selection time
    // (or, for the first operation after the server died, the socket's EPIPE at once).
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await isStorageUnreachable(error, connection)).toBe(true);

    ferret = await start();
    const deadline = Date.now() + 20_000;
    let found: unknown;
    while (!found && Date.now() < deadline)
      found = await things()
        .findOne({ name: 'kept' })
        .catch(() => undefined);
    expect(found).toMatchObject({ name: 'kept' });
  });

  it('does not take an error of another database for its own while it is connected', async () => {
    const closed = await freePort();
    const target = new MongoClient(`mongodb://127.0.0.1:${closed}/`, { serverSelectionTimeoutMS: 200 });
    const error = await target
      .db('x')
      .command({ ping: 1 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    await target.close();
    expect(error).toBeInstanceOf(MongoServerSelectionError);
    expect(await things().findOne({ name: 'kept' })).toMatchObject({ name: 'kept' });
    expect(await isStorageUnreachable(error, connection)).toBe(false);
  });
});
