import type { Pool } from 'pg';
import { EntityRepository } from '../entities/entity.repository';
import { OplogRepository } from '../oplog/oplog.repository';
import { migratedSpecSchema, type SpecSchema } from '../storage/testing/spec-schema';
import { ReplicaRepository } from './replica.repository';

const PROJECT = 'a'.repeat(24);
const DATABASE = 'c'.repeat(24);

describe('replica progress and lag (real PostgreSQL)', () => {
  let pool: Pool;
  let spec: SpecSchema;

  beforeAll(async () => {
    spec = await migratedSpecSchema('spec');
    pool = spec.pool;
  });
  afterAll(async () => {
    await spec?.drop();
  });

  it("counts each replica's unapplied entries of an entity and how old the oldest of them is", async () => {
    const entities = new EntityRepository(pool);
    const oplog = new OplogRepository(pool);
    const replicas = new ReplicaRepository(pool);
    await entities.create(PROJECT, {
      name: 'people',
      source: { databaseId: DATABASE, collection: 'people' },
      columns: [{ name: 'v', type: 'Integer', path: 'v' }],
    });
    await oplog.finishScan('people');
    const now = new Date('2026-01-01T00:01:00Z');
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
    await oplog.append(
      [10, 20, 30].map((second, n) => ({ entity: 'people', operation: 'upsert', documentId: String(n), at: at(second), data: { v: n } })),
    );
    const [first, , third] = await oplog.since('0', 10);

    await replicas.record({
      replica: 'r1',
      offset: first!.id,
      entities: [{ entity: 'people', applied_id: first!.id, cache_generation: 0 }],
    });
    await replicas.record({
      replica: 'r2',
      offset: third!.id,
      entities: [{ entity: 'people', applied_id: third!.id, cache_generation: 1 }],
    });
    // A replica that has never applied an entry of the entity counts from the start.
    await replicas.record({ replica: 'r3', offset: '0', entities: [] });

    const stats = await replicas.statsOf('people', now);
    expect(stats.map(({ reported_at: _at, ...rest }) => rest)).toEqual([
      { replica: 'r1', applied_id: first!.id, lag_entries: 2, lag_seconds: 40, cache_generation: 0 },
      { replica: 'r2', applied_id: third!.id, lag_entries: 0, lag_seconds: 0, cache_generation: 1 },
      { replica: 'r3', applied_id: '0', lag_entries: 3, lag_seconds: 50, cache_generation: 0 },
    ]);

    // A later report replaces the earlier one.
    await replicas.record({
      replica: 'r1',
      offset: third!.id,
      entities: [{ entity: 'people', applied_id: third!.id, cache_generation: 0 }],
    });
    expect((await replicas.statsOf('people', now))[0]).toMatchObject({ lag_entries: 0, lag_seconds: 0 });
    expect((await replicas.list()).map((r) => [r.replica, r.entities])).toEqual([
      ['r1', 1],
      ['r2', 1],
      ['r3', 0],
    ]);
  });
});
