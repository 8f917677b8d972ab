import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { OplogChange } from '@ir/contracts';
import { JobScheduler } from '@ir/platform';
import { startPrivateFerretDbWithOplog, type PrivateFerretDb } from '@ir/testing';
import type { CapturedEntity } from '../capture/captured-entity';
import { SourceCapture } from '../capture/source-capture';
import { FerretOplogReader } from '../source/ferret-oplog-reader';
import type { SourcePosition } from '../source/source-change';
import { RefreshSchedule } from './refresh-schedule';

// The source is a real FerretDB; the oplog manager is this array (its PostgreSQL side has its own specs).
describe('scheduled refreshes of entities (real FerretDB)', () => {
  const db = `refresh_${randomBytes(4).toString('hex')}`;
  let ferret: PrivateFerretDb;
  let client: MongoClient;
  let scheduler: JobScheduler;
  const appended: OplogChange[] = [];
  let entities: CapturedEntity[];
  let capture: SourceCapture;

  beforeAll(async () => {
    ferret = await startPrivateFerretDbWithOplog();
    client = await MongoClient.connect(ferret.uri);
    await client
      .db(db)
      .collection('things')
      .insertMany([{ _id: 1, v: 1 } as never, { _id: 2, v: 2 } as never]);
    let position: SourcePosition | undefined;
    entities = [
      { name: 'things', database: db, collection: 'things', columns: [{ name: 'v', type: 'Integer', path: 'v' }], state: 'scanned' },
    ];
    capture = new SourceCapture({
      reader: new FerretOplogReader(client, { settleMs: 100 }),
      sink: { append: async (changes) => appended.push(...changes), finishScan: async () => undefined },
      positions: { get: async () => position, set: async (p) => void (position = p) },
      entities: () => entities,
      batchSize: 1,
    });
    await capture.start();
  }, 60_000);
  afterAll(async () => {
    await scheduler?.stop();
    await client?.close();
    await ferret?.stop();
  });

  it('schedules a refresh per entity with an interval; a run scans its collection into the oplog as upserts', async () => {
    scheduler = new JobScheduler();
    const schedule = new RefreshSchedule(scheduler, capture);
    schedule.sync([{ name: 'things', refresh_interval_seconds: 3600 }, { name: 'untimed' }]);
    expect(schedule.scheduled()).toEqual(['things']);
    expect(await scheduler.runNow('entity-refresh:things')).toBe('ok');
    expect(appended.map((c) => [c.entity, c.operation, c.documentId, c.data])).toEqual([
      ['things', 'upsert', '1', { v: 1 }],
      ['things', 'upsert', '2', { v: 2 }],
    ]);
  });

  it('follows the entities: a new interval reschedules, none unschedules', async () => {
    await scheduler.stop();
    scheduler = new JobScheduler();
    const schedule = new RefreshSchedule(scheduler, capture);
    schedule.sync([{ name: 'things', refresh_interval_seconds: 3600 }]);
    const first = scheduler
      .status()
      .find((s) => s.name === 'entity-refresh:things')!
      .nextRunAt!.getTime();
    expect(first - Date.now()).toBeGreaterThan(3_000_000);
    schedule.sync([{ name: 'things', refresh_interval_seconds: 60 }]);
    expect(
      scheduler
        .status()
        .find((s) => s.name === 'entity-refresh:things')!
        .nextRunAt!.getTime() - Date.now(),
    ).toBeLessThan(70_000);
    schedule.sync([]);
    expect(scheduler.has('entity-refresh:things')).toBe(false);
  });

  it('a refresh of an entity not yet scanned does nothing (its first scan is due)', async () => {
    entities = [{ ...entities[0]!, state: 'scanning' }];
    appended.length = 0;
    expect(await capture.refresh('things')).toBe(0);
    expect(appended).toEqual([]);
  });
});
