import { CAPABILITIES, featuresOfSpec, lacks, type Feature, type MongoIndexSpec, type TargetCapabilities } from '@ir/index-core';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { BSON, MongoClient, type Db } from 'mongodb';
import { TargetPolicy } from '../policy/target-policy';
import { TargetPool } from '../target-pool';
import { CapabilitiesCache } from './capabilities-cache';
import { collModVerdict, PROBE_COLLECTION } from './collmod-probe';
import { probeCapabilities } from './probe-capabilities';
import { identifyServer } from './server-identity';

const mongoUri = (): string => {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
  return uri;
};
const onMongoDb = Boolean(process.env.MONGODB_URI);

describe('probeCapabilities (real embedded FerretDB)', () => {
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    client = await MongoClient.connect(mongoUri());
    db = client.db(`capabilities_${process.pid}_${Date.now()}`);
    await db.collection('items').insertOne({ a: 1 });
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  (onMongoDb ? it.skip : it)('finds FerretDB 1.x, whose embedded build gives no version, and no collMod', async () => {
    const found = await probeCapabilities(db);
    expect(found).toEqual({ server: { kind: 'ferretdb', version: null, mongodbVersion: '7.0.42', line: 1 }, collMod: false });
    expect(lacks(found!, 'collmod_hidden')).toBe(
      'FerretDB 1.x (its build does not report its version) cannot hide or unhide an index (collMod): FerretDB 1.x has not implemented collMod (error 238)',
    );
  });

  it('changes nothing on the target: the probe collection is not created', async () => {
    await probeCapabilities(db);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toEqual(['items']);
    expect(names).not.toContain(PROBE_COLLECTION);
  });

  // Every FerretDB 1.x row of the table, held against the server itself.
  const SPEC_OF: Partial<Record<Feature, Omit<MongoIndexSpec, 'name'> & Pick<MongoIndexSpec, 'key'>>> = {
    text: { key: { t: 'text' } },
    '2dsphere': { key: { g: '2dsphere' } },
    '2d': { key: { g: '2d' } },
    hashed: { key: { h: 'hashed' } },
    compound_hashed: { key: { a: 1, h: 'hashed' } },
    wildcard: { key: { '$**': 1 } },
    compound_wildcard: { key: { a: 1, 'b.$**': 1 } },
    wildcardProjection: { key: { '$**': 1 }, wildcardProjection: { a: 1 } },
    unique: { key: { u: 1 }, unique: true },
    partialFilterExpression: { key: { p: 1 }, partialFilterExpression: { p: 1 } },
    expireAfterSeconds: { key: { at: 1 }, expireAfterSeconds: 60 },
    collation: { key: { c: 1 }, collation: { locale: 'fr' } },
    hidden: { key: { hid: 1 }, hidden: true },
  };
  (onMongoDb ? it.skip : it).each(Object.entries(SPEC_OF))(
    'the table says what the embedded FerretDB does with a %s index',
    async (feature, spec) => {
      const name = `probe_${feature}`;
      expect(featuresOfSpec({ name, ...spec })).toContain(feature);
      const built = await db
        .collection('items')
        .createIndexes([{ name, ...spec } as never])
        .then(
          () => true,
          () => false,
        );
      // `a.$**` is a path it accepts: an ordinary index on a field of that name, not a wildcard one (hence the row);
      // over PostgreSQL `$**` is such a field too, where SQLite fails the build on a collection with documents.
      const onPostgres = process.env.FERRETDB_BACKEND === 'postgresql';
      const buildsSomethingElse = feature === 'compound_wildcard' || (feature === 'wildcard' && onPostgres);
      expect(built).toBe(buildsSomethingElse || CAPABILITIES[feature as Feature].ferretdb1 === undefined);
    },
  );

  (onMongoDb ? it.skip : it)('FerretDB 1.x builds a sparse index without its sparse flag, and drops several at once', async () => {
    await db.collection('items').createIndexes([
      { key: { s: 1 }, name: 's_sparse', sparse: true },
      { key: { d: 1 }, name: 'd_1' },
    ]);
    const listed = await db.collection('items').listIndexes().toArray();
    expect(listed.find((i) => i.name === 's_sparse')).not.toHaveProperty('sparse');
    expect(CAPABILITIES.sparse.ferretdb1).toMatch(/ignores/);
    await db.command({ dropIndexes: 'items', index: ['s_sparse', 'd_1'] });
    expect((await db.collection('items').listIndexes().toArray()).map((i) => i.name)).toEqual(
      listed.map((i) => i.name).filter((n) => n !== 's_sparse' && n !== 'd_1'),
    );
    expect(CAPABILITIES.drop_several.ferretdb1).toBeUndefined();
  });
});

describe('identifyServer (what buildInfo says, never trusted)', () => {
  // MongoDB's documented shape (https://www.mongodb.com/docs/manual/reference/command/buildInfo/), as read with raw: true.
  const MONGODB_REPLY = {
    version: '7.0.12',
    gitVersion: 'b6513ce0781db6818e24619e8a461eae90bc94fc',
    versionArray: BSON.serialize({ 0: 7, 1: 0, 2: 12, 3: 0 }),
    openssl: BSON.serialize({ running: 'OpenSSL 3.0.2' }),
    maxBsonObjectSize: 16777216,
    ok: 1,
  };

  it('MongoDB by its version', () => {
    expect(identifyServer(MONGODB_REPLY)).toEqual({ kind: 'mongodb', version: '7.0.12', mongodbVersion: '7.0.12' });
    expect(identifyServer({ ...MONGODB_REPLY, version: '8.1.0-alpha-123-gabc' })).toEqual({
      kind: 'mongodb',
      version: '8.1.0-alpha-123-gabc',
      mongodbVersion: '8.1.0-alpha-123-gabc',
    });
  });

  it('FerretDB 1.x by ferretdbVersion (its own version, not the MongoDB one it imitates)', () => {
    expect(identifyServer({ version: '7.0.42', ferretdbVersion: 'v1.24.0' })).toEqual({
      kind: 'ferretdb',
      version: 'v1.24.0',
      mongodbVersion: '7.0.42',
      line: 1,
    });
    expect(identifyServer({ version: '7.0.42', ferretdbVersion: 'unknown' })).toEqual({
      kind: 'ferretdb',
      version: null,
      mongodbVersion: '7.0.42',
      line: 1,
    });
  });

  it('FerretDB 2.x by its ferretdb sub-document', () => {
    expect(identifyServer({ version: '7.0.77', ferretdb: BSON.serialize({ version: 'v2.5.0' }) })).toEqual({
      kind: 'ferretdb',
      version: 'v2.5.0',
      mongodbVersion: '7.0.77',
      line: 2,
    });
    expect(identifyServer({ version: '7.0.77', ferretdb: new Uint8Array([1, 2, 3]) })).toEqual({
      kind: 'ferretdb',
      version: null,
      mongodbVersion: '7.0.77',
      line: 2,
    });
  });

  it('a version that is not one is not repeated; a reply of no server is no identity', () => {
    expect(identifyServer({ version: '7.0.12<script>' })).toEqual({ kind: 'mongodb', version: null, mongodbVersion: null });
    expect(identifyServer({ version: 'x'.repeat(10_000) })).toBeUndefined();
    expect(identifyServer({ version: 'v'.repeat(100), ferretdbVersion: 'v1.0.0\nSet-Cookie: x' })).toEqual({
      kind: 'ferretdb',
      version: null,
      mongodbVersion: null,
      line: 1,
    });
    expect(identifyServer({ version: 7 })).toBeUndefined();
    expect(identifyServer(undefined)).toBeUndefined();
    expect(identifyServer('7.0.12')).toBeUndefined();
    const huge = BSON.serialize({ version: 'v2.0.0', pad: 'x'.repeat(10_000) });
    expect(identifyServer({ version: '7.0.77', ferretdb: huge })).toEqual({
      kind: 'ferretdb',
      version: null,
      mongodbVersion: '7.0.77',
      line: 2,
    });
  });
});

describe('collModVerdict (MongoDB error codes, https://www.mongodb.com/docs/manual/reference/error-codes/)', () => {
  it.each([
    [26, true],
    [27, true],
    [59, false],
    [115, false],
    [238, false],
    [13, undefined],
    [50, undefined],
    ['26', undefined],
    [undefined, undefined],
  ])('code %j → %j', (code, verdict) => {
    expect(collModVerdict(code)).toBe(verdict);
  });
});

describe('CapabilitiesCache', () => {
  const FOUND: TargetCapabilities = { server: { kind: 'mongodb', version: '7.0.12' }, collMod: true };
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('probes once for callers that ask together, and keeps the answer until it expires', async () => {
    let now = 0;
    const cache = new CapabilitiesCache({ ttlMs: 1_000, clock: () => now });
    const probe = jest.fn(async () => FOUND);
    const [a, b] = await Promise.all([cache.get('t', probe), cache.get('t', probe)]);
    expect(a).toBe(FOUND);
    expect(b).toBe(FOUND);
    now = 999;
    await cache.get('t', probe);
    expect(probe).toHaveBeenCalledTimes(1);
    now = 1_000;
    await cache.get('t', probe);
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('keeps an answer that could not tell for a shorter while, and a failed probe not at all', async () => {
    let now = 0;
    const cache = new CapabilitiesCache({ ttlMs: 10_000, unknownTtlMs: 100, clock: () => now });
    const unknown = jest.fn(async () => undefined);
    await cache.get('u', unknown);
    now = 100;
    await cache.get('u', unknown);
    expect(unknown).toHaveBeenCalledTimes(2);

    const failing = jest.fn(async (): Promise<TargetCapabilities> => {
      throw new Error('unreachable');
    });
    await expect(cache.get('f', failing)).rejects.toThrow('unreachable');
    await settle();
    await expect(cache.get('f', failing)).rejects.toThrow('unreachable');
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('remembers at most maxEntries targets', async () => {
    const cache = new CapabilitiesCache({ maxEntries: 2 });
    const probe = jest.fn(async () => FOUND);
    for (const key of ['a', 'b', 'c']) await cache.get(key, probe);
    await cache.get('c', probe);
    await cache.get('a', probe);
    expect(probe).toHaveBeenCalledTimes(4);
  });
});

describe('TargetPool.capabilities (real embedded FerretDB)', () => {
  it('probes on the pool client once per target and database, within its time limit', async () => {
    const pool = new TargetPool({ policy: TargetPolicy.loopback(), probeTimeoutMs: 2_000 });
    try {
      const target = { uri: mongoUri(), dbName: `capabilities_pool_${process.pid}` };
      const started = Date.now();
      const first = await pool.capabilities(target);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(first?.server.kind).toBe(onMongoDb ? 'mongodb' : 'ferretdb');
      expect(await pool.capabilities(target)).toBe(first);
      expect(pool.size).toBe(1);
    } finally {
      await pool.close();
    }
  });
});

/** A relay to the test server whose answers can be held back, as a stalled server's would be. */
async function stallingRelay(): Promise<{ uri: string; stall(): void; close(): Promise<void> }> {
  const upstream = new URL(mongoUri());
  const sockets = new Set<Socket>();
  let stalled = false;
  const server = createServer((inbound) => {
    const outbound = connect(Number(upstream.port), upstream.hostname);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
    }
    inbound.pipe(outbound);
    outbound.on('data', (chunk: Buffer) => {
      if (!stalled) inbound.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    stall: () => {
      stalled = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('probeCapabilities on a server that stops answering', () => {
  it('gives up within its time limit and says it could not tell', async () => {
    const relay = await stallingRelay();
    const stalled = await MongoClient.connect(relay.uri);
    try {
      relay.stall();
      const started = Date.now();
      await expect(probeCapabilities(stalled.db('anything'), 300)).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await relay.close();
      await stalled.close().catch(() => undefined);
    }
  });
});
