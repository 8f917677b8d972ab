import type { OplogChange } from '@ir/contracts';
import { EntityRepository } from '../entities/entity.repository';
import type { EntityAccess } from '../entities/entity-access';
import { OplogReadsService } from '../oplog/oplog-reads.service';
import { OplogRepository } from '../oplog/oplog.repository';
import { ReplicaRepository } from '../replication/replica.repository';
import { inAppendTransaction } from './append-lock';
import { OplogAppended } from './oplog-appended';
import { migratedSpecSchema, type SpecSchema } from './testing/spec-schema';

const PROJECT = 'a'.repeat(24);
const DATABASE = 'c'.repeat(24);
const upsert = (id: number): OplogChange => ({
  entity: 'woken',
  operation: 'upsert',
  documentId: String(id),
  at: new Date(0).toISOString(),
  data: null,
});

describe('OplogAppended: waits woken by PostgreSQL NOTIFY at an oplog write’s commit (real PostgreSQL)', () => {
  let spec: SpecSchema;
  let other: SpecSchema;
  let appended: OplogAppended;
  let oplog: OplogRepository;

  beforeAll(async () => {
    [spec, other] = await Promise.all([migratedSpecSchema('wake'), migratedSpecSchema('wake_other')]);
    const columns = [{ name: 'v', type: 'Integer' as const, path: 'v' }];
    for (const { pool } of [spec, other]) {
      const entities = new EntityRepository(pool);
      await entities.create(PROJECT, { name: 'woken', source: { databaseId: DATABASE, collection: 'woken' }, columns });
      await new OplogRepository(pool).finishScan('woken');
    }
    oplog = new OplogRepository(spec.pool);
    appended = new OplogAppended(spec.pool, spec.schema);
    await appended.start();
  });
  afterAll(async () => {
    await appended?.stop();
    await Promise.all([spec?.drop(), other?.drop()]);
  });

  it('ends a wait at the commit of an append, long before its timeout', async () => {
    const started = Date.now();
    const { appended: woken } = appended.next(10_000);
    setTimeout(() => void oplog.append([upsert(1)]), 100);
    expect(await woken).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('is not woken by a write rolled back, nor by another schema’s oplog: the wait ends at its timeout', async () => {
    const { appended: woken } = appended.next(1_500);
    await expect(
      inAppendTransaction(spec.pool, async (client) => {
        await client.query(`INSERT INTO oplog (entity, operation, document_id, at) VALUES ('woken', 'delete', '1', now())`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await new OplogRepository(other.pool).append([upsert(2)]);
    expect(await woken).toBe(false);
  });

  it('answers a replicator’s read that finds nothing when the next entry commits, or empty after its wait', async () => {
    // The replicators' read checks no caller's projects: no access is needed.
    const reads = new OplogReadsService(
      oplog,
      new EntityRepository(spec.pool),
      new ReplicaRepository(spec.pool),
      {} as EntityAccess,
      appended,
    );
    const last = await oplog.lastId();
    let started = Date.now();
    expect((await reads.readAll(last, 10, undefined, 1_000)).entries).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    started = Date.now();
    setTimeout(() => void oplog.append([upsert(4)]), 200);
    const page = await reads.readAll(last, 10, undefined, 10_000);
    expect(page.entries.map((entry) => entry.documentId)).toEqual(['4']);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Entries there already: answered at once.
    started = Date.now();
    expect((await reads.readAll(last, 10, undefined, 10_000)).entries).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('listens again after its connection is lost (PostgreSQL restarted), and is woken again', async () => {
    await spec.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ${spec.schema}'`);
    const deadline = Date.now() + 10_000;
    while (appended.listening() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(appended.listening()).toBe(false);
    while (!appended.listening() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(appended.listening()).toBe(true);
    const { appended: woken } = appended.next(10_000);
    await oplog.append([upsert(3)]);
    expect(await woken).toBe(true);
  });
});
