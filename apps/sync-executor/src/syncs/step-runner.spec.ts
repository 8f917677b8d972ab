import { DomainError, ErrorCode, type PlanOperationView } from '@ir/contracts';
import { MongoClient, MongoNetworkError, MongoServerError, type Db } from 'mongodb';
import { StepRunner } from './step-runner';
import { describeError } from './sync-error';

/**
 * The step runner against the test MongoDB server (FerretDB 1.x unless MONGODB_URI names a real
 * MongoDB): every operation is idempotent, so a step re-run after a crash finds its work done.
 */
describe('StepRunner', () => {
  const uri = process.env.TEST_MONGODB_URI!;
  let client: MongoClient;
  let db: Db;
  let collModSupported: boolean;
  const retries: number[] = [];
  const runner = new StepRunner({
    operationTimeoutMs: 60_000,
    retryAttempts: 3,
    retryInitialDelayMs: 500,
    retryMaxDelayMs: 4000,
    sleep: async (ms) => void retries.push(ms),
  });

  const create = (
    collection: string,
    name: string,
    key: Record<string, 1 | -1>,
    extra: Partial<PlanOperationView> = {},
  ): PlanOperationView => ({
    kind: 'create',
    collection,
    index: name,
    reason: 'in the DR',
    spec: { key, name },
    ...extra,
  });
  const drop = (collection: string, name: string, extra: Partial<PlanOperationView> = {}): PlanOperationView => ({
    kind: 'drop',
    collection,
    index: name,
    reason: 'not in the DR',
    ...extra,
  });
  const names = async (collection: string) => (await db.collection(collection).listIndexes().toArray()).map((i) => i.name as string).sort();

  beforeAll(async () => {
    client = await MongoClient.connect(uri);
    db = client.db(`sync_steps_${process.pid}_${Date.now()}`);
    await db.collection('probe').insertOne({ a: 1 });
    await db.collection('probe').createIndex({ a: 1 }, { name: 'a_1' });
    collModSupported = await db
      .command({ collMod: 'probe', index: { name: 'a_1', hidden: true } })
      .then(() => true)
      .catch(() => false);
  });

  beforeEach(() => {
    retries.length = 0;
  });

  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('creates an index, and a second run finds it there and does nothing', async () => {
    const op = create('orders', 'status_1_created_at_-1', { status: 1, created_at: -1 });
    expect(await runner.run(db, op)).toEqual({ status: 'done', attempts: 1, result: 'applied' });
    expect(await names('orders')).toEqual(['_id_', 'status_1_created_at_-1']);
    expect(await runner.run(db, op)).toEqual({ status: 'done', note: 'already exists', attempts: 1, result: 'already_done' });
    expect(await names('orders')).toEqual(['_id_', 'status_1_created_at_-1']);
  });

  it('drops an index; IndexNotFound on a second run (and a missing collection) count as done', async () => {
    await db.collection('drops').createIndex({ x: 1 }, { name: 'x_1' });
    expect(await runner.run(db, drop('drops', 'x_1'))).toEqual({ status: 'done', attempts: 1, result: 'applied' });
    expect(await names('drops')).toEqual(['_id_']);
    expect(await runner.run(db, drop('drops', 'x_1'))).toMatchObject({ status: 'done', note: 'already absent', result: 'already_done' });
    expect(await runner.run(db, drop('no_such_collection', 'x_1'))).toMatchObject({ status: 'done', note: 'already absent' });
  });

  it('never drops or hides _id_', async () => {
    await db.collection('ids').insertOne({ a: 1 });
    for (const op of [drop('ids', '_id_'), { ...drop('ids', '_id_'), kind: 'hide' as const }]) {
      expect(await runner.run(db, op)).toEqual({
        status: 'skipped',
        note: 'refused: _id_ is never dropped or hidden',
        attempts: 0,
        result: 'refused',
      });
    }
    expect(await names('ids')).toEqual(['_id_']);
  });

  it('skips a step of a rebuild whose result (done_when) already exists', async () => {
    await db.collection('rebuilt').createIndex({ email: 1 }, { name: 'email_1', unique: true });
    const doneWhen = { key: { email: 1 }, name: 'email_1', unique: true };
    // "drop the old email_1" of a rebuild that a crashed executor already finished: the new email_1 must stay.
    expect(await runner.run(db, drop('rebuilt', 'email_1', { done_when: doneWhen }))).toMatchObject({
      status: 'done',
      note: 'already rebuilt: email_1 exists',
    });
    expect(await names('rebuilt')).toEqual(['_id_', 'email_1']);
    // Before the rebuild (the old email_1 is not unique), the drop does happen.
    await db.collection('rebuilt2').createIndex({ email: 1 }, { name: 'email_1' });
    expect(await runner.run(db, drop('rebuilt2', 'email_1', { done_when: doneWhen }))).toMatchObject({ status: 'done', result: 'applied' });
    expect(await names('rebuilt2')).toEqual(['_id_']);
  });

  it('retries a transient error with exponential backoff', async () => {
    const flaky = flakyDb(db, 2, () => Object.assign(new Error('not primary'), { name: 'MongoServerError', code: 10107 }));
    const result = await runner.run(flaky, create('flaky', 'f_1', { f: 1 }));
    expect(result).toEqual({ status: 'done', attempts: 3, result: 'applied' });
    expect(retries).toEqual([500, 1000]);
    expect(await names('flaky')).toEqual(['_id_', 'f_1']);
  });

  it('gives up on a transient error after the configured retries', async () => {
    const down = flakyDb(db, 100, () => Object.assign(new Error('connection reset'), { name: 'MongoNetworkError' }));
    const result = await runner.run(down, create('down', 'd_1', { d: 1 }));
    expect(result.status).toBe('failed');
    expect(result.attempts).toBe(4);
    // The driver's own words ("connection reset") are not repeated: the category is.
    expect(result.error).toBe('cannot reach the target database at the target (transient; gave up after 4 attempts)');
    expect(retries).toEqual([500, 1000, 2000]);
  });

  it('fails a step on a non-transient error at once, with the server reason', async () => {
    await db.collection('conflict').createIndex({ a: 1 }, { name: 'a_1' });
    const result = await runner.run(db, create('conflict', 'a_1', { a: -1 }));
    expect(result.status).toBe('failed');
    expect(result.attempts).toBe(1);
    expect(result.error).toMatch(/\(8[56]\)/);
    expect(retries).toEqual([]);
  });

  describe('runCreates: creates on one collection in one command', () => {
    it('creates them together, and a second run finds each there', async () => {
      const ops = [create('batch', 'b1_1', { b1: 1 }), create('batch', 'b2_1', { b2: 1 }), create('batch', 'b3_1', { b3: 1 })];
      const first = await runner.runCreates(db, ops);
      expect(first).toEqual({ together: true, results: ops.map(() => ({ status: 'done', attempts: 1, result: 'applied' })) });
      expect(await names('batch')).toEqual(['_id_', 'b1_1', 'b2_1', 'b3_1']);
      const again = await runner.runCreates(db, ops);
      expect(again.results).toEqual(ops.map(() => ({ status: 'done', note: 'already exists', attempts: 1, result: 'already_done' })));
    });

    it('sends the creates of a fresh step without a look first, and says what the server already had', async () => {
      const ops = [create('fresh', 'f1_1', { f1: 1 }), create('fresh', 'f2_1', { f2: 1 })];
      expect((await runner.runCreates(db, ops, { fresh: true })).results.map((r) => r.result)).toEqual(['applied', 'applied']);
      // FerretDB 1.24 drops the connection on a createIndexes whose indexes all exist (a panic in its
      // handler, where MongoDB answers "all indexes already exist"); the retry looks first and says the same.
      const again = (await runner.runCreates(db, ops, { fresh: true })).results;
      expect(again.map((r) => [r.status, r.note, r.result])).toEqual(ops.map(() => ['done', 'already exists', 'already_done']));
      const more = [create('fresh', 'f2_1', { f2: 1 }), create('fresh', 'f3_1', { f3: 1 })];
      expect((await runner.runCreates(db, more, { fresh: true })).results).toEqual(
        more.map(() => ({
          status: 'done',
          note: 'the server had 1 of the 2 indexes of this command already',
          attempts: 1,
          result: 'applied',
        })),
      );
      expect(await runner.run(db, create('fresh', 'f3_1', { f3: 1 }), { fresh: true })).toMatchObject({ note: 'already exists' });
      expect(await names('fresh')).toEqual(['_id_', 'f1_1', 'f2_1', 'f3_1']);
    });

    it('looks first when a fresh command is retried after a transient error', async () => {
      const flaky = flakyDb(db, 1, () => Object.assign(new Error('not primary'), { name: 'MongoServerError', code: 10107 }));
      await db.collection('freshretry').createIndex({ r1: 1 }, { name: 'r1_1' });
      const ops = [create('freshretry', 'r1_1', { r1: 1 }), create('freshretry', 'r2_1', { r2: 1 })];
      const { results } = await runner.runCreates(flaky, ops, { fresh: true });
      expect(results.map((r) => [r.result, r.attempts, r.note])).toEqual([
        ['already_done', 2, 'already exists'],
        ['applied', 2, undefined],
      ]);
    });

    it('creates only those not there yet (a run resumed after a crash)', async () => {
      await db.collection('half').createIndex({ h1: 1 }, { name: 'h1_1' });
      const { results } = await runner.runCreates(db, [create('half', 'h1_1', { h1: 1 }), create('half', 'h2_1', { h2: 1 })]);
      expect(results.map((r) => r.result)).toEqual(['already_done', 'applied']);
      expect(await names('half')).toEqual(['_id_', 'h1_1', 'h2_1']);
    });

    it('on a refused create, tries each alone: the refused one fails with its own error, the others before and after it are built', async () => {
      await db.collection('refused').createIndex({ a: 1 }, { name: 'a_1' });
      const ops = [create('refused', 'x_1', { x: 1 }), create('refused', 'a_1', { a: -1 }), create('refused', 'y_1', { y: 1 })];
      const { results, together } = await runner.runCreates(db, ops);
      expect(together).toBe(false);
      expect(results.map((r) => r.status)).toEqual(['done', 'failed', 'done']);
      expect(results[1].error).toMatch(/\(8[56]\)/);
      expect(await names('refused')).toEqual(['_id_', 'a_1', 'x_1', 'y_1']);
    });

    it("blames a unique build over duplicate data on the unique index, with the server's own error (the embedded server's)", async () => {
      await db.collection('dups').insertMany([{ k: 1 }, { k: 1 }]);
      const ops = [
        create('dups', 'k_-1', { k: -1 }),
        create('dups', 'k_1', { k: 1 }, { spec: { key: { k: 1 }, name: 'k_1', unique: true } }),
      ];
      ops.push(create('dups', 'z_1', { z: 1 }));
      const { results } = await runner.runCreates(db, ops, { fresh: true });
      expect(results.map((r) => r.status)).toEqual(['done', 'failed', 'done']);
      // MongoDB answers DuplicateKey (11000); FerretDB 1.x an InternalError (1) naming the UNIQUE constraint.
      expect(results[1].error).toMatch(/\((11000|1)\)/);
      expect(await names('dups')).toEqual(['_id_', 'k_-1', 'z_1']);
    });

    it('on a time limit or any refusal not caused by a spec, fails every create of the command with it and does not try them alone', async () => {
      const slow = flakyDb(db, 100, () =>
        Object.assign(new Error('operation exceeded time limit'), { name: 'MongoServerError', code: 50 }),
      );
      const ops = [create('timeout', 't1_1', { t1: 1 }), create('timeout', 't2_1', { t2: 1 })];
      const { results, together } = await runner.runCreates(slow, ops, { fresh: true });
      expect(together).toBe(true);
      // A server's refusal keeps its code and its own message, cleaned and bounded.
      expect(results).toEqual(
        ops.map(() => ({ status: 'failed', error: 'ServerError (50): operation exceeded time limit', attempts: 1, result: 'failed' })),
      );
      expect(retries).toEqual([]);
    });

    it('retries the command after a transient error', async () => {
      const flaky = flakyDb(db, 1, () => Object.assign(new Error('not primary'), { name: 'MongoServerError', code: 10107 }));
      const { results } = await runner.runCreates(flaky, [create('flakyb', 'p_1', { p: 1 }), create('flakyb', 'q_1', { q: 1 })]);
      expect(results).toEqual([
        { status: 'done', attempts: 2, result: 'applied' },
        { status: 'done', attempts: 2, result: 'applied' },
      ]);
      expect(retries).toEqual([500]);
      expect(await names('flakyb')).toEqual(['_id_', 'p_1', 'q_1']);
    });

    it('fails every create of the command, saying the target is away, when it stays away', async () => {
      const down = flakyDb(db, 100, () => Object.assign(new Error('connection reset'), { name: 'MongoNetworkError' }));
      const { results } = await runner.runCreates(down, [create('downb', 'p_1', { p: 1 }), create('downb', 'q_1', { q: 1 })]);
      const away = {
        status: 'failed',
        error: 'cannot reach the target database at the target (transient; gave up after 4 attempts)',
        attempts: 4,
        result: 'failed',
        targetAway: true,
      };
      expect(results).toEqual([away, away]);
    });

    it('runs creates of different collections, or steps of a rebuild, one by one', async () => {
      const rebuildStep = create('mixed', 'm_1', { m: 1 }, { done_when: { key: { m: 1 }, name: 'm_1' } });
      const { together, results } = await runner.runCreates(db, [create('mixed', 'n_1', { n: 1 }), rebuildStep]);
      expect(together).toBe(false);
      expect(results.map((r) => r.status)).toEqual(['done', 'done']);
    });
  });

  it('modifies and hides with collMod, idempotently', async () => {
    if (!collModSupported) {
      console.warn('skipped: FerretDB 1.x has no collMod');
      return;
    }
    await db.collection('mods').createIndex({ m: 1 }, { name: 'm_1' });
    const hide: PlanOperationView = { kind: 'hide', collection: 'mods', index: 'm_1', reason: 'redundant' };
    expect(await runner.run(db, hide)).toMatchObject({ status: 'done' });
    expect(await runner.run(db, hide)).toMatchObject({ status: 'done' });
    const index = (await db.collection('mods').listIndexes().toArray()).find((i) => i.name === 'm_1');
    expect(index?.hidden).toBe(true);
  });
});

/** `db` whose createIndexes commands and dropIndex calls throw `error()` the first `failures` times. */
function flakyDb(db: Db, failures: number, error: () => Error): Db {
  let left = failures;
  const failFirst =
    <A extends unknown[]>(fn: (...args: A) => unknown, applies: (...args: A) => boolean) =>
    (...args: A): unknown => {
      if (applies(...args) && left > 0) {
        left -= 1;
        return Promise.reject(error());
      }
      return fn(...args);
    };
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'command') {
        return failFirst(target.command.bind(target), (command: Record<string, unknown>) => 'createIndexes' in command);
      }
      if (prop !== 'collection') return Reflect.get(target, prop, receiver) as unknown;
      return (name: string) =>
        new Proxy(target.collection(name), {
          get(collection, member, r) {
            const value = Reflect.get(collection, member, r) as unknown;
            if (typeof value !== 'function') return value;
            const bound = (value as (...a: unknown[]) => unknown).bind(collection);
            return member === 'dropIndex' ? failFirst(bound, () => true) : bound;
          },
        });
    },
  });
}

describe('describeError', () => {
  it("keeps ours and the target's words, and never passes our own failures' text on", () => {
    expect(describeError(new DomainError(ErrorCode.notFound, 'database not found'))).toBe('database not found');
    const refused = new MongoServerError({
      code: 85,
      codeName: 'IndexOptionsConflict',
      errmsg: 'Index already exists with a different name: a_1',
    });
    expect(describeError(refused)).toBe('IndexOptionsConflict (85): Index already exists with a different name: a_1');
    // The driver's own words are not passed on: the category is.
    expect(describeError(new MongoNetworkError('connection reset'))).toBe('cannot reach the target database at the target');
    const control = new MongoServerError({ code: 2, codeName: 'BadValue\u0007', errmsg: `bad\u0000value\n${'x'.repeat(600)}` });
    expect(describeError(control)).toMatch(/^ServerError \(2\): bad value x+…$/);
    for (const ours of [
      new TypeError("Cannot read properties of undefined (reading 'key')"),
      new Error('Unsupported state or unable to authenticate data'),
      'thrown text',
    ]) {
      expect(describeError(ours)).toBe('unexpected error (the sync-executor log has the details)');
    }
  });
});
