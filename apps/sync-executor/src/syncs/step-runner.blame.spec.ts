import type { PlanOperationView } from '@ir/contracts';
import { MongoClient, MongoNetworkError, MongoServerError, type Db, type Document } from 'mongodb';
import { StepRunner } from './step-runner';

/**
 * Which step a refused grouped createIndexes is blamed on, with the errors MongoDB answers (shapes from
 * MongoDB's server source and jstests: the build of a command's indexes is all or nothing, and its
 * error names the index only for a duplicate key, in `keyPattern`). The embedded FerretDB cannot
 * answer these (it has other codes, and no index build to stop), so a MongoDB stand-in over the test
 * server refuses every command that holds the refused index, as MongoDB does, and passes the rest on.
 */
describe('StepRunner: exact blame of a grouped createIndexes (MongoDB error shapes)', () => {
  const uri = process.env.TEST_MONGODB_URI!;
  let client: MongoClient;
  let db: Db;
  const runner = new StepRunner({
    operationTimeoutMs: 60_000,
    retryAttempts: 1,
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 1,
    sleep: async () => undefined,
  });

  const create = (
    collection: string,
    name: string,
    key: Record<string, 1 | -1>,
    options: Record<string, unknown> = {},
  ): PlanOperationView => ({
    kind: 'create',
    collection,
    index: name,
    reason: 'in the DR',
    spec: { key, name, ...options },
  });
  const names = async (collection: string) => (await db.collection(collection).listIndexes().toArray()).map((i) => i.name as string).sort();

  beforeAll(async () => {
    client = await MongoClient.connect(uri);
    db = client.db(`sync_blame_${process.pid}_${Date.now()}`);
  });

  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('a DuplicateKey names its key pattern: the unique index of that key fails, the others are built together in one more command', async () => {
    await db.collection('cases').insertOne({ k: 1 });
    const duplicate = mongoError({
      code: 11000,
      codeName: 'DuplicateKey',
      errmsg:
        'Index build failed: 4f7a2c1e-0c5b-4b8e-9d55-2a9c0d3b6e11: Collection app.cases ( 9b1c5d1e-7f0a-4a55-8d0b-3c2e1f4a5b6c ) :: caused by :: E11000 duplicate key error collection: app.cases index: k_1 dup key: { k: 1 }',
      keyPattern: { k: 1 },
      keyValue: { k: 1 },
    });
    const target = mongoStandIn(db, { k_1: duplicate });
    const ops = [create('cases', 'k_-1', { k: -1 }), create('cases', 'k_1', { k: 1 }, { unique: true }), create('cases', 'z_1', { z: 1 })];
    const { results, together } = await runner.runCreates(target.db, ops, { fresh: true });
    expect(together).toBe(false);
    expect(results.map((r) => r.status)).toEqual(['done', 'failed', 'done']);
    expect(results[1].error).toMatch(
      /^DuplicateKey \(11000\): Index build failed: .*E11000 duplicate key error collection: app\.cases index: k_1/,
    );
    // Unique indexes first in the command; then the two others together, not one by one.
    expect(target.commands).toEqual([
      ['k_1', 'k_-1', 'z_1'],
      ['k_-1', 'z_1'],
    ]);
    expect(await names('cases')).toEqual(['_id_', 'k_-1', 'z_1']);
  });

  const refusals: [string, MongoServerError][] = [
    ['CannotCreateIndex (67)', mongoError({ code: 67, codeName: 'CannotCreateIndex', errmsg: "Unknown index plugin 'nope'" })],
    [
      'IndexOptionsConflict (85)',
      mongoError({
        code: 85,
        codeName: 'IndexOptionsConflict',
        errmsg:
          'An equivalent index already exists with the same name but different options. Requested index: { v: 2, key: { bad: 1 }, name: "bad_1", sparse: true }, existing index: { v: 2, key: { bad: 1 }, name: "bad_1" }',
      }),
    ],
    [
      'IndexKeySpecsConflict (86)',
      mongoError({
        code: 86,
        codeName: 'IndexKeySpecsConflict',
        errmsg:
          'An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: { v: 2, key: { bad: -1 }, name: "bad_1" }, existing index: { v: 2, key: { bad: 1 }, name: "bad_1" }',
      }),
    ],
    ['IndexNotFound (27)', mongoError({ code: 27, codeName: 'IndexNotFound', errmsg: 'can\'t find index with key: { title: "text" }' })],
    [
      'a code this executor does not know',
      mongoError({ code: 4_000_001, codeName: 'SomethingNew', errmsg: 'a refusal of a server version newer than this code' }),
    ],
  ];

  it.each(refusals)(
    '%s without a key pattern: each index is tried alone, and only the refused one fails, with its own error',
    async (_, error) => {
      const collection = `refused_${error.code}`;
      const target = mongoStandIn(db, { bad_1: error });
      const ops = [create(collection, 'a_1', { a: 1 }), create(collection, 'bad_1', { bad: 1 }), create(collection, 'b_1', { b: 1 })];
      const { results } = await runner.runCreates(target.db, ops, { fresh: true });
      expect(results.map((r) => [r.status, r.error])).toEqual([
        ['done', undefined],
        ['failed', `${error.codeName} (${error.code}): ${error.message}`],
        ['done', undefined],
      ]);
      expect(target.commands).toEqual([['a_1', 'bad_1', 'b_1'], ['a_1'], ['bad_1'], ['b_1']]);
      expect(await names(collection)).toEqual(['_id_', 'a_1', 'b_1']);
    },
  );

  it('a build stopped by someone else (an operator killOp: Interrupted 11601) fails every index of the command with that error', async () => {
    const interrupted = mongoError({ code: 11601, codeName: 'Interrupted', errmsg: 'operation was interrupted' });
    const target = mongoStandIn(db, { i1_1: interrupted });
    const ops = [create('killed', 'i1_1', { i1: 1 }), create('killed', 'i2_1', { i2: 1 })];
    const { results } = await runner.runCreates(target.db, ops, { fresh: true });
    expect(results.map((r) => [r.status, r.error])).toEqual(ops.map(() => ['failed', 'Interrupted (11601): operation was interrupted']));
    expect(target.commands).toHaveLength(1);
  });

  it('sends no more creates alone once the target cannot be reached', async () => {
    let sent = 0;
    const refusedThenAway = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== 'command') return Reflect.get(target, prop, receiver) as unknown;
        return () => {
          sent += 1;
          return Promise.reject(
            sent === 1
              ? mongoError({ code: 67, codeName: 'CannotCreateIndex', errmsg: 'refused' })
              : new MongoNetworkError('connection reset'),
          );
        };
      },
    });
    const ops = [create('away', 'a1_1', { a1: 1 }), create('away', 'a2_1', { a2: 1 }), create('away', 'a3_1', { a3: 1 })];
    const { results } = await runner.runCreates(refusedThenAway, ops, { fresh: true });
    expect(results.map((r) => [r.status, r.targetAway ?? false])).toEqual([
      ['failed', true],
      ['not_run', false],
      ['not_run', false],
    ]);
    expect(results[1].note).toBe('not run: the target could not be reached');
    // The grouped command, then the first create alone and its one retry.
    expect(sent).toBe(3);
  });

  describe('cancel (MongoDB 4.4+: dropIndexes naming every index of a build in progress aborts it; FerretDB has no build to stop)', () => {
    it('stops the build by dropping the indexes not ready yet, never one that existed, and records them not run', async () => {
      await db.collection('building').createIndex({ pre: 1 }, { name: 'pre_1' });
      const target = buildingStandIn(db);
      const cancel = new AbortController();
      const ops = [create('building', 'pre_1', { pre: 1 }), create('building', 'c1_1', { c1: 1 }), create('building', 'c2_1', { c2: 1 })];
      const running = runner.runCreates(target.db, ops, { fresh: true, signal: cancel.signal });
      await target.started;
      cancel.abort();
      const { results } = await running;
      expect(target.dropped).toEqual([['c1_1', 'c2_1']]);
      expect(results.map((r) => [r.status, r.result])).toEqual([
        ['done', 'applied'],
        ['not_run', 'not_run'],
        ['not_run', 'not_run'],
      ]);
      expect(results[1].note).toBe('cancelled: its index build was stopped');
      expect(await names('building')).toEqual(['_id_', 'pre_1']);
    });

    it('sends nothing once cancelled', async () => {
      const cancel = new AbortController();
      cancel.abort();
      const target = mongoStandIn(db, {});
      const ops = [create('never', 'n1_1', { n1: 1 }), create('never', 'n2_1', { n2: 1 })];
      expect((await runner.runCreates(target.db, ops, { signal: cancel.signal })).results.map((r) => r.status)).toEqual([
        'not_run',
        'not_run',
      ]);
      expect(await runner.run(target.db, ops[0], { signal: cancel.signal })).toMatchObject({ status: 'not_run', attempts: 0 });
      expect(target.commands).toEqual([]);
    });
  });
});

/** A server's refusal as the driver gives it: the reply's fields on the error, the reply in `errorResponse`. */
function mongoError(reply: { code: number; codeName: string; errmsg: string } & Document): MongoServerError {
  return new MongoServerError({ ok: 0, ...reply });
}

/** `db` as MongoDB answers: a createIndexes holding an index of `refuse` fails whole with its error. */
function mongoStandIn(db: Db, refuse: Record<string, MongoServerError>): { db: Db; commands: string[][] } {
  const commands: string[][] = [];
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'command') return Reflect.get(target, prop, receiver) as unknown;
      return (command: Document, options?: Document) => {
        if (!('createIndexes' in command)) return target.command(command, options);
        const indexNames = (command['indexes'] as { name: string }[]).map((i) => i.name);
        commands.push(indexNames);
        const refused = indexNames.find((name) => refuse[name]);
        return refused ? Promise.reject(refuse[refused]) : target.command(command, options);
      };
    },
  });
  return { db: proxy, commands };
}

/**
 * `db` whose createIndexes builds until a dropIndexes names the indexes it builds, and then fails with
 * IndexBuildAborted, as MongoDB's does.
 */
function buildingStandIn(db: Db): { db: Db; started: Promise<void>; dropped: string[][] } {
  const dropped: string[][] = [];
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  let abortBuild: ((error: Error) => void) | undefined;
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'command') return Reflect.get(target, prop, receiver) as unknown;
      return (command: Document, options?: Document) => {
        if ('createIndexes' in command) {
          started();
          return new Promise((_, reject) => (abortBuild = reject));
        }
        if ('dropIndexes' in command) {
          dropped.push([...(command['index'] as string[])]);
          abortBuild?.(
            mongoError({
              code: 276,
              codeName: 'IndexBuildAborted',
              errmsg: 'Index build aborted: 1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f: Index build aborted due to dropIndexes',
            }),
          );
          return Promise.resolve({ ok: 1, nIndexesWas: 2 });
        }
        return target.command(command, options);
      };
    },
  });
  return { db: proxy, started: startedPromise, dropped };
}
