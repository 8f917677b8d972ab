import type { OplogChange } from '@ir/contracts';
import type { Pool } from 'pg';
import { EntityRepository } from '../entities/entity.repository';
import { MetadataRepository } from '../metadata/metadata.repository';
import { migrate } from '../storage/migrations';
import { migratedSpecSchema, type SpecSchema } from '../storage/testing/spec-schema';
import { OplogRepository } from './oplog.repository';

const PROJECT = 'a'.repeat(24);
const OTHER_PROJECT = 'b'.repeat(24);
const DATABASE = 'c'.repeat(24);

const upsert = (entity: string, id: number, value: number): OplogChange => ({
  entity,
  operation: 'upsert',
  documentId: String(id),
  at: new Date(0).toISOString(),
  data: { v: value },
});

describe('entity oplog storage (real PostgreSQL)', () => {
  let pool: Pool;
  let spec: SpecSchema;

  beforeAll(async () => {
    spec = await migratedSpecSchema('spec');
    pool = spec.pool;
    expect(spec.applied).toEqual([
      '001_entities_oplog_metadata',
      '002_cache_generation_replicas',
      '003_entity_refresh_interval',
      '004_capture_lease',
      '005_soft_refresh_request',
    ]);
  });
  afterAll(async () => {
    await spec?.drop();
  });

  it('migrates once: a second run (another replica) applies nothing', async () => {
    const [first, second] = await Promise.all([migrate(pool, spec.schema), migrate(pool, spec.schema)]);
    expect([...first, ...second]).toEqual([]);
  });

  it('keeps entities per project: another project neither sees nor deletes one, and a taken name is refused', async () => {
    const entities = new EntityRepository(pool);
    const columns = [{ name: 'v', type: 'Integer' as const, path: 'v' }];
    const created = await entities.create(PROJECT, { name: 'people', source: { databaseId: DATABASE, collection: 'people' }, columns });
    expect(created).toMatchObject({ name: 'people', state: 'scanning', projectId: PROJECT, columns });
    expect(
      await entities.create(OTHER_PROJECT, { name: 'people', source: { databaseId: DATABASE, collection: 'x' }, columns }),
    ).toBeUndefined();
    expect(await entities.get(OTHER_PROJECT, 'people')).toBeUndefined();
    expect(await entities.list(OTHER_PROJECT)).toEqual([]);
    expect(await entities.delete(OTHER_PROJECT, 'people')).toBe(false);
    expect((await entities.list(PROJECT)).map((e) => e.name)).toEqual(['people']);
  });

  it('stages a scanning entity, moves its entries in order when its scan ends, and drops unknown entities', async () => {
    const entities = new EntityRepository(pool);
    const oplog = new OplogRepository(pool);
    const columns = [{ name: 'v', type: 'Integer' as const, path: 'v' }];
    await entities.create(PROJECT, { name: 'orders', source: { databaseId: DATABASE, collection: 'orders' }, columns });
    const start = await oplog.lastId();

    expect(await oplog.append([upsert('orders', 1, 1), upsert('nobody', 1, 1), upsert('orders', 2, 2)])).toEqual({
      oplog: 0,
      staged: 2,
      dropped: 1,
    });
    expect(await oplog.since(start, 10)).toEqual([]);
    expect(await oplog.finishScan('orders')).toBe(2);
    expect(await oplog.append([upsert('orders', 1, 3)])).toEqual({ oplog: 1, staged: 0, dropped: 0 });

    const entries = await oplog.since(start, 10, ['orders']);
    expect(entries.map((e) => [e.documentId, e.data])).toEqual([
      ['1', { v: 1 }],
      ['2', { v: 2 }],
      ['1', { v: 3 }],
    ]);
    const ids = entries.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    expect(await oplog.since(entries[1]!.id, 10)).toEqual([entries[2]]);
  });

  it('concurrent appends commit in id order, so reading after an offset misses none', async () => {
    const entities = new EntityRepository(pool);
    const oplog = new OplogRepository(pool);
    await entities.create(PROJECT, {
      name: 'busy',
      source: { databaseId: DATABASE, collection: 'busy' },
      columns: [{ name: 'v', type: 'Integer', path: 'v' }],
    });
    await oplog.finishScan('busy');
    const start = await oplog.lastId();
    let offset = start;
    const seen: string[] = [];
    const writers = Promise.all(Array.from({ length: 20 }, (_, n) => oplog.append([upsert('busy', n, n), upsert('busy', n, n + 100)])));
    // A reader going along while the writers run, as a replicator does.
    for (let done = false; !done;) {
      done = await Promise.race([writers.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5))]);
      for (const entry of await oplog.since(offset, 1000, ['busy'])) {
        seen.push(entry.id);
        offset = entry.id;
      }
    }
    for (const entry of await oplog.since(offset, 1000, ['busy'])) seen.push(entry.id);
    const all = (await oplog.since(start, 1000, ['busy'])).map((e) => e.id);
    expect(all).toHaveLength(40);
    expect(seen).toEqual(all);
  });

  it('deleting an entity deletes its entries', async () => {
    const entities = new EntityRepository(pool);
    const oplog = new OplogRepository(pool);
    expect(await entities.delete(PROJECT, 'orders')).toBe(true);
    expect(await oplog.since('0', 100, ['orders'])).toEqual([]);
  });

  it('keeps metadata as JSON by key', async () => {
    const metadata = new MetadataRepository(pool);
    expect(await metadata.get('mongo_resume_token:x')).toBeUndefined();
    await metadata.set('mongo_resume_token:x', { t: 1, i: 2 });
    await metadata.set('mongo_resume_token:x', { t: 3, i: 4 });
    expect(await metadata.get('mongo_resume_token:x')).toEqual({ t: 3, i: 4 });
  });
});
