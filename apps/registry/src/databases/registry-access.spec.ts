import {
  AuthProjectRpc,
  DomainError,
  ErrorCode,
  RegistryDatabaseRpc,
  RegistryIndexRpc,
  RegistryManifestRpc,
  type Principal,
  type Role,
} from '@ir/contracts';
import { BusClient, runAs } from '@ir/messaging';
import { randomUUID } from 'node:crypto';
import { startRegistryApp, type RegistryApp } from '../testing/registry-app';
import { DATABASE_MODEL, type DatabaseModel } from './database.model';
import { UnownedDatabases } from './unowned-databases';

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);
const member = (id: string, projects: Record<string, Role>): Principal => ({ kind: 'user', id, name: id, system_admin: false, projects });

const adminA = member('admin-a', { [A]: 'admin' });
const viewerA = member('viewer-a', { [A]: 'viewer' });
const editorA = member('editor-a', { [A]: 'editor' });
const adminB = member('admin-b', { [B]: 'admin' });
const root: Principal = { kind: 'user', id: 'root', name: 'root', system_admin: true, projects: {} };

/** The registry through the bus, as the gateway calls it: each request acting for a principal. */
describe('registry: every database and definition is reached through its project', () => {
  let registry: RegistryApp;
  let client: BusClient;
  let databaseA: string;
  let definitionA: string;

  const as = <T>(principal: Principal | undefined, work: () => Promise<T>): Promise<T> => runAs(principal, work);
  const failure = async (work: Promise<unknown>): Promise<{ code: string; permission?: unknown }> => {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
    return { code: error.code, ...(error.details?.['permission'] ? { permission: error.details['permission'] } : {}) };
  };

  beforeAll(async () => {
    registry = await startRegistryApp();
    client = new BusClient(registry.bus, 5_000);
    const created = await as(adminA, () =>
      client.request(RegistryDatabaseRpc.create, {
        project_id: A,
        name: `a-${randomUUID()}`,
        uri: process.env.TEST_MONGODB_URI!,
        db_name: 'access_a',
      }),
    );
    databaseA = created.id;
    const definition = await as(editorA, () =>
      client.request(RegistryIndexRpc.create, { database_id: databaseA, collection: 'orders', keys: [{ field: 'status', value: 1 }] }),
    );
    definitionA = definition.id;
  });
  afterAll(async () => {
    await registry.close();
  });

  it('a member of another project sees nothing: 404 for the database, its definitions and its manifest, and an empty list', async () => {
    expect(await failure(as(adminB, () => client.request(RegistryDatabaseRpc.get, { id: databaseA })))).toEqual({
      code: ErrorCode.notFound,
    });
    expect(await failure(as(adminB, () => client.request(RegistryIndexRpc.get, { id: definitionA })))).toEqual({
      code: ErrorCode.notFound,
    });
    expect(await failure(as(adminB, () => client.request(RegistryIndexRpc.delete, { id: definitionA })))).toEqual({
      code: ErrorCode.notFound,
    });
    expect(await failure(as(adminB, () => client.request(RegistryManifestRpc.export, { database_id: databaseA })))).toEqual({
      code: ErrorCode.notFound,
    });
    expect(
      await failure(as(adminB, () => client.request(RegistryDatabaseRpc.update, { id: databaseA, changes: { name: 'mine now' } }))),
    ).toEqual({ code: ErrorCode.notFound });
    const listed = await as(adminB, () => client.request(RegistryDatabaseRpc.list, {}));
    expect(listed.items.map((d) => d.id)).not.toContain(databaseA);
  });

  it('a member whose role is too low gets 403 naming the permission; the right role passes', async () => {
    expect(await failure(as(viewerA, () => client.request(RegistryDatabaseRpc.delete, { id: databaseA })))).toEqual({
      code: ErrorCode.forbidden,
      permission: 'databases:manage',
    });
    expect(
      await failure(
        as(viewerA, () =>
          client.request(RegistryIndexRpc.create, { database_id: databaseA, collection: 'orders', keys: [{ field: 'x', value: 1 }] }),
        ),
      ),
    ).toEqual({ code: ErrorCode.forbidden, permission: 'definitions:write' });
    expect(
      await failure(as(editorA, () => client.request(RegistryDatabaseRpc.update, { id: databaseA, changes: { protected: true } }))),
    ).toEqual({ code: ErrorCode.forbidden, permission: 'databases:manage' });
    await expect(as(viewerA, () => client.request(RegistryIndexRpc.get, { id: definitionA }))).resolves.toMatchObject({ id: definitionA });
    await expect(
      as(adminA, () => client.request(RegistryDatabaseRpc.update, { id: databaseA, changes: { protected: true } })),
    ).resolves.toMatchObject({
      protected: true,
      project_id: A,
    });
  });

  it('a database goes into the caller’s one administered project when none is named; otherwise the caller must say', async () => {
    const created = await as(adminA, () =>
      client.request(RegistryDatabaseRpc.create, {
        name: `implicit-${randomUUID()}`,
        uri: process.env.TEST_MONGODB_URI!,
        db_name: 'access_b',
      }),
    );
    expect(created.project_id).toBe(A);
    const twoProjects = member('two', { [A]: 'admin', [B]: 'admin' });
    const error = await as(twoProjects, () =>
      client.request(RegistryDatabaseRpc.create, { name: `x-${randomUUID()}`, uri: process.env.TEST_MONGODB_URI!, db_name: 'access_c' }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.validation, issues: [expect.objectContaining({ field: 'project_id' })] });
    expect(
      await failure(
        as(adminB, () =>
          client.request(RegistryDatabaseRpc.create, {
            project_id: A,
            name: `y-${randomUUID()}`,
            uri: process.env.TEST_MONGODB_URI!,
            db_name: 'access_d',
          }),
        ),
      ),
    ).toEqual({ code: ErrorCode.notFound });
  });

  it('a database registered before projects is seen by system administrators only, until it moves into the default project', async () => {
    const model = registry.app.get<DatabaseModel>(DATABASE_MODEL);
    const legacy = await model.create({
      name: `legacy-${randomUUID()}`,
      name_key: `legacy-${randomUUID()}`,
      description: '',
      uri_sealed: { key_id: 'k', iv: 'i', tag: 't', data: 'd' },
      uri_redacted: 'mongodb://127.0.0.1/',
      db_name: 'legacy',
      definitions_version: 0,
      created_at: new Date(),
      updated_at: new Date(),
    });
    const id = legacy._id.toHexString();
    expect(await failure(as(adminA, () => client.request(RegistryDatabaseRpc.get, { id })))).toEqual({ code: ErrorCode.notFound });
    await expect(as(root, () => client.request(RegistryDatabaseRpc.get, { id }))).resolves.toMatchObject({ project_id: null });
    // Auth, played by a responder: the default project is A.
    const auth = registry.bus.nc.subscribe(AuthProjectRpc.default.subject, {
      callback: (_e, msg) => {
        msg.respond(JSON.stringify({ ok: true, data: { id: A } }));
      },
    });
    try {
      await expect(registry.app.get(UnownedDatabases).adopt()).resolves.toBe(true);
    } finally {
      auth.unsubscribe();
    }
    await expect(as(adminA, () => client.request(RegistryDatabaseRpc.get, { id }))).resolves.toMatchObject({ project_id: A });
  });

  it('system administrators and services reach every project; a request with no caller is refused', async () => {
    await expect(as(root, () => client.request(RegistryDatabaseRpc.get, { id: databaseA }))).resolves.toMatchObject({ id: databaseA });
    const service: Principal = { kind: 'service', id: 'comparator', name: 'comparator' };
    await expect(as(service, () => client.request(RegistryDatabaseRpc.connection, { database_id: databaseA }))).resolves.toMatchObject({
      project_id: A,
      protected: true,
    });
    expect(await failure(as(undefined, () => client.request(RegistryDatabaseRpc.get, { id: databaseA })))).toEqual({
      code: ErrorCode.unauthenticated,
    });
  });
});
