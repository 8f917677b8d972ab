import { DomainError, STALE_CAPTURE_EPOCH, type OplogChange } from '@ir/contracts';
import type { Pool } from 'pg';
import { EntityRepository } from '../entities/entity.repository';
import { MetadataRepository } from '../metadata/metadata.repository';
import { OplogRepository } from '../oplog/oplog.repository';
import { migratedSpecSchema, type SpecSchema } from '../storage/testing/spec-schema';
import { CaptureLeaseRepository } from './capture-lease.repository';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const change = (id: number): OplogChange => ({
  entity: 'fenced',
  operation: 'upsert',
  documentId: String(id),
  at: new Date(0).toISOString(),
  data: { v: id },
});

/** The refusal entity-oplog answers: CONFLICT with a reason the capture can tell apart. */
const stale = (epoch: number, current: number) =>
  expect.objectContaining({ constructor: DomainError, details: { reason: STALE_CAPTURE_EPOCH, epoch, current_epoch: current } });

describe('capture lease and fencing (real PostgreSQL)', () => {
  let pool: Pool;
  let spec: SpecSchema;
  let lease: CaptureLeaseRepository;
  let oplog: OplogRepository;
  let metadata: MetadataRepository;

  beforeAll(async () => {
    spec = await migratedSpecSchema('lease');
    pool = spec.pool;
    lease = new CaptureLeaseRepository(pool);
    oplog = new OplogRepository(pool);
    metadata = new MetadataRepository(pool);
    const entities = new EntityRepository(pool);
    await entities.create('a'.repeat(24), {
      name: 'fenced',
      source: { databaseId: 'c'.repeat(24), collection: 'fenced' },
      columns: [{ name: 'v', type: 'Integer', path: 'v' }],
    });
  });
  afterAll(async () => {
    await spec?.drop();
  });

  it('refuses every fenced write before any capture took the lease', async () => {
    await expect(oplog.append([change(0)], 1)).rejects.toEqual(stale(1, 0));
  });

  it('is taken by one, renewed by its holder with the same epoch, refused to another while it lasts', async () => {
    const first = await lease.acquire('capture-a', undefined, 1_500);
    expect(first).toMatchObject({ held: true, holder: 'capture-a', epoch: 1 });
    expect(first.expires_in_ms).toBeGreaterThan(1_000);
    expect(await lease.acquire('capture-b', undefined, 1_500)).toMatchObject({ held: false, holder: 'capture-a', epoch: 1 });
    await sleep(1_000);
    // Renewed before it expired: b still cannot take it after the first TTL has passed.
    expect(await lease.acquire('capture-a', 1, 1_500)).toMatchObject({ held: true, holder: 'capture-a', epoch: 1 });
    await sleep(700);
    expect(await lease.acquire('capture-b', undefined, 1_500)).toMatchObject({ held: false, holder: 'capture-a' });
    // The holder's writes with its epoch go through: the append (to staging: the entity is scanning), the scan's end, the position.
    expect(await oplog.append([change(1)], 1)).toMatchObject({ staged: 1 });
    expect(await oplog.finishScan('fenced', 1)).toBe(1);
    await metadata.set('mongo_resume_token:x', { t: 1, i: 1 }, 1);
  });

  it('expires: another capture takes it with a higher epoch, and the old epoch can neither write nor renew', async () => {
    await sleep(1_600);
    const taken = await lease.acquire('capture-b', undefined, 1_500);
    expect(taken).toMatchObject({ held: true, holder: 'capture-b', epoch: 2 });
    // The old holder, back from a pause: its renewal fails, and each of its writes is refused.
    expect(await lease.acquire('capture-a', 1, 1_500)).toMatchObject({ held: false, holder: 'capture-b', epoch: 2 });
    await expect(oplog.append([change(2)], 1)).rejects.toEqual(stale(1, 2));
    await expect(oplog.finishScan('fenced', 1)).rejects.toEqual(stale(1, 2));
    await expect(metadata.set('mongo_resume_token:x', { t: 9, i: 9 }, 1)).rejects.toEqual(stale(1, 2));
    expect(await metadata.get('mongo_resume_token:x')).toEqual({ t: 1, i: 1 });
    expect(await oplog.append([change(3)], 2)).toMatchObject({ oplog: 1 });
  });

  it('is released on a clean stop, and the next take raises the epoch again', async () => {
    expect(await lease.release('capture-a', 2)).toBe(false);
    expect(await lease.release('capture-b', 2)).toBe(true);
    expect(await lease.acquire('capture-a', undefined, 1_500)).toMatchObject({ held: true, holder: 'capture-a', epoch: 3 });
    // The same holder renewing with an epoch it no longer holds does not get the lease back.
    expect(await lease.acquire('capture-b', 2, 1_500)).toMatchObject({ held: false, epoch: 3 });
  });

  it('makes a take wait for a write of the old epoch in flight, so none commits after the new epoch was handed out', async () => {
    await lease.release('capture-a', 3);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT epoch FROM capture_lease WHERE name = 'entity-capture' FOR KEY SHARE`);
      let tookAt = 0;
      const take = lease.acquire('capture-c', undefined, 1_500).then((answer) => ((tookAt = Date.now()), answer));
      await sleep(300);
      expect(tookAt).toBe(0);
      const committedAt = Date.now();
      await client.query('COMMIT');
      expect(await take).toMatchObject({ held: true, holder: 'capture-c', epoch: 4 });
      expect(tookAt).toBeGreaterThanOrEqual(committedAt);
      // A renewal does not wait for writes in flight.
      await client.query('BEGIN');
      await client.query(`SELECT epoch FROM capture_lease WHERE name = 'entity-capture' FOR KEY SHARE`);
      expect(await lease.acquire('capture-c', 4, 1_500)).toMatchObject({ held: true, epoch: 4 });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });

  it('lets concurrent takers of an expired lease end with exactly one holder', async () => {
    await lease.release('capture-c', 4);
    const answers = await Promise.all(['d', 'e', 'f', 'g'].map((name) => lease.acquire(`capture-${name}`, undefined, 1_500)));
    expect(answers.filter((answer) => answer.held)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.epoch))).toEqual(new Set([5]));
  });
});
