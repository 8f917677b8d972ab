import { JobScheduler } from '@ir/platform';
import { startFerretCapture, type FerretCaptureFixture } from '../../../../test/support/ferret-capture-fixture';
import { RefreshSchedule } from './refresh-schedule';

// The source is a real FerretDB; the oplog manager is an array (its PostgreSQL side has its own specs).
describe('scheduled refreshes of entities (real FerretDB)', () => {
  let source: FerretCaptureFixture;
  let scheduler: JobScheduler;

  beforeAll(async () => {
    source = await startFerretCapture('refresh');
  }, 60_000);
  afterAll(async () => {
    await scheduler?.stop();
    await source?.stop();
  });

  it('schedules a refresh per entity with an interval; a run scans its collection into the oplog as upserts', async () => {
    scheduler = new JobScheduler();
    const schedule = new RefreshSchedule(scheduler, source.capture);
    schedule.sync([{ name: 'things', refresh_interval_seconds: 3600 }, { name: 'untimed' }]);
    expect(schedule.scheduled()).toEqual(['things']);
    expect(await scheduler.runNow('entity-refresh:things')).toBe('ok');
    expect(source.appended.map((c) => [c.entity, c.operation, c.documentId, c.data])).toEqual([
      ['things', 'upsert', '1', { v: 1 }],
      ['things', 'upsert', '2', { v: 2 }],
    ]);
  });

  it('follows the entities: a new interval reschedules, none unschedules', async () => {
    await scheduler.stop();
    scheduler = new JobScheduler();
    const schedule = new RefreshSchedule(scheduler, source.capture);
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
    source.entities = [{ ...source.things, state: 'scanning' }];
    source.appended.length = 0;
    expect(await source.capture.refresh('things')).toBe(0);
    expect(source.appended).toEqual([]);
  });
});
