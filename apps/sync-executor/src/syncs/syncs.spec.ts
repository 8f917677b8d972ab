import {
  servicePrincipal,
  type Principal,
  ComparatorRpc,
  DomainError,
  ErrorCode,
  RegistryDatabaseRpc,
  SyncCommands,
  type EventContract,
  type PlanOperationView,
  type PlanResult,
  type RpcContract,
} from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import { connectMongo } from '@ir/platform';
import { actingAs } from '@ir/testing';
import { TargetPolicy, TargetPool, UriCipher } from '@ir/target-pool';
import { MongoClient, type Db } from 'mongodb';
import { Types, type Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { SyncExecutor } from './sync-executor.service';
import { syncLockModel, type SyncLockModel } from './sync-lock.model';
import { SyncLockRepository } from './sync-lock.repository';
import { SyncLocks } from './sync-locks';
import { packSteps, syncModel, type SyncModel } from './sync.model';
import { SyncRepository } from './sync.repository';
import type { SyncSettings } from './sync-settings';
import { SyncApprovals } from './sync-approvals.service';
import { SyncControl } from './sync-control.service';
import { ABANDONED_RUNNING, SyncsService } from './syncs.service';

const settings: SyncSettings = {
  concurrency: 2,
  operationTimeoutMs: 60_000,
  lockTtlMs: 120_000,
  queueTtlMs: 3_600_000,
  approvalTtlMs: 86_400_000,
  retryAttempts: 2,
  retryInitialDelayMs: 10,
  retryMaxDelayMs: 20,
  planTimeoutMs: 5000,
};

interface Published {
  subject: string;
  payload: Record<string, unknown>;
  msgId: string;
}

/**
 * The bus played by a fake: the comparator answers `plans[database_id]` (or throws it), the registry
 * answers the target's sealed URI; published commands and events are recorded.
 */
class FakeBus {
  readonly published: Published[] = [];
  plans = new Map<string, PlanResult | DomainError>();
  /** Databases the registry says are protected. */
  protectedDatabases = new Set<string>();
  publishFails = false;
  /** What the comparator was asked to plan. */
  readonly planRequests: Record<string, unknown>[] = [];

  constructor(
    private readonly cipher: UriCipher,
    private readonly targetUri: string,
    private readonly targetDb: string,
  ) {}

  async request(contract: RpcContract, payload: Record<string, unknown>): Promise<unknown> {
    const databaseId = payload['database_id'] as string;
    if (contract === ComparatorRpc.plan) {
      this.planRequests.push(payload);
      const plan = this.plans.get(databaseId);
      if (!plan) throw new DomainError(ErrorCode.notFound, `database ${databaseId} not found`);
      if (plan instanceof DomainError) throw plan;
      // As the comparator does: a plan of some collections holds their operations only.
      const collections = payload['collections'] as string[] | undefined;
      return collections ? { ...plan, operations: plan.operations.filter((op) => collections.includes(op.collection)) } : plan;
    }
    if (contract === RegistryDatabaseRpc.connection) {
      return {
        database_id: databaseId,
        project_id: PROJECT,
        name: 'target',
        db_name: this.targetDb,
        protected: this.protectedDatabases.has(databaseId),
        uri_sealed: this.cipher.seal(this.targetUri),
        definitions_version: 1,
        server: null,
      };
    }
    throw new Error(`unexpected request on ${contract.subject}`);
  }

  async publish(contract: EventContract, payload: Record<string, unknown>, opts: { msgId: string }): Promise<void> {
    if (this.publishFails && contract === SyncCommands.run) throw new Error('NATS is away');
    this.published.push({ subject: contract.subject, payload, msgId: opts.msgId });
  }

  on(subject: string): Published[] {
    return this.published.filter((p) => p.subject === subject);
  }
}

const planOf = (databaseId: string, operations: PlanOperationView[], warnings: string[] = []): PlanResult => ({
  database_id: databaseId,
  db_name: 'target',
  planned_at: new Date().toISOString(),
  operations,
  warnings,
  skipped_collections: [],
});
const create = (collection: string, name: string, key: Record<string, 1 | -1>): PlanOperationView => ({
  kind: 'create',
  collection,
  index: name,
  reason: 'in the DR',
  spec: { key, name },
});
const drop = (collection: string, name: string): PlanOperationView => ({ kind: 'drop', collection, index: name, reason: 'not in the DR' });
const newDatabaseId = () => new Types.ObjectId().toHexString();

const PROJECT = 'd'.repeat(24);
/** Who asks for the syncs: an operator of the project every target database of this spec is in. */
const OPERATOR: Principal = { kind: 'user', id: 'u-op', name: 'olga', system_admin: false, projects: { [PROJECT]: 'operator' } };
const VIEWER: Principal = { kind: 'user', id: 'u-view', name: 'vera', system_admin: false, projects: { [PROJECT]: 'viewer' } };

describe('syncs against the test MongoDB server', () => {
  const uri = process.env.TEST_MONGODB_URI!;
  const stamp = `${process.pid}_${Date.now()}`;
  const targetDbName = `sync_target_${stamp}`;
  let own: Connection;
  let client: MongoClient;
  let target: Db;
  let pool: TargetPool;
  let syncs: SyncModel;
  let lockModel: SyncLockModel;
  let locks: SyncLocks;
  let bus: FakeBus;
  let service: SyncsService;
  /** The approvals, called as someone. */
  let approvals: (principal: Principal) => SyncApprovals;
  /** Cancel and retry, called as someone. */
  let control: (principal: Principal) => SyncControl;
  let executor: SyncExecutor;

  beforeAll(async () => {
    own = await connectMongo({ uri, dbName: `sync_exec_${stamp}` });
    syncs = syncModel(own);
    lockModel = syncLockModel(own);
    await syncs.createIndexes();
    client = await MongoClient.connect(uri);
    target = client.db(targetDbName);
    pool = new TargetPool({ policy: TargetPolicy.loopback() });
    const cipher = new UriCipher(randomBytes(32));
    bus = new FakeBus(cipher, uri, targetDbName);
    const repository = new SyncRepository(syncs);
    locks = new SyncLocks(new SyncLockRepository(lockModel), repository);
    const realApprovals = new SyncApprovals(repository, locks, bus as unknown as BusClient, settings);
    const realService = new SyncsService(repository, locks, bus as unknown as BusClient, realApprovals, settings);
    service = actingAs(OPERATOR, realService);
    const realControl = new SyncControl(repository, locks, realService, bus as unknown as BusClient);
    control = (principal) => actingAs(principal, realControl);
    approvals = (principal) => actingAs(principal, realApprovals);
    executor = actingAs(
      servicePrincipal('sync-executor'),
      new SyncExecutor(repository, locks, bus as unknown as BusClient, pool, cipher, settings),
    );
  });

  afterAll(async () => {
    await pool.close();
    await target.dropDatabase();
    await client.close();
    await own.dropDatabase();
    await own.close();
  });

  const names = async (collection: string) =>
    (await target.collection(collection).listIndexes().toArray()).map((i) => i.name as string).sort();

  async function conflictOf(promise: Promise<unknown>): Promise<DomainError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.conflict);
    return error as DomainError;
  }

  describe('the per-database lock', () => {
    it('of 50 concurrent starts on one database, accepts exactly one; the others get 409 naming it', async () => {
      const databaseId = newDatabaseId();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, () => service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false })),
      );
      const accepted = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value);
      expect(accepted).toHaveLength(1);
      expect(accepted[0]).toMatchObject({ status: 'pending', database_id: databaseId });
      const syncId = accepted[0].sync_id;
      for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
        const error = outcome.reason as DomainError;
        expect(error.code).toBe(ErrorCode.conflict);
        expect(error.details).toMatchObject({ sync_id: syncId });
        expect(error.message).toContain(syncId);
      }
      expect(await syncs.countDocuments({ database_id: databaseId })).toBe(1);
      expect(bus.on(SyncCommands.run.subject).filter((p) => p.payload['database_id'] === databaseId)).toEqual([
        { subject: SyncCommands.run.subject, payload: { sync_id: syncId, database_id: databaseId }, msgId: syncId },
      ]);
      expect(await service.activeForDatabase(databaseId)).toEqual({ active: true, sync_id: syncId, status: 'pending' });
    });

    it('takes over an expired lock of a running sync and fails that sync as abandoned', async () => {
      const databaseId = newDatabaseId();
      const first = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false });
      await syncs.updateOne({ _id: first.sync_id }, { $set: { status: 'running', started_at: new Date() } });
      await conflictOf(service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false }));
      // The executor died: nothing refreshed the lock.
      await lockModel.updateOne({ _id: databaseId }, { $set: { expires_at: new Date(Date.now() - 1000) } });
      const second = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false });
      expect(second.sync_id).not.toBe(first.sync_id);
      expect(await service.status(first.sync_id)).toMatchObject({ status: 'failed', error: ABANDONED_RUNNING });
      expect(await service.activeForDatabase(databaseId)).toEqual({ active: true, sync_id: second.sync_id, status: 'pending' });
      expect(bus.on('sync.evt.sync.failed').map((p) => p.payload['sync_id'])).toContain(first.sync_id);
    });

    it('fails the sync and releases the lock when the run command cannot be queued', async () => {
      const databaseId = newDatabaseId();
      bus.publishFails = true;
      try {
        const error = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false }).catch((e: unknown) => e);
        expect((error as DomainError).code).toBe(ErrorCode.unavailable);
        // Named: NATS, whose stream did not store the command.
        expect((error as DomainError).message).toBe('could not queue the sync: the work queue did not confirm it; try again');
        expect((error as DomainError).details).toEqual({ dependency: 'nats' });
      } finally {
        bus.publishFails = false;
      }
      expect(await service.activeForDatabase(databaseId)).toEqual({ active: false });
      const [failed] = (await service.history({ database_id: databaseId, page: 1, limit: 10 })).items;
      expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('could not queue the sync') });
    });
  });

  describe('protected databases: a second person approves what drops, hides or rebuilds', () => {
    const SECOND: Principal = { kind: 'user', id: 'u-op2', name: 'otto', system_admin: false, projects: { [PROJECT]: 'operator' } };

    async function held(operations: PlanOperationView[]): Promise<{ databaseId: string; syncId: string }> {
      const databaseId = newDatabaseId();
      bus.protectedDatabases.add(databaseId);
      bus.plans.set(databaseId, planOf(databaseId, operations));
      const accepted = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false });
      return { databaseId, syncId: accepted.sync_id };
    }

    it('holds a plan that drops, names why, queues nothing; another operator approves it and exactly that plan runs', async () => {
      await target.collection('guarded').createIndex({ old: 1 }, { name: 'old_1' });
      const { databaseId, syncId } = await held([create('guarded', 'fresh_1', { fresh: 1 }), drop('guarded', 'old_1')]);
      const waiting = await service.status(syncId);
      expect(waiting).toMatchObject({ status: 'awaiting_approval', approval: { state: 'awaiting', reasons: ['drops guarded.old_1'] } });
      expect(bus.on(SyncCommands.run.subject).filter((p) => p.payload['sync_id'] === syncId)).toEqual([]);
      expect(bus.on('sync.evt.sync.approval-requested').some((p) => p.payload['sync_id'] === syncId)).toBe(true);
      // Its database stays locked meanwhile.
      expect(
        (await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false }).catch((e: unknown) => e)) as DomainError,
      ).toMatchObject({
        code: ErrorCode.conflict,
      });

      // The plan the comparator would give now differs: what runs is what was approved.
      bus.plans.set(databaseId, planOf(databaseId, [drop('guarded', 'fresh_1')]));
      const approved = await approvals(SECOND).approve(syncId, 'looked at the queries');
      expect(approved).toMatchObject({
        status: 'pending',
        approval: { state: 'approved', decided_by: { kind: 'user', id: 'u-op2', name: 'otto' }, comment: 'looked at the queries' },
      });
      expect(bus.on(SyncCommands.run.subject).filter((p) => p.payload['sync_id'] === syncId)).toHaveLength(1);
      await executor.execute({ sync_id: syncId, database_id: databaseId });
      expect(await service.status(syncId)).toMatchObject({ status: 'completed', steps: [{ status: 'done' }, { status: 'done' }] });
      expect(await names('guarded')).toEqual(['_id_', 'fresh_1']);
    });

    it('nobody approves their own sync, a viewer approves none, and a sync not awaiting approval cannot be decided on', async () => {
      const { syncId } = await held([drop('guarded2', 'x_1')]);
      expect(
        await approvals(OPERATOR)
          .approve(syncId, undefined)
          .catch((e: unknown) => e),
      ).toMatchObject({
        code: ErrorCode.forbidden,
        message: expect.stringContaining('nobody approves their own sync'),
      });
      expect(
        await approvals(VIEWER)
          .approve(syncId, undefined)
          .catch((e: unknown) => e),
      ).toMatchObject({
        code: ErrorCode.forbidden,
        details: { permission: 'syncs:approve' },
      });
      const outsider: Principal = { kind: 'user', id: 'u-out', name: 'oscar', system_admin: false, projects: {} };
      expect(
        await approvals(outsider)
          .approve(syncId, undefined)
          .catch((e: unknown) => e),
      ).toMatchObject({ code: ErrorCode.notFound });
      await approvals(SECOND).approve(syncId, undefined);
      expect(
        await approvals(SECOND)
          .reject(syncId, undefined)
          .catch((e: unknown) => e),
      ).toMatchObject({ code: ErrorCode.conflict });
    });

    it('a retry whose plan still drops waits for approval again', async () => {
      await target.collection('guarded4').createIndex({ a: 1 }, { name: 'a_1' });
      await target.collection('guarded4').createIndex({ old: 1 }, { name: 'old_1' });
      const { databaseId, syncId } = await held([create('guarded4', 'a_1', { a: -1 }), drop('guarded4', 'old_1')]);
      await approvals(SECOND).approve(syncId, undefined);
      await executor.execute({ sync_id: syncId, database_id: databaseId });
      expect(await service.status(syncId)).toMatchObject({ status: 'partially_failed' });
      await target.collection('guarded4').createIndex({ old: 1 }, { name: 'old_1' });
      const retry = await control(OPERATOR).retry({ sync_id: syncId });
      expect(retry).toMatchObject({ status: 'awaiting_approval', retry_of: syncId });
      expect(await service.status(retry.sync_id)).toMatchObject({ approval: { state: 'awaiting', reasons: ['drops guarded4.old_1'] } });
      expect(bus.on(SyncCommands.run.subject).filter((p) => p.payload['sync_id'] === retry.sync_id)).toEqual([]);
      // Cancelling it (awaiting approval) ends it and frees the database.
      expect(await control(OPERATOR).cancel({ sync_id: retry.sync_id })).toMatchObject({ status: 'cancelled' });
      expect(await service.activeForDatabase(databaseId)).toEqual({ active: false });
    });

    it('a rejected sync ends and frees its database; dry runs and create-only plans are not held', async () => {
      const { databaseId, syncId } = await held([drop('guarded3', 'y_1')]);
      expect(await approvals(SECOND).reject(syncId, 'not during the sale')).toMatchObject({
        status: 'rejected',
        approval: { state: 'rejected', comment: 'not during the sale' },
      });
      const dry = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: true });
      expect(dry.status).toBe('pending');
      await executor.execute({ sync_id: dry.sync_id, database_id: databaseId });
      const createsOnly = newDatabaseId();
      bus.protectedDatabases.add(createsOnly);
      bus.plans.set(createsOnly, planOf(createsOnly, [create('guarded3', 'z_1', { z: 1 })]));
      expect((await service.start({ database_id: createsOnly, hide_before_drop: false, dry_run: false })).status).toBe('pending');
    });

    it('a create-only sync of a protected database runs the plan reviewed when it was asked for, never a later one that drops', async () => {
      const databaseId = newDatabaseId();
      bus.protectedDatabases.add(databaseId);
      bus.plans.set(databaseId, planOf(databaseId, [create('guarded4', 'w_1', { w: 1 })]));
      const started = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false });
      expect(started.status).toBe('pending');
      // Between the request and its run, an index appears on the target that the DR does not hold.
      await target.collection('guarded4').createIndex({ stray: 1 }, { name: 'stray_1' });
      bus.plans.set(databaseId, planOf(databaseId, [create('guarded4', 'w_1', { w: 1 }), drop('guarded4', 'stray_1')]));
      const planRequests = bus.planRequests.length;
      await executor.execute({ sync_id: started.sync_id, database_id: databaseId });
      const view = await service.status(started.sync_id);
      expect(bus.planRequests.length).toBe(planRequests);
      expect(view.status).toBe('completed');
      expect(view.steps.map((step) => [step.operation.kind, step.operation.index, step.status])).toEqual([['create', 'w_1', 'done']]);
      const names = (await target.collection('guarded4').listIndexes().toArray()).map((index) => index['name'] as string);
      expect(names).toEqual(expect.arrayContaining(['stray_1', 'w_1']));
    });
  });

  describe('running a sync', () => {
    async function startAndRun(databaseId: string, plan: PlanOperationView[] | DomainError, options: { dry_run?: boolean } = {}) {
      bus.plans.set(databaseId, plan instanceof DomainError ? plan : planOf(databaseId, plan, ['a warning']));
      const { sync_id } = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: options.dry_run ?? false });
      await executor.execute({ sync_id, database_id: databaseId });
      return service.status(sync_id);
    }

    it('creates and drops what the plan says, records each step, publishes events and releases the lock', async () => {
      const databaseId = newDatabaseId();
      await target.collection('orders').createIndex({ legacy: 1 }, { name: 'legacy_1' });
      const view = await startAndRun(databaseId, [
        create('orders', 'status_1', { status: 1 }),
        create('orders', 'customer_1_created_-1', { customer: 1, created: -1 }),
        drop('orders', 'legacy_1'),
        drop('orders', '_id_'),
      ]);
      expect(view).toMatchObject({ status: 'completed', progress: 100, error: null, warnings: ['a warning'] });
      expect(view.steps.map((s) => [s.number, s.operation.index, s.status, s.attempts])).toEqual([
        [1, 'status_1', 'done', 1],
        [2, 'customer_1_created_-1', 'done', 1],
        [3, 'legacy_1', 'done', 1],
        [4, '_id_', 'skipped', 0],
      ]);
      expect(view.started_at).not.toBeNull();
      expect(view.completed_at).not.toBeNull();
      expect(view.duration_ms).toEqual(expect.any(Number));
      expect(await names('orders')).toEqual(['_id_', 'customer_1_created_-1', 'status_1']);
      expect(await service.activeForDatabase(databaseId)).toEqual({ active: false });
      const events = bus.published
        .filter((p) => p.subject.startsWith('sync.evt.') && p.payload['sync_id'] === view.id)
        .map((p) => [p.subject, p.payload['steps_done']]);
      // Progress is published at most every 500 ms (the steps here take milliseconds), so between
      // started and completed there may be none; any there is counts up.
      expect(events[0]).toEqual(['sync.evt.sync.started', 0]);
      expect(events.at(-1)).toEqual(['sync.evt.sync.completed', 4]);
      const progress = events.slice(1, -1);
      expect(progress.every(([subject]) => subject === 'sync.evt.sync.progress')).toBe(true);
      const counts = progress.map(([, done]) => Number(done));
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(counts.every((done) => done >= 1 && done <= 4)).toBe(true);
      // A second delivery of the same command changes nothing.
      await executor.execute({ sync_id: view.id, database_id: databaseId });
      expect(await service.status(view.id)).toEqual(view);
    });

    it('goes on after a refused step: ends partially_failed, the refused step carrying its own error, the others built', async () => {
      const databaseId = newDatabaseId();
      await target.collection('clash').createIndex({ a: 1 }, { name: 'a_1' });
      const view = await startAndRun(databaseId, [
        create('clash', 'b_1', { b: 1 }),
        create('clash', 'a_1', { a: -1 }),
        create('clash', 'c_1', { c: 1 }),
        create('clash_other', 'o_1', { o: 1 }),
      ]);
      expect(view.status).toBe('partially_failed');
      expect(view.error).toMatch(
        /^1 of 4 steps failed: step 2 \(create clash\.a_1\): .+\(8[56]\).+; done: 1, 3-4; skipped: none; not done: 2$/,
      );
      expect(view.steps.map((s) => s.status)).toEqual(['done', 'failed', 'done', 'done']);
      expect(view.progress).toBe(75);
      expect(await names('clash')).toEqual(['_id_', 'a_1', 'b_1', 'c_1']);
      expect(await names('clash_other')).toEqual(['_id_', 'o_1']);
      expect(await service.activeForDatabase(databaseId)).toEqual({ active: false });
      expect(bus.on('sync.evt.sync.partially-failed').some((p) => p.payload['sync_id'] === view.id)).toBe(true);
    });

    it('with on_error stop, runs nothing after the failed step and records it not run; failed when nothing succeeded', async () => {
      const databaseId = newDatabaseId();
      await target.collection('stops').createIndex({ a: 1 }, { name: 'a_1' });
      bus.plans.set(
        databaseId,
        planOf(databaseId, [create('stops', 'a_1', { a: -1 }), create('stops', 'b_1', { b: 1 }), create('stops_other', 'o_1', { o: 1 })]),
      );
      const { sync_id } = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false, on_error: 'stop' });
      await executor.execute({ sync_id, database_id: databaseId });
      const view = await service.status(sync_id);
      expect(view).toMatchObject({ status: 'failed', options: { on_error: 'stop' } });
      expect(view.steps.map((s) => [s.status, s.note])).toEqual([
        ['failed', undefined],
        ['not_run', 'not run: an earlier step failed (on_error: stop)'],
        ['not_run', 'not run: the sync stopped after step 1 failed (on_error: stop)'],
      ]);
      expect(await names('stops')).toEqual(['_id_', 'a_1']);
      expect(await target.listCollections({ name: 'stops_other' }).toArray()).toEqual([]);
    });

    it('never runs a step whose change failed (the drop of an index whose replacement was refused) and never sends an unsupported step', async () => {
      const databaseId = newDatabaseId();
      await target.collection('replace').createIndex({ old: 1 }, { name: 'old_1' });
      await target.collection('replace').createIndex({ taken: 1 }, { name: 'new_1' });
      const view = await startAndRun(databaseId, [
        { ...create('replace', 'new_1', { fresh: 1 }), step: 'replace old_1 by new_1 1/2' },
        { ...drop('replace', 'old_1'), step: 'replace old_1 by new_1 2/2' },
        { ...create('ttl', 'at_1', { at: 1 }), unsupported: 'FerretDB 1.x cannot build TTL indexes' },
        create('other', 'x_1', { x: 1 }),
      ]);
      expect(view.status).toBe('partially_failed');
      expect(view.steps.map((s) => [s.status, s.blocked_by, s.note])).toEqual([
        ['failed', undefined, undefined],
        ['skipped', 1, 'not run: it depends on step 1 (create replace.new_1), which failed'],
        ['skipped', undefined, 'unsupported: FerretDB 1.x cannot build TTL indexes'],
        ['done', undefined, undefined],
      ]);
      // Create before drop never ends with neither index.
      expect(await names('replace')).toEqual(['_id_', 'new_1', 'old_1']);
      expect(await target.listCollections({ name: 'ttl' }).toArray()).toEqual([]);

      const dry = await startAndRun(newDatabaseId(), [{ ...create('ttl', 'at_1', { at: 1 }), unsupported: 'no TTL here' }], {
        dry_run: true,
      });
      expect(dry.steps.map((s) => [s.status, s.note])).toEqual([['skipped', 'dry run; unsupported, a sync skips it: no TTL here']]);
    });

    it('resumes a sync cut short by a crash: steps done are not done again, the step in flight is re-run idempotently', async () => {
      const databaseId = newDatabaseId();
      const ops = [create('resume', 'r1_1', { r1: 1 }), create('resume', 'r2_1', { r2: 1 }), create('resume', 'r3_1', { r3: 1 })];
      bus.plans.set(databaseId, planOf(databaseId, ops));
      const { sync_id } = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false });
      // What a killed executor leaves: step 1 recorded done, step 2 built on the target but still marked running.
      await target.collection('resume').createIndex({ r1: 1 }, { name: 'r1_1' });
      await target.collection('resume').createIndex({ r2: 1 }, { name: 'r2_1' });
      const at = new Date();
      await syncs.updateOne(
        { _id: sync_id },
        {
          $set: {
            status: 'running',
            started_at: at,
            planned_at: at,
            steps_deflated: packSteps(
              ops.map((op, i) => ({
                number: i + 1,
                operation: JSON.stringify(op),
                status: i === 0 ? 'done' : i === 1 ? 'running' : 'pending',
                attempts: i < 2 ? 1 : 0,
                ...(i === 0 ? { completed_at: at, duration_ms: 5 } : {}),
              })),
            ),
          },
        },
      );
      await executor.execute({ sync_id, database_id: databaseId }, { getDeliveryCount: () => 2, working: () => undefined });
      const view = await service.status(sync_id);
      expect(view.status).toBe('completed');
      expect(view.steps.map((s) => [s.status, s.attempts, s.note])).toEqual([
        ['done', 1, undefined],
        ['done', 2, 'already exists'],
        ['done', 1, 'one createIndexes with steps 2-3'],
      ]);
      expect(view.steps[0].duration_ms).toBe(5);
      expect(await names('resume')).toEqual(['_id_', 'r1_1', 'r2_1', 'r3_1']);
    });

    it('dry run records every step as skipped and changes nothing', async () => {
      const databaseId = newDatabaseId();
      const view = await startAndRun(databaseId, [create('dry', 'd_1', { d: 1 }), drop('dry', 'x_1')], { dry_run: true });
      expect(view).toMatchObject({ status: 'completed', progress: 100, dry_run: true });
      expect(view.steps.map((s) => [s.status, s.note])).toEqual([
        ['skipped', 'dry run'],
        ['skipped', 'dry run'],
      ]);
      expect(await target.listCollections({ name: 'dry' }).toArray()).toEqual([]);
    });

    it('completes an empty plan with progress 100', async () => {
      const view = await startAndRun(newDatabaseId(), []);
      expect(view).toMatchObject({ status: 'completed', progress: 100, steps: [] });
    });

    it('fails when the comparator refuses to plan (unknown database), retries (throws) when it does not answer', async () => {
      const gone = newDatabaseId();
      const view = await startAndRun(gone, new DomainError(ErrorCode.notFound, `database ${gone} not found`));
      expect(view).toMatchObject({ status: 'failed', error: `could not plan the sync: database ${gone} not found` });
      expect(await service.activeForDatabase(gone)).toEqual({ active: false });

      const slow = newDatabaseId();
      bus.plans.set(slow, new DomainError(ErrorCode.timeout, 'no answer on comparator.rpc.plan.build within 60000 ms'));
      const { sync_id } = await service.start({ database_id: slow, hide_before_drop: false, dry_run: false });
      await expect(
        executor.execute({ sync_id, database_id: slow }, { getDeliveryCount: () => 1, working: () => undefined }),
      ).rejects.toThrow(/no answer/);
      expect(await service.status(sync_id)).toMatchObject({ status: 'running' });
      // The last delivery gives up: the sync fails and the lock is released.
      await expect(
        executor.execute({ sync_id, database_id: slow }, { getDeliveryCount: () => 5, working: () => undefined }),
      ).rejects.toThrow();
      expect(await service.status(sync_id)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('gave up after 5 deliveries'),
      });
      expect(await service.activeForDatabase(slow)).toEqual({ active: false });
    });

    it('cancels a pending sync at once (its run command then does nothing) and a running one at its next step', async () => {
      const databaseId = newDatabaseId();
      bus.plans.set(databaseId, planOf(databaseId, [create('cancelled', 'x_1', { x: 1 }), create('cancelled', 'y_1', { y: 1 })]));
      const pending = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false });
      const cancelled = await control(OPERATOR).cancel({ sync_id: pending.sync_id, comment: 'wrong window' });
      expect(cancelled).toMatchObject({
        status: 'cancelled',
        cancellation: { by: { kind: 'user', id: 'u-op', name: 'olga' }, comment: 'wrong window' },
        error: 'cancelled by olga',
      });
      expect(await service.activeForDatabase(databaseId)).toEqual({ active: false });
      await executor.execute({ sync_id: pending.sync_id, database_id: databaseId });
      expect(await target.listCollections({ name: 'cancelled' }).toArray()).toEqual([]);
      expect(
        await control(OPERATOR)
          .cancel({ sync_id: pending.sync_id })
          .catch((e: unknown) => e),
      ).toMatchObject({
        code: ErrorCode.conflict,
        message: expect.stringContaining('is cancelled'),
        details: { status: 'cancelled' },
      });

      // Running: the request is recorded, and the executor stops before its next step.
      const running = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false });
      await syncs.updateOne({ _id: running.sync_id }, { $set: { status: 'running' } });
      expect(await control(OPERATOR).cancel({ sync_id: running.sync_id })).toMatchObject({
        status: 'running',
        cancellation: { by: { id: 'u-op' } },
      });
      await executor.execute({ sync_id: running.sync_id, database_id: databaseId });
      const view = await service.status(running.sync_id);
      expect(view.status).toBe('cancelled');
      expect(view.error).toMatch(/^cancelled by olga; /);
      expect(bus.on('sync.evt.sync.cancelled').filter((p) => p.payload['sync_id'] === running.sync_id)).toHaveLength(1);
      expect(await target.listCollections({ name: 'cancelled' }).toArray()).toEqual([]);
    });

    it('after a cancel, still finishes a rebuild that dropped its old index (never leaves neither), and runs nothing else', async () => {
      const databaseId = newDatabaseId();
      const spec = { key: { x: 1 }, name: 'x_1', unique: true };
      const ops: PlanOperationView[] = [
        { ...drop('rebuilt', 'x_1'), step: 'rebuild x_1 1/2: drop', done_when: spec },
        { ...create('rebuilt', 'x_1', { x: 1 }), spec, step: 'rebuild x_1 2/2: create' },
        create('rebuilt_other', 'y_1', { y: 1 }),
      ];
      bus.plans.set(databaseId, planOf(databaseId, ops));
      const { sync_id } = await service.start({ database_id: databaseId, hide_before_drop: false, dry_run: false });
      // Cancelled while running, just after the old x_1 was dropped.
      await target.collection('rebuilt').insertOne({ x: 1 });
      const at = new Date();
      await syncs.updateOne(
        { _id: sync_id },
        {
          $set: {
            status: 'running',
            planned_at: at,
            cancellation: { by: { kind: 'user', id: 'u-op', name: 'olga' }, requested_at: at },
            steps_deflated: packSteps(
              ops.map((op, i) => ({
                number: i + 1,
                operation: JSON.stringify(op),
                status: i === 0 ? 'done' : 'pending',
                attempts: i === 0 ? 1 : 0,
              })),
            ),
          },
        },
      );
      await executor.execute({ sync_id, database_id: databaseId });
      const view = await service.status(sync_id);
      expect(view.status).toBe('cancelled');
      expect(view.steps.map((s) => s.status)).toEqual(['done', 'done', 'not_run']);
      expect(await names('rebuilt')).toEqual(['_id_', 'x_1']);
      expect(await target.listCollections({ name: 'rebuilt_other' }).toArray()).toEqual([]);
    });

    it('retries what did not succeed as a new linked sync, planned afresh on those collections; once; only after it ended', async () => {
      const databaseId = newDatabaseId();
      await target.collection('retry').insertMany([
        { k: 1, u: 1 },
        { k: 2, u: 1 },
      ]);
      const plan = [
        create('retry', 'k_1', { k: 1 }),
        { ...create('retry', 'u_1', { u: 1 }), spec: { key: { u: 1 }, name: 'u_1', unique: true } },
        create('retry_ok', 'ok_1', { ok: 1 }),
      ];
      const first = await startAndRun(databaseId, plan);
      expect(first.status).toBe('partially_failed');
      expect(first.steps.map((s) => s.status)).toEqual(['done', 'failed', 'done']);
      expect(
        await control(VIEWER)
          .retry({ sync_id: first.id })
          .catch((e: unknown) => e),
      ).toMatchObject({
        code: ErrorCode.forbidden,
        details: { permission: 'syncs:run' },
      });
      const outsider: Principal = { kind: 'user', id: 'u-out', name: 'oscar', system_admin: false, projects: {} };
      expect(
        await control(outsider)
          .retry({ sync_id: first.id })
          .catch((e: unknown) => e),
      ).toMatchObject({ code: ErrorCode.notFound });

      await target.collection('retry').deleteOne({ k: 2 });
      bus.planRequests.length = 0;
      const retry = await control(OPERATOR).retry({ sync_id: first.id });
      expect(retry).toMatchObject({ status: 'pending', database_id: databaseId, retry_of: first.id });
      await executor.execute({ sync_id: retry.sync_id, database_id: databaseId });
      expect(bus.planRequests).toEqual([expect.objectContaining({ database_id: databaseId, collections: ['retry'] })]);
      const view = await service.status(retry.sync_id);
      expect(view).toMatchObject({ status: 'completed', retry_of: first.id });
      expect(await service.status(first.id)).toMatchObject({ status: 'partially_failed', retried_by: retry.sync_id });
      // Planned afresh on `retry` only: k_1, there already, is not built again.
      expect(view.steps.map((s) => [s.operation.index, s.status, s.note])).toEqual([
        ['k_1', 'done', 'the server had 1 of the 2 indexes of this command already'],
        ['u_1', 'done', 'the server had 1 of the 2 indexes of this command already'],
      ]);
      expect(await names('retry')).toEqual(['_id_', 'k_1', 'u_1']);

      expect(
        await control(OPERATOR)
          .retry({ sync_id: first.id })
          .catch((e: unknown) => e),
      ).toMatchObject({
        code: ErrorCode.conflict,
        details: { sync_id: retry.sync_id },
      });
      expect(
        await control(OPERATOR)
          .retry({ sync_id: retry.sync_id })
          .catch((e: unknown) => e),
      ).toMatchObject({
        code: ErrorCode.conflict,
        message: expect.stringContaining('is completed'),
      });
    });

    it('answers 404 for an unknown sync and pages the history newest first', async () => {
      await expect(service.status(new Types.ObjectId().toHexString())).rejects.toMatchObject({ code: ErrorCode.notFound });
      const databaseId = newDatabaseId();
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.push((await startAndRun(databaseId, [])).id);
      const page = await service.history({ database_id: databaseId, page: 1, limit: 2 });
      expect(page.total).toBe(3);
      expect(page.items.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    });
  });
});
