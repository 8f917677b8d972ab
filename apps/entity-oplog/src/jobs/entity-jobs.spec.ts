import type { OplogChange } from '@ir/contracts';
import { JobScheduler } from '@ir/platform';
import type { Pool } from 'pg';
import { EntityRepository } from '../entities/entity.repository';
import { OplogRepository } from '../oplog/oplog.repository';
import { migratedSpecSchema, type SpecSchema } from '../storage/testing/spec-schema';
import { HardRefresh } from './hard-refresh';
import { OplogCleanupJob } from './oplog-cleanup.job';

const PROJECT = 'a'.repeat(24);
const OTHER = 'b'.repeat(24);
const SOURCE = { databaseId: 'c'.repeat(24), collection: 'things' };
const columns = [{ name: 'v', type: 'Integer' as const, path: 'v' }];
const change = (entity: string, id: string, v: number | null): OplogChange => ({
  entity,
  operation: v === null ? 'delete' : 'upsert',
  documentId: id,
  at: new Date(0).toISOString(),
  data: v === null ? null : { v },
});

/** The cache a replica would hold: the latest entry of each document, deletes removing it. */
async function cacheOf(oplog: OplogRepository, entity: string): Promise<Record<string, unknown>> {
  const rows: Record<string, unknown> = {};
  for (const entry of await oplog.since('0', 10_000, [entity])) {
    if (entry.operation === 'delete') delete rows[entry.documentId];
    else rows[entry.documentId] = entry.data?.v;
  }
  return rows;
}

describe('entity cache jobs on the oplog (real PostgreSQL)', () => {
  let pool: Pool;
  let spec: SpecSchema;
  let entities: EntityRepository;
  let oplog: OplogRepository;

  beforeAll(async () => {
    spec = await migratedSpecSchema('jobs');
    pool = spec.pool;
    entities = new EntityRepository(pool);
    oplog = new OplogRepository(pool);
  });
  afterAll(async () => {
    await spec?.drop();
  });

  it('keeps an entity’s refresh interval', async () => {
    const created = await entities.create(PROJECT, { name: 'timed', source: SOURCE, columns, refresh_interval_seconds: 3600 });
    expect(created?.refresh_interval_seconds).toBe(3600);
    expect((await entities.get(PROJECT, 'timed'))?.refresh_interval_seconds).toBe(3600);
    const untimed = await entities.create(PROJECT, { name: 'untimed', source: SOURCE, columns });
    expect(untimed).not.toHaveProperty('refresh_interval_seconds');
  });

  it('a hard refresh stages the new scan, then the merge deletes what the scan did not find, in order', async () => {
    await entities.create(PROJECT, { name: 'things', source: SOURCE, columns });
    // First scan: documents 1..3; then "2" is deleted in the source but the capture never saw it (a lost delete).
    await oplog.append([change('things', '1', 1), change('things', '2', 2), change('things', '3', 3)]);
    await oplog.finishScan('things');
    await oplog.append([change('things', '3', null), change('things', '4', 4)]);
    expect(await cacheOf(oplog, 'things')).toEqual({ '1': 1, '2': 2, '4': 4 });

    const hard = new HardRefresh(entities, oplog);
    expect(await hard.request(OTHER, 'things')).toBe('not_found');
    expect(await hard.request(PROJECT, 'things')).toBe('started');
    expect(await hard.request(PROJECT, 'things')).toBe('already_scanning');
    // The capture's scan (the source holds 1 as 11 and 4) and a change made meanwhile (5 inserted) go to staging.
    await oplog.append([change('things', '1', 11), change('things', '4', 4), change('things', '5', 5)]);
    expect(await hard.progress(PROJECT, 'things')).toEqual({ state: 'scanning', staged: 3 });
    expect(await cacheOf(oplog, 'things')).toEqual({ '1': 1, '2': 2, '4': 4 });

    const before = await oplog.lastId();
    expect(await oplog.finishScan('things')).toBe(4); // the delete of 2, then the three staged
    const merged = await oplog.since(before, 100, ['things']);
    expect(merged.map((e) => [e.operation, e.documentId])).toEqual([
      ['delete', '2'],
      ['upsert', '1'],
      ['upsert', '4'],
      ['upsert', '5'],
    ]);
    expect(await cacheOf(oplog, 'things')).toEqual({ '1': 11, '4': 4, '5': 5 });
    expect(await hard.progress(PROJECT, 'things')).toEqual({ state: 'scanned', staged: 0 });
  });

  it('the clean-up job removes entries of entities gone and staging no scan will move, in batches', async () => {
    await entities.create(PROJECT, { name: 'kept', source: SOURCE, columns });
    await oplog.append([change('kept', '1', 1)]); // staged: kept is scanning, and stays so
    // Left behind by a crash or a hand edit: entries of an entity that does not exist, and staging of a scanned one.
    await pool.query(
      `INSERT INTO oplog (entity, operation, document_id, at, data) SELECT 'gone', 'upsert', n::text, now(), '{}' FROM generate_series(1, 25) n`,
    );
    await pool.query(`INSERT INTO oplog_staging (entity, operation, document_id, at, data) VALUES ('things', 'upsert', '9', now(), '{}')`);

    const job = new OplogCleanupJob(oplog, { batchSize: 10, intervalMs: 60_000 });
    const scheduler = new JobScheduler();
    scheduler.add(job);
    expect(await scheduler.runNow('oplog-cleanup')).toBe('ok');
    await scheduler.stop();
    expect(job.lastRun).toEqual({ oplog: 25, staging: 1 });
    expect(await oplog.since('0', 100, ['gone'])).toEqual([]);
    expect(await oplog.stagedCount('kept')).toBe(1);
    expect(await cacheOf(oplog, 'things')).toEqual({ '1': 11, '4': 4, '5': 5 });
  });
});
