import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Document, MongoClient, ObjectId, type Timestamp } from 'mongodb';
import { Client } from 'pg';
import { startFerretDb, type FerretDbHandle } from './ferretdb';
import { ferretDbBackend, prepareFerretDbDatabase } from './ferretdb-postgres';

// The first run may build FerretDB (about a minute).
jest.setTimeout(180_000);

/** Every plan node's type, depth first: FerretDB's explain carries PostgreSQL's EXPLAIN (FORMAT JSON). */
function nodeTypes(plan: Document): string[] {
  const children = (plan.Plans as Document[] | undefined) ?? [];
  return [plan['Node Type'] as string, ...children.flatMap(nodeTypes)];
}

describe('FerretDB on PostgreSQL', () => {
  let dir: string;
  let storeUrl: string;
  let ferret: FerretDbHandle;
  let client: MongoClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-ferretdb-pg-'));
    const database = `ferretdb_spec_${randomBytes(4).toString('hex')}`;
    storeUrl = await prepareFerretDbDatabase(process.env.TEST_POSTGRES_URL as string, database);
    ferret = await startFerretDb({ postgresUrl: storeUrl, logFile: join(dir, 'ferretdb.log') });
    client = await MongoClient.connect(ferret.uri, { serverSelectionTimeoutMS: 10_000 });
  });
  afterAll(async () => {
    await client?.close();
    await ferret?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const explain = async (filter: Document): Promise<string[]> => {
    const answer = await client.db('shop').command({ explain: { find: 'definitions', filter } });
    expect(answer.filterPushdown).toBe(true);
    return nodeTypes((answer.queryPlanner as Document).Plan as Document);
  };

  it('serves _id and indexed top-level equalities from indexes; the password is not in its arguments', async () => {
    const definitions = client.db('shop').collection<{ _id: string; database_id: string; collection: string; note: string }>('definitions');
    await definitions.createIndex({ database_id: 1, collection: 1 });
    const docs = Array.from({ length: 5_000 }, (_, i) => ({
      _id: `d${i}`,
      database_id: `db${i % 500}`,
      collection: `c${i % 7}`,
      note: `n${i}`,
    }));
    await definitions.insertMany(docs);
    const pg = new Client({ connectionString: storeUrl });
    await pg.connect();
    try {
      await pg.query('ANALYZE');
    } finally {
      await pg.end();
    }

    expect(await explain({ _id: 'd42' })).toContain('Bitmap Index Scan');
    expect(await explain({ database_id: 'db3', collection: 'c2' })).toContain('Bitmap Index Scan');
    expect(await explain({ database_id: 'db3' })).toContain('Bitmap Index Scan');
    // no index on `note`: the filter is still SQL, on a scan (the planner also scans when a value matches much of the table)
    expect(await explain({ note: 'n1' })).not.toContain('Bitmap Index Scan');
    expect(await definitions.find({ database_id: 'db3', collection: 'c2' }).toArray()).toHaveLength(
      docs.filter((doc) => doc.database_id === 'db3' && doc.collection === 'c2').length,
    );

    expect(readFileSync(`/proc/${ferret.process.pid}/cmdline`, 'utf8')).not.toContain(new URL(storeUrl).password);
  });

  it('reads a table of few large documents (TOASTed) by the _id index before it is analysed, not by a scan', async () => {
    // as the registry's definition sets: 1,000 documents of a database's definitions each
    const sets = client.db('shop').collection<{ _id: ObjectId; definitions: Document[] }>('sets');
    const ids = Array.from({ length: 1_000 }, () => new ObjectId());
    const definitions = (i: number): Document[] =>
      Array.from({ length: 100 }, (_, k) => ({
        _id: new ObjectId(),
        name: `field_${k}_1`,
        keys: [{ field: `field_${k}`, value: 1 }],
        collection: `c${i % 20}`,
      }));
    for (let start = 0; start < ids.length; start += 100) {
      await sets.insertMany(ids.slice(start, start + 100).map((_id, i) => ({ _id, definitions: definitions(start + i) })));
    }
    const answer = await client.db('shop').command({ explain: { find: 'sets', filter: { _id: ids[500] } } });
    expect(nodeTypes((answer.queryPlanner as Document).Plan as Document)).toContain('Bitmap Index Scan');
  });

  it('drops the twin with its index, and keeps unique indexes unique', async () => {
    const names = client.db('shop').collection('names');
    await names.createIndex({ name: 1 }, { unique: true, name: 'name_unique' });
    await names.insertOne({ name: 'a' });
    await expect(names.insertOne({ name: 'a' })).rejects.toMatchObject({ code: 11000 });

    const twins = async (): Promise<string[]> => {
      const pg = new Client({ connectionString: storeUrl });
      await pg.connect();
      try {
        const rows = await pg.query<{ indexname: string }>(
          `SELECT indexname FROM pg_indexes WHERE schemaname = 'shop' AND indexname LIKE 'names%gin'`,
        );
        return rows.rows.map((row) => row.indexname);
      } finally {
        await pg.end();
      }
    };
    expect(await twins()).toHaveLength(2); // _id and name
    await names.dropIndex('name_unique');
    expect(await twins()).toHaveLength(1);
  });

  it("keeps local.oplog.rs on PostgreSQL as on SQLite (make start's default store): the capture's `ts` query reads each change", async () => {
    const oplogStore = await prepareFerretDbDatabase(
      process.env.TEST_POSTGRES_URL as string,
      `ferretdb_oplog_${randomBytes(4).toString('hex')}`,
    );
    const withOplog = await startFerretDb({ postgresUrl: oplogStore, logFile: join(dir, 'ferretdb-oplog.log'), oplog: true });
    const source = await MongoClient.connect(withOplog.uri, { serverSelectionTimeoutMS: 10_000 });
    try {
      const oplog = source.db('local').collection<{ ts: Timestamp; op: string; ns: string }>('oplog.rs');
      const things = source.db('src').collection<{ _id: number; n: number; m?: number }>('things');
      await things.insertOne({ _id: 1, n: 1 });
      const [first] = await oplog.find({ ns: 'src.things' }, { sort: { ts: 1 } }).toArray();
      expect(first).toMatchObject({ op: 'i', o: { _id: 1, n: 1 } });
      await things.updateOne({ _id: 1 }, { $set: { m: 2 } });
      await things.deleteOne({ _id: 1 });
      // What the capture asks (FerretOplogReader): the entries after the last one it saw.
      const after = await oplog
        .find({ ts: { $gt: first!.ts }, ns: 'src.things' }, { sort: { ts: 1 }, projection: { _id: 0, op: 1, o: 1, o2: 1 } })
        .toArray();
      expect(after).toEqual([
        { op: 'u', o: { $v: 1, $set: { _id: 1, n: 1, m: 2 } }, o2: { _id: 1 } },
        { op: 'd', o: { _id: 1 } },
      ]);
    } finally {
      await source.close();
      await withOplog.process.stop();
    }
  });

  it('prepares an existing database again without error (a second make start)', async () => {
    await expect(prepareFerretDbDatabase(process.env.TEST_POSTGRES_URL as string, new URL(storeUrl).pathname.slice(1))).resolves.toBe(
      storeUrl,
    );
  });
});

describe('FERRETDB_BACKEND', () => {
  it('takes postgresql or sqlite, falls back when unset, and refuses anything else by name', () => {
    expect(ferretDbBackend('sqlite', 'postgresql')).toBe('sqlite');
    expect(ferretDbBackend('postgresql', 'sqlite')).toBe('postgresql');
    expect(ferretDbBackend(undefined, 'postgresql')).toBe('postgresql');
    expect(ferretDbBackend('', 'sqlite')).toBe('sqlite');
    expect(() => ferretDbBackend('postgres', 'sqlite')).toThrow(/FERRETDB_BACKEND="postgres": expected postgresql or sqlite/);
  });
});
