import { DomainError, ErrorCode, SyncRpc, type Principal } from '@ir/contracts';
import { runAs, type NatsBus } from '@ir/messaging';
import { randomUUID } from 'node:crypto';
import { startRegistryApp, type RegistryApp } from '../testing/registry-app';
import { DatabasesService } from './databases.service';

const PROJECT = 'c'.repeat(24);
/** The admin of the project the databases are registered in. */
const ADMIN: Principal = { kind: 'user', id: 'u-admin', name: 'ann', system_admin: false, projects: { [PROJECT]: 'admin' } };

/**
 * Deleting a database asks the sync-executor first. Here the executor is
 * played by plain NATS responders on its subject, so each answer (none, late,
 * "a sync is running") can be produced on purpose.
 */
describe('database delete guard', () => {
  const mongoUri = process.env.TEST_MONGODB_URI!;
  let registry: RegistryApp;
  let bus: NatsBus;
  let service: DatabasesService;
  /** The service, called as the project's admin. */
  const databases = {
    create: (body: Parameters<DatabasesService['create']>[0]) => runAs(ADMIN, () => service.create(body)),
    get: (id: string) => runAs(ADMIN, () => service.get(id)),
    delete: (id: string) => runAs(ADMIN, () => service.delete(id)),
  };

  beforeAll(async () => {
    registry = await startRegistryApp();
    bus = registry.bus;
    service = registry.app.get(DatabasesService);
  });

  afterAll(async () => {
    await registry.close();
  });

  const createTarget = () =>
    databases.create({
      project_id: PROJECT,
      name: `target-${randomUUID()}`,
      description: '',
      uri: mongoUri,
      db_name: 'guard_target',
      import_indexes: false,
      protected: false,
    });

  async function expectDomainError(promise: Promise<unknown>, code: ErrorCode): Promise<DomainError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    return error as DomainError;
  }

  it('refuses with 503 and deletes nothing when no sync-executor listens', async () => {
    const target = await createTarget();
    const error = await expectDomainError(databases.delete(target.id), ErrorCode.unavailable);
    expect(error.message).toContain('nothing was deleted');
    await expect(databases.get(target.id)).resolves.toMatchObject({ id: target.id });
  });

  it('refuses with 503 when the sync-executor does not answer in time', async () => {
    const target = await createTarget();
    const silent = bus.nc.subscribe(SyncRpc.activeForDatabase.subject, { queue: 'sync-executor', callback: () => undefined });
    try {
      const started = Date.now();
      await expectDomainError(databases.delete(target.id), ErrorCode.unavailable);
      expect(Date.now() - started).toBeLessThan(6000);
      await expect(databases.get(target.id)).resolves.toMatchObject({ id: target.id });
    } finally {
      silent.unsubscribe();
    }
  });

  it('refuses with 409 naming the sync while one is running, and deletes once it has ended', async () => {
    const target = await createTarget();
    let answer = { active: true, sync_id: 'sync-42', status: 'running' };
    const responder = bus.nc.subscribe(SyncRpc.activeForDatabase.subject, {
      queue: 'sync-executor',
      callback: (_error, msg) => {
        msg.respond(JSON.stringify({ ok: true, data: answer }));
      },
    });
    try {
      const conflict = await expectDomainError(databases.delete(target.id), ErrorCode.conflict);
      expect(conflict.details).toEqual({ sync_id: 'sync-42' });
      await expect(databases.get(target.id)).resolves.toMatchObject({ id: target.id });

      answer = { active: false } as typeof answer;
      await expect(databases.delete(target.id)).resolves.toEqual({ deleted: true, index_definitions_deleted: 0 });
      await expectDomainError(databases.get(target.id), ErrorCode.notFound);
    } finally {
      responder.unsubscribe();
    }
  });
});
