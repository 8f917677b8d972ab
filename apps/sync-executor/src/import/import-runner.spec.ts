import { DomainError, ErrorCode, RegistryIndexRpc, type IndexDefinitionView, type RpcContract } from '@ir/contracts';
import { currentPrincipal, type BusClient } from '@ir/messaging';
import { TargetConnectionError, type TargetPool, type UriCipher } from '@ir/target-pool';
import { BSON, type Db } from 'mongodb';
import { ImportRunner, WHOLE_COLLECTION, type ImportRequest } from './import-runner';
import { RegistryDefinitions } from './registry-definitions';

const DATABASE_ID = 'a'.repeat(24);
type Entry = Record<string, unknown> & { name: string; key: Record<string, unknown> };

/** A target with the given collections; `null` indexes: listIndexes fails with a server error. */
function fakeDb(collections: Record<string, Entry[] | null>, extra: { name: string; type?: string }[] = []): Db {
  return {
    // A cursor as far as the service reads it: iterated, then closed.
    listCollections: () => {
      const infos = [...Object.keys(collections).map((name) => ({ name, type: 'collection' })), ...extra];
      return { [Symbol.asyncIterator]: () => infos.values(), close: async () => undefined };
    },
    // listIndexes as the driver answers the command with `raw`: the cursor as BSON bytes.
    command: async (command: { listIndexes: string }) => {
      const entries = collections[command.listIndexes];
      if (entries === undefined) throw Object.assign(new Error('ns does not exist'), { code: 26 });
      if (entries === null) throw Object.assign(new Error('boom'), { code: 8000, name: 'MongoServerError' });
      return { cursor: BSON.serialize({ id: 0, ns: `shop.${command.listIndexes}`, firstBatch: entries }), ok: 1 };
    },
  } as unknown as Db;
}

interface Call {
  subject: string;
  payload: Record<string, unknown>;
}

const CONNECTION = {
  database_id: DATABASE_ID,
  project_id: 'e'.repeat(24),
  name: 'shop',
  db_name: 'shop',
  protected: false,
  uri_sealed: {},
  definitions_version: 1,
  server: null,
} as never;

/** A definition as the registry lists it. */
function view(
  collection: string,
  name: string,
  keys: IndexDefinitionView['keys'],
  options: Record<string, unknown> = {},
): IndexDefinitionView {
  const at = new Date(0).toISOString();
  return {
    id: `${name.length}`.padStart(24, 'b'),
    database_id: DATABASE_ID,
    collection,
    name,
    key_signature: '',
    keys,
    options,
    created_at: at,
    updated_at: at,
  };
}

/**
 * The runner over a fake target and a fake registry: the registry lists `defined` and answers creates
 * and updates with `registry` (what it returns, or throws). Only creates and updates are recorded.
 */
function setUp(db: Db | Error, registry: (call: Call) => unknown = () => ({}), defined: IndexDefinitionView[] = []) {
  const calls: Call[] = [];
  const bus = {
    request: async (contract: RpcContract, payload: Record<string, unknown>) => {
      if (contract.subject === RegistryIndexRpc.listByDatabase.subject) return { items: defined };
      const call = { subject: contract.subject, payload };
      calls.push(call);
      return registry(call);
    },
  } as unknown as BusClient;
  const cipher = { open: () => 'mongodb://127.0.0.1:1/' } as unknown as UriCipher;
  const pool = {
    db: async () => {
      if (db instanceof Error) throw db;
      return db;
    },
  } as unknown as TargetPool;
  const runner = new ImportRunner(bus, cipher, pool, new RegistryDefinitions(bus));
  return {
    runner: { run: (request: Omit<ImportRequest, 'database_id'>) => runner.run(CONNECTION, { database_id: DATABASE_ID, ...request }) },
    calls,
  };
}

const idIndex: Entry = { v: 2, key: { _id: 1 }, name: '_id_' };
const status: Entry = { v: 2, key: { status: 1, created_at: -1 }, name: 'status_1_created_at_-1' };
const email: Entry = { v: 2, key: { email: 1 }, name: 'email_1', unique: true };
const STATUS_KEYS = [
  { field: 'status', value: 1 },
  { field: 'created_at', value: -1 },
];

describe('ImportRunner', () => {
  it('creates a definition per real index, never _id_, skipping system collections and views', async () => {
    const db = fakeDb({ orders: [idIndex, status], users: [idIndex, email] }, [{ name: 'system.views' }, { name: 'v', type: 'view' }]);
    const { runner, calls } = setUp(db);
    const result = await runner.run({ on_conflict: 'skip' });
    expect(result).toEqual({
      database_id: DATABASE_ID,
      dry_run: false,
      imported: 2,
      created: [
        { collection: 'orders', name: 'status_1_created_at_-1' },
        { collection: 'users', name: 'email_1' },
      ],
      skipped: [],
      differences: [],
      failed: [],
      counts: { imported: 2, skipped: 0, differences: 0, failed: 0 },
    });
    expect(calls.map((c) => c.payload)).toEqual([
      { database_id: DATABASE_ID, collection: 'orders', name: 'status_1_created_at_-1', keys: STATUS_KEYS },
      {
        database_id: DATABASE_ID,
        collection: 'users',
        name: 'email_1',
        keys: [{ field: 'email', value: 1 }],
        options: { is_unique: true },
      },
    ]);
  });

  it('writes the definitions as the sync-executor: the import’s own audit entries count them', async () => {
    const writers: (string | undefined)[] = [];
    const { runner } = setUp(fakeDb({ orders: [status] }), () => void writers.push(currentPrincipal()?.id));
    await runner.run({ on_conflict: 'skip' });
    expect(writers).toEqual(['sync-executor']);
  });

  it('reads only the given collections; a missing one has nothing to import', async () => {
    const { runner, calls } = setUp(fakeDb({ orders: [status], users: [email] }));
    const result = await runner.run({ collections: ['users', 'nope', 'users'], on_conflict: 'skip' });
    expect(result.counts).toEqual({ imported: 1, skipped: 0, differences: 0, failed: 0 });
    expect(calls.map((c) => c.payload.collection)).toEqual(['users']);
  });

  it('a dry run answers the same and writes nothing', async () => {
    const defined = [view('users', 'email_1', [{ field: 'email', value: 1 }])];
    const { runner, calls } = setUp(fakeDb({ orders: [status], users: [email] }), () => ({}), defined);
    const result = await runner.run({ on_conflict: 'overwrite', dry_run: true });
    expect(result.dry_run).toBe(true);
    expect(result.created).toEqual([{ collection: 'orders', name: 'status_1_created_at_-1' }]);
    expect(result.differences).toMatchObject([{ collection: 'users', name: 'email_1', fields: ['unique'], resolution: 'overwritten' }]);
    expect(result.counts).toEqual({ imported: 2, skipped: 0, differences: 1, failed: 0 });
    expect(calls).toEqual([]);
  });

  it('leaves an index its definition describes exactly alone, as already defined', async () => {
    const defined = [view('users', 'email_1', [{ field: 'email', value: 1 }], { is_unique: true })];
    const { runner, calls } = setUp(fakeDb({ users: [email] }), () => ({}), defined);
    const result = await runner.run({ on_conflict: 'overwrite' });
    expect(result.skipped).toEqual([{ collection: 'users', name: 'email_1', reason: expect.stringContaining('already defined') }]);
    expect(calls).toEqual([]);
  });

  it('reports a live index that differs from the definition of its name, with both forms, and keeps the definition by default', async () => {
    const defined = [view('users', 'email_1', [{ field: 'email', value: 1 }])];
    const { runner, calls } = setUp(fakeDb({ users: [email] }), () => ({}), defined);
    const result = await runner.run({ on_conflict: 'skip' });
    expect(result.differences).toEqual([
      {
        collection: 'users',
        name: 'email_1',
        definition_name: 'email_1',
        fields: ['unique'],
        defined: { name: 'email_1', keys: [{ field: 'email', value: 1 }], options: {} },
        live: { name: 'email_1', keys: [{ field: 'email', value: 1 }], options: { is_unique: true } },
        resolution: 'kept',
      },
    ]);
    expect(result.skipped).toEqual([]);
    expect(result.imported).toBe(0);
    expect(calls).toEqual([]);
  });

  it('overwrites the definition a live index stands for with on_conflict overwrite, clearing options the real index lacks', async () => {
    const existing = view('orders', 'by_status', STATUS_KEYS, { sparse: true });
    const { runner, calls } = setUp(fakeDb({ orders: [status] }), () => ({}), [existing]);
    const result = await runner.run({ on_conflict: 'overwrite' });
    expect(result.counts).toEqual({ imported: 1, skipped: 0, differences: 1, failed: 0 });
    expect(result.differences?.[0]).toMatchObject({
      name: 'status_1_created_at_-1',
      definition_name: 'by_status',
      fields: ['sparse', 'name'],
    });
    expect(calls).toEqual([
      {
        subject: RegistryIndexRpc.update.subject,
        payload: { id: existing.id, changes: { name: 'status_1_created_at_-1', keys: STATUS_KEYS, options: {} } },
      },
    ]);
  });

  it('fails an overwrite that the registry refuses, naming the definition it tried to replace', async () => {
    const { runner } = setUp(
      fakeDb({ orders: [status] }),
      () => {
        throw new DomainError(ErrorCode.conflict, 'index "other" already exists with this key');
      },
      [view('orders', 'by_status', STATUS_KEYS, { sparse: true })],
    );
    const result = await runner.run({ on_conflict: 'overwrite' });
    expect(result.failed).toEqual([
      {
        collection: 'orders',
        name: 'status_1_created_at_-1',
        reason: 'cannot overwrite "by_status": index "other" already exists with this key',
      },
    ]);
    expect(result.differences?.[0]?.resolution).toBe('kept');
  });

  it('skips an index defined meanwhile, with the registry’s reason', async () => {
    const conflict = new DomainError(ErrorCode.conflict, 'index "email_1" in users already exists with this name');
    const { runner } = setUp(fakeDb({ users: [email] }), () => {
      throw conflict;
    });
    const result = await runner.run({ on_conflict: 'skip' });
    expect(result.skipped).toEqual([{ collection: 'users', name: 'email_1', reason: `defined meanwhile: ${conflict.message}` }]);
  });

  it('fails what the registry’s validation refuses, and goes on', async () => {
    const { runner } = setUp(fakeDb({ orders: [status], users: [email] }), (call) => {
      if (call.payload.collection === 'orders') throw new DomainError(ErrorCode.validation, 'invalid request body: keys: nope');
      return {};
    });
    const result = await runner.run({ on_conflict: 'skip' });
    expect(result.failed).toEqual([{ collection: 'orders', name: 'status_1_created_at_-1', reason: 'invalid request body: keys: nope' }]);
    expect(result.counts).toEqual({ imported: 1, skipped: 0, differences: 0, failed: 1 });
  });

  it('fails an index with options a definition cannot express, without asking the registry', async () => {
    const { runner, calls } = setUp(fakeDb({ orders: [{ v: 2, key: { a: 1 }, name: 'a_1', storageEngine: { wiredTiger: {} } }] }));
    const result = await runner.run({ on_conflict: 'skip' });
    expect(result.failed).toEqual([{ collection: 'orders', name: 'a_1', reason: expect.stringContaining('storageEngine') }]);
    expect(calls).toHaveLength(0);
  });

  it('reports a collection whose indexes cannot be read as failed as a whole', async () => {
    const { runner } = setUp(fakeDb({ orders: null, users: [email] }));
    const result = await runner.run({ on_conflict: 'skip' });
    expect(result.failed).toEqual([
      { collection: 'orders', name: WHOLE_COLLECTION, reason: expect.stringContaining('cannot read the indexes') },
    ]);
    expect(result.imported).toBe(1);
  });

  it('answers an unreachable target with its domain error (502)', async () => {
    const { runner } = setUp(new TargetConnectionError('unreachable', 'mongodb://127.0.0.1:1/', 'cannot reach the target'));
    await expect(runner.run({ on_conflict: 'skip' })).rejects.toMatchObject({ code: ErrorCode.badGateway });
  });

  it('ends the whole import when the database is gone', async () => {
    const { runner } = setUp(fakeDb({ orders: [status] }), () => {
      throw new DomainError(ErrorCode.notFound, 'database not found');
    });
    await expect(runner.run({ on_conflict: 'skip' })).rejects.toMatchObject({ code: ErrorCode.notFound });
  });
});
