// Two entity captures on one source (issue 16): only the capture lease's holder appends, the other stands by;
// the holder killed with SIGKILL, the standby takes over within the TTL and a bit, and the cache ends equal
// to the source; a holder paused past its TTL (SIGSTOP) writes nothing once resumed; a soft refresh asked for
// outlives its holder killed mid-scan. Real servers of its own: a FerretDB keeping local.oplog.rs, a
// PostgreSQL for the oplog, the captures as child processes
// (test/support/entity-capture-runner.ts with CAPTURE_HOLDER, from dist/: `npm run build` first).
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Collection } from 'mongodb';
import type { EntityShape } from '@ir/contracts';
import { documentKey, rowOf } from '@ir/entity-core';
import type { Pool } from 'pg';
import { LocalMetadata } from '../apps/cache-replicator/src/replicate/local-metadata';
import { OplogReplicator } from '../apps/cache-replicator/src/replicate/oplog-replicator';
import { EntityRepository } from '../apps/entity-oplog/src/entities/entity.repository';
import { OplogRepository } from '../apps/entity-oplog/src/oplog/oplog.repository';
import { migrate } from '../apps/entity-oplog/src/storage/migrations';
import { openPostgres, schemaName } from '../apps/entity-oplog/src/storage/postgres';
import { startPostgres, type PostgresHandle } from '../tools/infra/postgres';
import { ManagedProcess } from '../tools/infra/process';
import { repoRoot, startPrivateFerretDbWithOplog, type PrivateFerretDb } from './support';

jest.setTimeout(180_000);

const PROJECT = 'a'.repeat(24);
const DATABASE_ID = 'd'.repeat(24);
const SOURCE_DB = 'lease_source';
const INITIAL = 1_000;
const TTL_MS = 5_000;
const RENEW_MS = 1_500;
const SHAPE: EntityShape = [
  { name: 'n', type: 'Integer', path: 'n' },
  { name: 'tag', type: 'Text', path: 'tag' },
];
const RUNNER = join(repoRoot, 'dist', 'test', 'support', 'entity-capture-runner.js');

interface Item {
  _id: number | string;
  n?: number;
  tag?: string;
}
type Event = { event: string; [field: string]: unknown };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two entity captures: one holds the lease and appends, the other takes over when it dies', () => {
  let dir: string;
  let ferret: PrivateFerretDb;
  let mongo: MongoClient;
  let items: Collection<Item>;
  let postgres: PostgresHandle;
  let pool: Pool;
  let entities: EntityRepository;
  let oplog: OplogRepository;
  const captures: ManagedProcess[] = [];
  let seq = 0;
  let writing: Promise<void> | undefined;
  let stopWriting = false;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-entity-lease-'));
    chmodSync(dir, 0o711); // PostgreSQL, started by root, runs as the postgres user and needs its data directory here
    [ferret, postgres] = await Promise.all([
      startPrivateFerretDbWithOplog(),
      startPostgres({ dataDir: join(dir, 'pg'), logFile: join(dir, 'postgres.log'), throwaway: true }),
    ]);
    mongo = await MongoClient.connect(ferret.uri);
    items = mongo.db(SOURCE_DB).collection<Item>('items');
    await items.insertMany(Array.from({ length: INITIAL }, (_, n) => ({ _id: n, n, tag: `t${n}` })));
    const schema = schemaName('lease');
    pool = openPostgres(postgres.url, schema);
    // The captures here write to PostgreSQL themselves (the service's capture goes through entity-oplog, which
    // holds no transaction across a pause): one paused with SIGSTOP mid-append would hold the lease row, and
    // with it the next capture's take, for as long as it stays paused. PostgreSQL ends such a session after 2 s.
    await pool.query(`ALTER ROLE CURRENT_USER SET idle_in_transaction_session_timeout = '2s'`);
    await migrate(pool, schema);
    entities = new EntityRepository(pool);
    oplog = new OplogRepository(pool);
    await entities.create(PROJECT, { name: 'items', source: { databaseId: DATABASE_ID, collection: 'items' }, columns: SHAPE });
  });
  afterAll(async () => {
    stopWriting = true;
    await writing;
    for (const capture of captures) {
      try {
        if (capture.pid) process.kill(capture.pid, 'SIGCONT'); // one left paused by a failed test
      } catch {
        // already gone (the one killed with SIGKILL)
      }
      await capture.stop().catch(() => undefined);
    }
    await mongo?.close();
    await pool?.end();
    await postgres?.process.stop();
    await ferret?.stop();
    if (!process.env.KEEP_TEST_INFRA) rmSync(dir, { recursive: true, force: true });
  });

  function startCapture(holder: string): ManagedProcess {
    const capture = ManagedProcess.spawn({
      name: holder,
      command: process.execPath,
      args: [RUNNER],
      logFile: join(dir, `${holder}.log`),
      env: {
        CAPTURE_SOURCE_URI: ferret.uri,
        CAPTURE_SOURCE_DB: SOURCE_DB,
        CAPTURE_DATABASE_ID: DATABASE_ID,
        CAPTURE_POSTGRES_URL: postgres.url,
        CAPTURE_PG_SCHEMA: schemaName('lease'),
        CAPTURE_BATCH_SIZE: '100',
        CAPTURE_SETTLE_MS: '200',
        CAPTURE_HOLDER: holder,
        CAPTURE_LEASE_TTL_MS: String(TTL_MS),
        CAPTURE_LEASE_RENEW_MS: String(RENEW_MS),
      },
    });
    captures.push(capture);
    return capture;
  }

  const events = (capture: ManagedProcess): Event[] =>
    readFileSync(capture.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Event);

  async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; logs:\n${captures.map((c) => c.logTail(15)).join('\n')}`);
      await sleep(100);
    }
  }

  /** Updates (each write a new, unique `n`) and some deletes, one at a time, until stopped. */
  function startWriting(): void {
    stopWriting = false;
    writing = (async () => {
      while (!stopWriting) {
        const at = ++seq;
        const id = at % (INITIAL + 200);
        if (at % 9 === 0) await items.deleteOne({ _id: id });
        else await items.updateOne({ _id: id }, { $set: { n: INITIAL + at, tag: `w${at}` } }, { upsert: true });
      }
    })();
  }
  async function stopWrites(): Promise<void> {
    stopWriting = true;
    await writing;
  }

  /** Each write's upsert (a document and its unique `n`) in the oplog, counted: more than one is a duplicate. */
  async function duplicatedWrites(): Promise<number> {
    const result = await pool.query<{ count: string }>(
      `SELECT count(*) FROM (SELECT document_id, data->>'n' FROM oplog WHERE operation = 'upsert' AND (data->>'n')::bigint >= $1
       GROUP BY 1, 2 HAVING count(*) > 1) d`,
      [INITIAL],
    );
    return Number(result.rows[0]!.count);
  }

  /** A sentinel write, once in the oplog, says the capture read everything before it. */
  async function captured(): Promise<void> {
    const id = `sentinel-${Date.now()}`;
    await items.insertOne({ _id: id, n: 0 });
    const key = documentKey(id);
    await waitFor(`${id} in the oplog`, async () => (await pool.query('SELECT 1 FROM oplog WHERE document_id = $1', [key])).rowCount! > 0);
  }

  let holder: ManagedProcess;
  let standby: ManagedProcess;

  it('only the holder scans and appends; the other stands by', async () => {
    const [a, b] = [startCapture('capture-a'), startCapture('capture-b')];
    await waitFor('one capture leased', () => [a, b].some((c) => events(c).some((e) => e.event === 'leased')));
    [holder, standby] = events(a).some((e) => e.event === 'leased') ? [a, b] : [b, a];
    expect(events(holder).find((e) => e.event === 'leased')).toMatchObject({ epoch: 1 });
    await waitFor('the scan done', () => events(holder).some((e) => e.event === 'scanned'));
    startWriting();
    await waitFor('the tail under way', () => events(holder).filter((e) => e.event === 'polled').length >= 3);
    await sleep(2 * TTL_MS); // the standby asked several times meanwhile
    expect(events(standby).map((e) => e.event)).toEqual(['standby']);
    expect(await duplicatedWrites()).toBe(0);
  });

  it('the holder killed with SIGKILL: the standby takes over within the TTL and a bit, and the cache equals the source', async () => {
    await holder.kill9();
    const killedAt = Date.now();
    await waitFor('the standby leased', () => events(standby).some((e) => e.event === 'leased'), 2 * TTL_MS + 5_000);
    const tookOverMs = Date.now() - killedAt;
    expect(tookOverMs).toBeLessThan(TTL_MS + RENEW_MS + 3_000);
    expect(events(standby).find((e) => e.event === 'leased')).toMatchObject({ epoch: 2 });
    process.stdout.write(`takeover after SIGKILL: ${tookOverMs} ms (TTL ${TTL_MS} ms, renewal every ${RENEW_MS} ms)\n`);
    await sleep(1_000);
    await stopWrites();
    await captured();

    const path = join(dir, 'replica');
    const replica = new OplogReplicator({
      root: join(path, 'dbs'),
      source: oplog,
      metadata: new LocalMetadata(path),
      shapeOf: () => SHAPE,
      batchSize: 500,
    });
    try {
      await replica.catchUp();
      const docs = await items.find({}).toArray();
      const expected = docs
        .map((doc) => ({ _document_id: documentKey(doc._id), ...rowOf(SHAPE, doc) }))
        .sort((x, y) => (x._document_id < y._document_id ? -1 : x._document_id > y._document_id ? 1 : 0));
      expect(seq).toBeGreaterThan(50);
      expect(
        replica
          .cacheOf('items')!
          .rows()
          .map(({ _oplog_id: _, ...row }) => row),
      ).toEqual(expected);
    } finally {
      replica.close();
    }
  });

  it('a holder paused past its TTL (SIGSTOP) is replaced, and once resumed it stops without writing', async () => {
    holder = standby;
    standby = startCapture('capture-c');
    await waitFor('the new capture standing by', () => events(standby).some((e) => e.event === 'standby'));
    const appended = () => events(holder).filter((e) => e.event === 'appended').length;
    const before = appended();
    startWriting();
    await waitFor('the holder appending', () => appended() >= before + 2);
    const heldEpoch = events(holder)
      .filter((e) => e.event === 'leased')
      .at(-1)!.epoch as number;
    process.kill(holder.pid!, 'SIGSTOP');
    await waitFor('capture-c leased', () => events(standby).some((e) => e.event === 'leased'), 2 * TTL_MS + 5_000);
    expect(events(standby).find((e) => e.event === 'leased')!.epoch).toBeGreaterThan(heldEpoch);
    const resumedAt = events(holder).length;
    process.kill(holder.pid!, 'SIGCONT');
    await waitFor('the paused holder told it lost the lease', () =>
      events(holder)
        .slice(resumedAt)
        .some((e) => e.event === 'lease-lost'),
    );
    await sleep(2 * RENEW_MS);
    await stopWrites();
    await captured();
    // Whatever the resumed holder still tried with its old epoch was refused, or never sent (it fenced itself
    // first): at most the print of an append committed before the pause comes after the resume, none after the loss.
    const resumed = events(holder).slice(resumedAt);
    const lostAt = resumed.findIndex((e) => e.event === 'lease-lost');
    const oldEpoch = (e: Event) => e.event === 'appended' && e.epoch === heldEpoch;
    expect(resumed.slice(lostAt).filter(oldEpoch)).toEqual([]);
    expect(resumed.slice(0, lostAt).filter(oldEpoch).length).toBeLessThanOrEqual(1);
  });

  it('a soft refresh asked for survives its capture killed mid-scan: the next holder scans and clears it', async () => {
    const current = standby; // capture-c holds the lease since the last test
    const requestedAt = (await entities.requestSoftRefresh(PROJECT, 'items'))!.softRefreshRequestedAt!;
    await waitFor('the holder scanning for the request', () => events(current).some((e) => e.event === 'soft-refresh'));
    await current.kill9();
    // Killed before it could acknowledge: the request is still there for whoever takes the lease.
    expect(events(current).filter((e) => e.event === 'soft-refreshed')).toEqual([]);
    expect((await entities.get(PROJECT, 'items'))!.softRefreshRequestedAt).toBe(requestedAt);
    const next = startCapture('capture-d');
    const others = [holder, next];
    await waitFor(
      'another holder serving the request',
      () => others.some((c) => events(c).some((e) => e.event === 'soft-refreshed' && e.requested_at === requestedAt && e.cleared === true)),
      2 * TTL_MS + 30_000,
    );
    const done = (await entities.get(PROJECT, 'items'))!;
    expect(done).not.toHaveProperty('softRefreshRequestedAt');
    expect(Date.parse(done.softRefreshDoneAt!)).toBeGreaterThanOrEqual(Date.parse(requestedAt));
  });
});
