import { DomainError, STALE_CAPTURE_EPOCH } from '@ir/contracts';
import { CaptureLeaseRepository } from '../lease/capture-lease.repository';
import { OplogRepository } from '../oplog/oplog.repository';
import { migratedSpecSchema, type SpecSchema } from '../storage/testing/spec-schema';
import { EntityRepository } from './entity.repository';
import { entitySpec, entityView } from './entity-view';

const PROJECT = 'a'.repeat(24);
const OTHER = 'b'.repeat(24);
const SOURCE = { databaseId: 'c'.repeat(24), collection: 'things' };
const columns = [{ name: 'v', type: 'Integer' as const, path: 'v' }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('soft refresh requests on the entity (real PostgreSQL)', () => {
  let spec: SpecSchema;
  let entities: EntityRepository;
  let oplog: OplogRepository;
  let epoch: number;

  beforeAll(async () => {
    spec = await migratedSpecSchema('soft');
    entities = new EntityRepository(spec.pool);
    oplog = new OplogRepository(spec.pool);
    epoch = (await new CaptureLeaseRepository(spec.pool).acquire('capture-1', undefined, 60_000)).epoch;
    await entities.create(PROJECT, { name: 'things', source: SOURCE, columns });
  });
  afterAll(async () => {
    await spec?.drop();
  });

  it('migrates the request columns in 005', () => {
    expect(spec.applied).toContain('005_soft_refresh_request');
  });

  it('is refused while the entity is scanning (its first scan does it), and for another project', async () => {
    expect(await entities.requestSoftRefresh(PROJECT, 'things')).toBeUndefined();
    await oplog.finishScan('things');
    expect(await entities.requestSoftRefresh(OTHER, 'things')).toBeUndefined();
    expect(await entities.get(PROJECT, 'things')).not.toHaveProperty('softRefreshRequestedAt');
  });

  it('records the request in milliseconds, shows it in the view and hands it to the capture with the entities', async () => {
    const requested = await entities.requestSoftRefresh(PROJECT, 'things');
    const at = requested?.softRefreshRequestedAt;
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(entityView(requested!)).toMatchObject({ soft_refresh_requested_at: at });
    expect(entityView(requested!)).not.toHaveProperty('soft_refresh_done_at');
    const [seen] = (await entities.all()).map(entitySpec);
    expect(seen).toMatchObject({ name: 'things', state: 'scanned', soft_refresh_requested_at: at });
  });

  it('is cleared by the capture by its time and the done time kept; a stale epoch is refused and clears nothing', async () => {
    const at = (await entities.get(PROJECT, 'things'))!.softRefreshRequestedAt!;
    await expect(entities.finishSoftRefresh('things', at, epoch + 1)).rejects.toEqual(
      expect.objectContaining({ constructor: DomainError, details: expect.objectContaining({ reason: STALE_CAPTURE_EPOCH }) }),
    );
    expect((await entities.get(PROJECT, 'things'))!.softRefreshRequestedAt).toBe(at);
    expect(await entities.finishSoftRefresh('things', at, epoch)).toBe(true);
    const done = (await entities.get(PROJECT, 'things'))!;
    expect(done).not.toHaveProperty('softRefreshRequestedAt');
    expect(Date.parse(done.softRefreshDoneAt!)).toBeGreaterThanOrEqual(Date.parse(at));
    expect(entitySpec(done)).not.toHaveProperty('soft_refresh_requested_at');
    // Acknowledged twice (a retry after a lost answer): nothing more to clear.
    expect(await entities.finishSoftRefresh('things', at, epoch)).toBe(false);
  });

  it('keeps a request made while the capture was scanning for an earlier one: it is still to do', async () => {
    const first = (await entities.requestSoftRefresh(PROJECT, 'things'))!.softRefreshRequestedAt!;
    await sleep(5);
    const second = (await entities.requestSoftRefresh(PROJECT, 'things'))!.softRefreshRequestedAt!;
    expect(Date.parse(second)).toBeGreaterThan(Date.parse(first));
    expect(await entities.finishSoftRefresh('things', first, epoch)).toBe(false);
    expect((await entities.get(PROJECT, 'things'))!.softRefreshRequestedAt).toBe(second);
    expect(await entities.finishSoftRefresh('things', second, epoch)).toBe(true);
  });

  it('is taken over by a hard refresh: its scan, begun after the request, does it', async () => {
    await entities.requestSoftRefresh(PROJECT, 'things');
    expect(await entities.restartScan(PROJECT, 'things')).toBe(true);
    const scanning = (await entities.get(PROJECT, 'things'))!;
    expect(scanning.state).toBe('scanning');
    expect(scanning).not.toHaveProperty('softRefreshRequestedAt');
  });
});
