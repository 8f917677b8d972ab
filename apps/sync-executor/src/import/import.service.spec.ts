import { AuditEntry, DomainError, ErrorCode, RegistryDatabaseRpc, RegistryIndexRpc, type Principal, type RpcContract } from '@ir/contracts';
import { actingAs } from '@ir/testing';
import { AuditTrail, currentPrincipal, type BusClient } from '@ir/messaging';
import { TargetConnectionError, type TargetPool, type UriCipher } from '@ir/target-pool';
import { BSON, type Db } from 'mongodb';
import { ImportService, WHOLE_COLLECTION } from './import.service';

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
  /** Whom the registry was asked for. */
  as?: Principal['kind'];
}

function setUp(db: Db | Error, registry: (call: Call) => unknown = () => ({}), caller: Principal = EDITOR) {
  const calls: Call[] = [];
  const bus = {
    request: async (contract: RpcContract, payload: Record<string, unknown>) => {
      const call = { subject: contract.subject, payload };
      if (contract.subject === RegistryDatabaseRpc.connection.subject) {
        return {
          database_id: DATABASE_ID,
          project_id: PROJECT,
          name: 'shop',
          db_name: 'shop',
          protected: false,
          uri_sealed: {},
          definitions_version: 1,
        };
      }
      calls.push(call);
      return registry({ ...call, as: currentPrincipal()?.kind });
    },
  } as unknown as BusClient;
  const entries: AuditEntry[] = [];
  const trail = new AuditTrail(
    { publish: async (_contract: unknown, entry: AuditEntry) => void entries.push(AuditEntry.parse(entry)) } as unknown as BusClient,
    'sync-executor',
  );
  const cipher = { open: () => 'mongodb://127.0.0.1:1/' } as unknown as UriCipher;
  const pool = {
    db: async () => {
      if (db instanceof Error) throw db;
      return db;
    },
  } as unknown as TargetPool;
  return { service: actingAs(caller, new ImportService(bus, cipher, pool, trail)), calls, entries };
}

const idIndex: Entry = { v: 2, key: { _id: 1 }, name: '_id_' };
const status: Entry = { v: 2, key: { status: 1, created_at: -1 }, name: 'status_1_created_at_-1' };
const email: Entry = { v: 2, key: { email: 1 }, name: 'email_1', unique: true };

const PROJECT = 'e'.repeat(24);
/** Imports need the editor's permission in the database's project. */
const EDITOR: Principal = { kind: 'user', id: 'u-ed', name: 'eve', system_admin: false, projects: { [PROJECT]: 'editor' } };

describe('ImportService', () => {
  it('records the import requested and finished with its counts, and writes the definitions as the sync-executor', async () => {
    const kinds: (string | undefined)[] = [];
    const { service, entries } = setUp(fakeDb({ orders: [idIndex, status] }), (call) => void kinds.push(call.as));
    await service.import({ database_id: DATABASE_ID, on_conflict: 'skip' });
    expect(kinds).toEqual(['service']);
    expect(entries.map((e) => [e.action, e.outcome, e.actor?.id, e.project_id, e.target])).toEqual([
      ['import.requested', 'succeeded', EDITOR.id, PROJECT, { kind: 'import', id: DATABASE_ID, name: 'shop' }],
      ['import.finished', 'succeeded', EDITOR.id, PROJECT, { kind: 'import', id: DATABASE_ID, name: 'shop' }],
    ]);
    expect(entries[1].details).toMatchObject({ imported: 1, skipped: 0, failed: 0 });
  });

  it('records a queued import only when it finished: the registry that queued it recorded the request', async () => {
    const { service, entries } = setUp(fakeDb({ orders: [status] }));
    await service.import({ database_id: DATABASE_ID, on_conflict: 'skip' }, true);
    expect(entries.map((e) => e.action)).toEqual(['import.finished']);
  });

  it('records a 403 as a denied import and imports nothing', async () => {
    const viewer: Principal = { ...EDITOR, projects: { [PROJECT]: 'viewer' } };
    const { service, calls, entries } = setUp(fakeDb({ orders: [status] }), undefined, viewer);
    await expect(service.import({ database_id: DATABASE_ID, on_conflict: 'skip' })).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    expect(calls).toEqual([]);
    expect(entries.map((e) => [e.action, e.outcome, e.details])).toEqual([['import.requested', 'denied', { permission: 'imports:run' }]]);
  });

  it('creates a definition per real index, never _id_, skipping system collections and views', async () => {
    const db = fakeDb({ orders: [idIndex, status], users: [idIndex, email] }, [{ name: 'system.views' }, { name: 'v', type: 'view' }]);
    const { service, calls } = setUp(db);
    const result = await service.import({ database_id: DATABASE_ID, on_conflict: 'skip' });
    expect(result).toEqual({
      database_id: DATABASE_ID,
      imported: 2,
      skipped: [],
      failed: [],
      counts: { imported: 2, skipped: 0, failed: 0 },
    });
    expect(calls.map((c) => c.payload)).toEqual([
      {
        database_id: DATABASE_ID,
        collection: 'orders',
        name: 'status_1_created_at_-1',
        keys: [
          { field: 'status', value: 1 },
          { field: 'created_at', value: -1 },
        ],
      },
      {
        database_id: DATABASE_ID,
        collection: 'users',
        name: 'email_1',
        keys: [{ field: 'email', value: 1 }],
        options: { is_unique: true },
      },
    ]);
  });

  it('reads only the given collections; a missing one has nothing to import', async () => {
    const { service, calls } = setUp(fakeDb({ orders: [status], users: [email] }));
    const result = await service.import({ database_id: DATABASE_ID, collections: ['users', 'nope', 'users'], on_conflict: 'skip' });
    expect(result.counts).toEqual({ imported: 1, skipped: 0, failed: 0 });
    expect(calls.map((c) => c.payload.collection)).toEqual(['users']);
  });

  it('skips a conflict with the registry’s reason by default', async () => {
    const conflict = new DomainError(ErrorCode.conflict, 'index "email_1" in users already exists with this name', undefined, {
      existing_id: 'b'.repeat(24),
    });
    const { service, calls } = setUp(fakeDb({ users: [email] }), () => {
      throw conflict;
    });
    const result = await service.import({ database_id: DATABASE_ID, on_conflict: 'skip' });
    expect(result.skipped).toEqual([{ collection: 'users', name: 'email_1', reason: conflict.message }]);
    expect(result.counts).toEqual({ imported: 0, skipped: 1, failed: 0 });
    expect(calls).toHaveLength(1);
  });

  it('overwrites the existing definition on conflict with on_conflict overwrite, clearing options the real index lacks', async () => {
    const existing = 'b'.repeat(24);
    const { service, calls } = setUp(fakeDb({ orders: [status] }), (call) => {
      if (call.subject === RegistryIndexRpc.create.subject) {
        throw new DomainError(ErrorCode.conflict, 'duplicate', undefined, { existing_id: existing, existing_name: 'by_status' });
      }
      return {};
    });
    const result = await service.import({ database_id: DATABASE_ID, on_conflict: 'overwrite' });
    expect(result.counts).toEqual({ imported: 1, skipped: 0, failed: 0 });
    expect(calls[1]).toEqual({
      subject: RegistryIndexRpc.update.subject,
      payload: {
        id: existing,
        changes: { name: 'status_1_created_at_-1', keys: (calls[0].payload as { keys: unknown }).keys, options: {} },
      },
    });
  });

  it('fails an overwrite that the registry refuses, naming the definition it tried to replace', async () => {
    const { service } = setUp(fakeDb({ orders: [status] }), (call) => {
      if (call.subject === RegistryIndexRpc.create.subject) {
        throw new DomainError(ErrorCode.conflict, 'duplicate', undefined, { existing_id: 'b'.repeat(24), existing_name: 'by_status' });
      }
      throw new DomainError(ErrorCode.conflict, 'index "other" already exists with this key');
    });
    const result = await service.import({ database_id: DATABASE_ID, on_conflict: 'overwrite' });
    expect(result.failed).toEqual([
      {
        collection: 'orders',
        name: 'status_1_created_at_-1',
        reason: 'cannot overwrite "by_status": index "other" already exists with this key',
      },
    ]);
  });

  it('fails what the registry’s validation refuses, and goes on', async () => {
    const { service } = setUp(fakeDb({ orders: [status], users: [email] }), (call) => {
      if (call.payload.collection === 'orders') throw new DomainError(ErrorCode.validation, 'invalid request body: keys: nope');
      return {};
    });
    const result = await service.import({ database_id: DATABASE_ID, on_conflict: 'skip' });
    expect(result.failed).toEqual([{ collection: 'orders', name: 'status_1_created_at_-1', reason: 'invalid request body: keys: nope' }]);
    expect(result.counts).toEqual({ imported: 1, skipped: 0, failed: 1 });
  });

  it('fails an index with options a definition cannot express, without asking the registry', async () => {
    const { service, calls } = setUp(fakeDb({ orders: [{ v: 2, key: { a: 1 }, name: 'a_1', prepareUnique: true }] }));
    const result = await service.import({ database_id: DATABASE_ID, on_conflict: 'skip' });
    expect(result.failed).toEqual([{ collection: 'orders', name: 'a_1', reason: expect.stringContaining('prepareUnique') }]);
    expect(calls).toHaveLength(0);
  });

  it('reports a collection whose indexes cannot be read as failed as a whole', async () => {
    const { service } = setUp(fakeDb({ orders: null, users: [email] }));
    const result = await service.import({ database_id: DATABASE_ID, on_conflict: 'skip' });
    expect(result.failed).toEqual([
      { collection: 'orders', name: WHOLE_COLLECTION, reason: expect.stringContaining('cannot read the indexes') },
    ]);
    expect(result.imported).toBe(1);
  });

  it('answers an unreachable target with its domain error (502)', async () => {
    const { service } = setUp(new TargetConnectionError('unreachable', 'mongodb://127.0.0.1:1/', 'cannot reach the target'));
    await expect(service.import({ database_id: DATABASE_ID, on_conflict: 'skip' })).rejects.toMatchObject({ code: ErrorCode.badGateway });
  });

  it('ends the whole import when the database is gone', async () => {
    const { service } = setUp(fakeDb({ orders: [status] }), () => {
      throw new DomainError(ErrorCode.notFound, 'database not found');
    });
    await expect(service.import({ database_id: DATABASE_ID, on_conflict: 'skip' })).rejects.toMatchObject({ code: ErrorCode.notFound });
  });
});
