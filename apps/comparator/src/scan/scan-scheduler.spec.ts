/**
 * With several comparator replicas each database is scanned once per
 * interval, not once per replica: two schedulers (two replicas) poll the
 * same real scan_leases collection (the test server, TEST_MONGODB_URI from
 * the unit globalSetup) and compare through a stub that records every call.
 *
 * The claim is the insert of a claim document with a unique id (the lease in the
 * state it was seen in), which FerretDB 1.x makes atomic too; its conditional
 * updates and findAndModify are not (measured: several of 10 concurrent
 * findOneAndUpdate calls on one document with the same filter all "win").
 */
import mongoose, { type Connection } from 'mongoose';
import type { ComparatorConfig } from '../comparator.config';
import type { CompareService } from '../compare/compare.service';
import type { DriftTracker } from '../drift/drift-tracker.service';
import type { RegistryClient } from '../targets/registry-client';
import { scanClaimModel, scanLeaseModel, type ScanClaimModel, type ScanLeaseModel } from './scan-lease.model';
import { ScanLeaseRepository } from './scan-lease.repository';
import { withMethod } from '../testing/with-method';
import { ScanScheduler } from './scan-scheduler.service';
import { ForegroundWork } from './foreground-work';

const INTERVAL_MS = 2000;
const POLL_MS = 50;
const DEBOUNCE_MS = 300;
const YIELD_MAX_MS = 1500;
/** Timers on a loaded 2-core machine fire late by this much. */
const LATE_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe('ScanScheduler with two replicas on one lease collection', () => {
  const uri = process.env.TEST_MONGODB_URI;
  const dbName = `comparator_scan_${process.pid}_${Date.now()}`;
  const ids = Array.from({ length: 10 }, (_, i) => `db${String(i).padStart(2, '0')}`.padEnd(24, '0'));
  let connection: Connection;
  let leases: ScanLeaseModel;
  let claims: ScanClaimModel;
  let calls: { id: string; replica: number; at: number }[];
  let schedulers: ScanScheduler[];
  let foreground: ForegroundWork;

  const config = {
    DRIFT_SCAN_INTERVAL: INTERVAL_MS,
    DRIFT_SCAN_POLL: POLL_MS,
    DRIFT_SCAN_CONCURRENCY: 3,
    DRIFT_CHANGE_DEBOUNCE: DEBOUNCE_MS,
    DRIFT_SCAN_YIELD: true,
    DRIFT_SCAN_YIELD_MAX: YIELD_MAX_MS,
    DRIFT_SCAN_LIMIT: 60_000,
  } as unknown as ComparatorConfig;
  const registryOf = (databaseIds: readonly string[]) => ({ databaseIds: async () => [...databaseIds] }) as unknown as RegistryClient;
  const registry = registryOf(ids);
  const drift = { forget: async () => undefined } as unknown as DriftTracker;

  function replica(n: number): ScanScheduler {
    const compare = {
      compareLive: async (id: string) => {
        calls.push({ id, replica: n, at: Date.now() });
        // A compare takes a moment, so the replicas' rounds overlap.
        await sleep(15);
        return {};
      },
    } as unknown as CompareService;
    return new ScanScheduler(new ScanLeaseRepository(leases, claims), config, registry, compare, drift, foreground);
  }

  const countsById = (): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const call of calls) counts[call.id] = (counts[call.id] ?? 0) + 1;
    return counts;
  };

  beforeAll(async () => {
    if (!uri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
    connection = await mongoose.createConnection(uri, { dbName }).asPromise();
    leases = scanLeaseModel(connection);
    claims = scanClaimModel(connection);
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  beforeEach(async () => {
    calls = [];
    foreground = new ForegroundWork(config);
    await leases.deleteMany({});
    await claims.deleteMany({});
  });

  afterEach(async () => {
    await Promise.all(schedulers.map((s) => s.onApplicationShutdown()));
  });

  it('compares each due database exactly once, and again once the interval has passed', async () => {
    const past = new Date(Date.now() - 1000);
    await leases.insertMany(ids.map((_id) => ({ _id, next_scan_at: past, claimed_until: null, claimed_by: null })));

    schedulers = [replica(1), replica(2)];
    schedulers.forEach((s) => s.onApplicationBootstrap());

    const compared = (times: number) => () => ids.every((id) => (countsById()[id] ?? 0) >= times);
    // The first round's length is not what is tested: on a loaded machine its claims took over 5 s.
    await waitFor(compared(1), 10_000);
    const firstRoundDone = Date.now();
    await waitFor(compared(2), INTERVAL_MS * 1.1 + 3000);
    expect(Date.now() - firstRoundDone).toBeLessThan(INTERVAL_MS * 1.1 + 3000);
    // Both replicas keep polling, yet no database is compared again before 0.9 of the interval (the jitter)
    // has passed. Told by the calls' times, not by counts at a moment: on a loaded machine a round lasts
    // long enough that its first databases are due again before its last ones are compared.
    for (const id of ids) {
      const times = calls.filter((c) => c.id === id).map((c) => c.at);
      for (let n = 1; n < times.length; n++) expect(times[n] - times[n - 1]).toBeGreaterThanOrEqual(INTERVAL_MS * 0.9 - 50);
    }

    // Every lease is released after its last compare and scheduled about one interval after it. Looked at
    // until each has been seen so: for the same reason, a round's first leases may be claimed again before
    // its last ones are released.
    const lastCompare = (id: string) => Math.max(...calls.filter((c) => c.id === id).map((c) => c.at));
    const settled = new Set<string>();
    await waitFor(async () => {
      const found = await leases.find().lean();
      const seenAt = Date.now();
      for (const lease of found) {
        const next = lease.next_scan_at.getTime();
        const released = lease.claimed_by === null && lease.claimed_until === null;
        if (released && next >= lastCompare(lease._id) + INTERVAL_MS * 0.9 && next <= seenAt + INTERVAL_MS * 1.1) settled.add(lease._id);
      }
      return settled.size === ids.length;
    }, 5000);
    expect(await leases.countDocuments()).toBe(ids.length);
  }, 30_000);

  it('of replicas claiming one lease at the same moment, exactly one gets it', async () => {
    schedulers = [];
    const due = { _id: ids[0], next_scan_at: new Date(Date.now() - 1000), claimed_until: null };
    await leases.insertMany([{ ...due, claimed_by: null }]);
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    const repository = new ScanLeaseRepository(leases, claims);
    const won = await Promise.all(Array.from({ length: 10 }, (_, n) => repository.claim(due, until, `replica-${n}`, now)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = `replica-${won.indexOf(true)}`;
    expect((await leases.findById(ids[0]).lean())?.claimed_by).toBe(winner);
    // A replica that saw the lease before the claim does not get it either.
    expect(await repository.claim(due, until, 'late', new Date())).toBe(false);
  });

  it('a claim abandoned before its lease was updated (its replica died) does not keep the lease from being claimed', async () => {
    schedulers = [];
    const due = { _id: ids[0], next_scan_at: new Date(Date.now() - 60_000), claimed_until: null };
    await leases.insertMany([{ ...due, claimed_by: null }]);
    const repository = new ScanLeaseRepository(leases, claims);
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    // A replica inserted its claim document a minute ago and died before updating the lease.
    await claims.create({ _id: `${ids[0]}@${due.next_scan_at.getTime()}@-`, lease: ids[0], at: new Date(now.getTime() - 60_000) });
    const won = await Promise.all(Array.from({ length: 5 }, (_, n) => repository.claim(due, until, `replica-${n}`, now)));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect((await leases.findById(ids[0]).lean())?.claimed_by).toBe(`replica-${won.indexOf(true)}`);
  });

  it('an abandoned claim is taken over by its next generation, once, and a live generation turns the others away', async () => {
    schedulers = [];
    const due = { _id: ids[0], next_scan_at: new Date(Date.now() - 60_000), claimed_until: null };
    await leases.insertMany([{ ...due, claimed_by: null }]);
    const repository = new ScanLeaseRepository(leases, claims);
    const now = new Date();
    const state = `${ids[0]}@${due.next_scan_at.getTime()}@-`;
    // Two replicas died in turn between their claim and the lease's update.
    await claims.insertMany([
      { _id: state, lease: ids[0], at: new Date(now.getTime() - 90_000) },
      { _id: `${state}#1`, lease: ids[0], at: new Date(now.getTime() - 60_000) },
    ]);
    const won = await Promise.all(
      Array.from({ length: 5 }, (_, n) => repository.claim(due, new Date(now.getTime() + 60_000), `replica-${n}`, now)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    expect((await claims.find({ lease: ids[0] }).lean()).map((c) => c._id).sort()).toEqual([state, `${state}#1`, `${state}#2`]);
  });

  it('a claim made a moment ago is not taken for abandoned', async () => {
    schedulers = [];
    const due = { _id: ids[0], next_scan_at: new Date(Date.now() - 60_000), claimed_until: null };
    await leases.insertMany([{ ...due, claimed_by: null }]);
    const now = new Date();
    await claims.create({ _id: `${ids[0]}@${due.next_scan_at.getTime()}@-`, lease: ids[0], at: new Date(now.getTime() - 1_000) });
    expect(await new ScanLeaseRepository(leases, claims).claim(due, new Date(now.getTime() + 60_000), 'other', now)).toBe(false);
  });

  it('a registry change brings one scan forward, and only one replica runs it', async () => {
    const later = new Date(Date.now() + 60_000);
    await leases.insertMany(ids.map((_id) => ({ _id, next_scan_at: later, claimed_until: null, claimed_by: null })));

    schedulers = [replica(1), replica(2)];
    schedulers.forEach((s) => s.onApplicationBootstrap());
    const changedAt = Date.now();
    await schedulers[0].scanSoon(ids[3]);
    await schedulers[1].scanSoon(ids[3]);

    await waitFor(() => calls.length >= 1, 3000);
    await sleep(DEBOUNCE_MS + 4 * POLL_MS);
    expect(calls.map((c) => c.id)).toEqual([ids[3]]);
    expect(calls[0].at - changedAt).toBeGreaterThanOrEqual(DEBOUNCE_MS - 50);
  }, 20_000);

  it('a burst of registry changes shares lease writes, and a change during a write gets a write of its own', async () => {
    const later = new Date(Date.now() + 60_000);
    await leases.insertMany([{ _id: ids[0], next_scan_at: later, claimed_until: null, claimed_by: null }]);
    let writes = 0;
    const counted = withMethod(leases, 'updateOne', (updateOne) => (...args) => {
      writes += 1;
      return updateOne(...args);
    });
    const scheduler = new ScanScheduler(
      new ScanLeaseRepository(counted, claims),
      config,
      registry,
      { compareLive: async () => ({}) } as unknown as CompareService,
      drift,
      foreground,
    );
    schedulers = [scheduler];

    const burst = Array.from({ length: 100 }, () => scheduler.scanSoon(ids[0]));
    await Promise.all(burst);
    // All arrived before the write started: one write covers them.
    expect(writes).toBe(1);
    const lease = await leases.findById(ids[0]).lean();
    expect(lease?.next_scan_at.getTime()).toBeLessThanOrEqual(Date.now() + DEBOUNCE_MS);

    // A change that arrives while a write runs waits for a write of its own.
    writes = 0;
    const first = scheduler.scanSoon(ids[0]);
    await sleep(0);
    const second = scheduler.scanSoon(ids[0]);
    await Promise.all([first, second]);
    expect(writes).toBe(2);
  });

  it('a registry change while its database is being scanned brings another scan after the debounce', async () => {
    await leases.insertMany([{ _id: ids[1], next_scan_at: new Date(Date.now() - 1000), claimed_until: null, claimed_by: null }]);
    let scanning: (() => void) | undefined;
    const compare = {
      compareLive: async (id: string) => {
        calls.push({ id, replica: 1, at: Date.now() });
        await new Promise<void>((resolve) => (scanning = resolve));
        return {};
      },
    } as unknown as CompareService;
    // A registry of this database only: the leases it would make for others fall due within the test on a loaded machine.
    const scheduler = new ScanScheduler(new ScanLeaseRepository(leases, claims), config, registryOf([ids[1]]), compare, drift, foreground);
    schedulers = [scheduler];
    scheduler.onApplicationBootstrap();
    await waitFor(() => calls.length === 1, 3000);
    await scheduler.scanSoon(ids[1]);
    scanning?.();
    const changedAt = Date.now();
    await waitFor(() => calls.length === 2, DEBOUNCE_MS + 3000);
    scanning?.();
    expect(calls.map((c) => c.id)).toEqual([ids[1], ids[1]]);
    expect(calls[1].at - changedAt).toBeGreaterThanOrEqual(DEBOUNCE_MS - 100);
  });

  it('shutdown does not wait for a scan stuck on its target, and hands that database to another replica', async () => {
    await leases.insertMany([{ _id: ids[2], next_scan_at: new Date(Date.now() - 1000), claimed_until: null, claimed_by: null }]);
    const stuck = {
      compareLive: (id: string) => {
        calls.push({ id, replica: 1, at: Date.now() });
        return new Promise(() => undefined);
      },
    } as unknown as CompareService;
    const scheduler = new ScanScheduler(new ScanLeaseRepository(leases, claims), config, registryOf([ids[2]]), stuck, drift, foreground);
    schedulers = [];
    scheduler.onApplicationBootstrap();
    await waitFor(() => calls.length === 1, 3000);
    expect((await leases.findById(ids[2]).lean())?.claimed_by).not.toBeNull();

    const started = Date.now();
    await scheduler.onApplicationShutdown();
    expect(Date.now() - started).toBeLessThan(3000);
    const lease = await leases.findById(ids[2]).lean();
    expect(lease).toMatchObject({ claimed_by: null, claimed_until: null });
    expect(lease!.next_scan_at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('a compare that never ends fails at DRIFT_SCAN_LIMIT: its lease is released and its worker goes on', async () => {
    const limitMs = 500;
    const past = new Date(Date.now() - 1000);
    await leases.insertMany([
      { _id: ids[0], next_scan_at: new Date(past.getTime() - 1000), claimed_until: null, claimed_by: null },
      { _id: ids[1], next_scan_at: past, claimed_until: null, claimed_by: null },
    ]);
    const hanging = {
      compareLive: (id: string) => {
        calls.push({ id, replica: 1, at: Date.now() });
        // The first database's compare waits on something nobody settles.
        return id === ids[0] ? new Promise(() => undefined) : Promise.resolve({});
      },
    } as unknown as CompareService;
    const oneWorker = { ...config, DRIFT_SCAN_CONCURRENCY: 1, DRIFT_SCAN_LIMIT: limitMs } as ComparatorConfig;
    schedulers = [
      new ScanScheduler(new ScanLeaseRepository(leases, claims), oneWorker, registryOf(ids.slice(0, 2)), hanging, drift, foreground),
    ];
    schedulers[0].onApplicationBootstrap();

    await waitFor(() => calls.length === 2, limitMs + 3000);
    expect(calls.map((c) => c.id)).toEqual([ids[0], ids[1]]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(limitMs - 20);
    const stuck = await leases.findById(ids[0]).lean();
    expect(stuck).toMatchObject({ claimed_by: null, claimed_until: null });
    expect(stuck!.next_scan_at.getTime()).toBeGreaterThan(Date.now());
  });

  it('a lease written back claimed by an update that raced its release is freed by the next round', async () => {
    await leases.insertMany([{ _id: ids[4], next_scan_at: new Date(Date.now() - 1000), claimed_until: null, claimed_by: null }]);
    let holder: string | null | undefined;
    const compare = {
      compareLive: async (id: string) => {
        calls.push({ id, replica: 1, at: Date.now() });
        holder = (await leases.findById(id).lean())?.claimed_by;
        return {};
      },
    } as unknown as CompareService;
    // A registry of this database only: the leases it would make for the others fall due within the two
    // intervals this test may last on a loaded machine, and their compares would be counted as this one's.
    schedulers = [new ScanScheduler(new ScanLeaseRepository(leases, claims), config, registryOf([ids[4]]), compare, drift, foreground)];
    schedulers[0].onApplicationBootstrap();
    // The compare reads its lease after it is called: wait for that read, not for the call.
    await waitFor(() => holder !== undefined, 3000);
    expect(calls).toHaveLength(1);
    expect(holder).toEqual(expect.any(String));
    // Released once the compare is done.
    for (let released = false; !released; await sleep(20)) released = (await leases.findById(ids[4]).lean())?.claimed_by === null;

    // What FerretDB 1.x leaves when an update (a registry change's pullForward, measured: 383 of 800
    // releases racing one) read the lease before the release and wrote all of it back after.
    const later = new Date(Date.now() + 60_000);
    await leases.updateOne({ _id: ids[4] }, { $set: { claimed_by: holder, claimed_until: later, next_scan_at: later } });
    const raced = Date.now();
    let lease = await leases.findById(ids[4]).lean();
    while (lease?.claimed_by !== null && Date.now() - raced < 10 * POLL_MS + 2000) {
      await sleep(POLL_MS);
      lease = await leases.findById(ids[4]).lean();
    }
    expect(lease).toMatchObject({ claimed_by: null, claimed_until: null, next_scan_at: later });
    expect(calls).toHaveLength(1);
  });

  /** A replica whose compares take `ms`, so that every worker is busy (a saturated scan). */
  function slowReplica(ms: number, work: ForegroundWork): ScanScheduler {
    const compare = {
      compareLive: async (id: string) => {
        calls.push({ id, replica: 1, at: Date.now() });
        await sleep(ms);
        return {};
      },
    } as unknown as CompareService;
    return new ScanScheduler(new ScanLeaseRepository(leases, claims), config, registry, compare, drift, work);
  }

  /**
   * `foreground` as a scheduler sees it, recording each turn its workers take: in which phase of the
   * test it was asked for, and when it let the worker go. A turn is in-process: it is timed apart from
   * the claim after it, which crosses FerretDB and takes long on a loaded machine.
   */
  function recordedTurns() {
    const phase = { now: 'before' };
    const turns: { askedIn: string; askedAt: number; wentAt: number }[] = [];
    const work = withMethod(foreground, 'turn', (turn) => async () => {
      const [askedIn, askedAt] = [phase.now, Date.now()];
      await turn();
      turns.push({ askedIn, askedAt, wentAt: Date.now() });
    });
    return { phase, turns, work };
  }
  const comparedAll = () => ids.every((id) => calls.some((c) => c.id === id));

  it('a saturated scan starts no compare while a sync runs, and goes on as soon as the sync ends', async () => {
    const past = new Date(Date.now() - 1000);
    await leases.insertMany(ids.map((_id) => ({ _id, next_scan_at: past, claimed_until: null, claimed_by: null })));
    const { phase, turns, work } = recordedTurns();
    schedulers = [slowReplica(200, work)];
    schedulers[0].onApplicationBootstrap();
    await waitFor(() => calls.length >= config.DRIFT_SCAN_CONCURRENCY, 5000);

    foreground.syncRunning('sync-1');
    phase.now = 'sync';
    const comparedBefore = calls.length;
    await sleep(YIELD_MAX_MS - 300);
    // No turn asked for while the sync runs lets a worker go. A worker past its turn may still be claiming
    // (on a loaded machine, for a good while): it starts that one compare, and nothing after it.
    expect(turns.filter((t) => t.askedIn === 'sync')).toEqual([]);
    expect(calls.length - comparedBefore).toBeLessThanOrEqual(config.DRIFT_SCAN_CONCURRENCY);
    expect(calls.length).toBeLessThan(ids.length);

    const endedAt = Date.now();
    foreground.syncEnded('sync-1');
    phase.now = 'ended';
    await waitFor(comparedAll, 10_000);
    // Every worker waiting went at the end, not at the pause's bound.
    const waited = turns.filter((t) => t.askedIn === 'sync');
    expect(waited.length).toBeGreaterThanOrEqual(1);
    for (const turn of waited) expect(turn.wentAt - endedAt).toBeLessThan(LATE_MS);
  }, 20_000);

  it('a sync whose end is never heard pauses a scan for DRIFT_SCAN_YIELD_MAX at most', async () => {
    const past = new Date(Date.now() - 1000);
    await leases.insertMany(ids.map((_id) => ({ _id, next_scan_at: past, claimed_until: null, claimed_by: null })));
    foreground.syncRunning('lost-end');
    const startedAt = Date.now();
    const { turns, work } = recordedTurns();
    schedulers = [slowReplica(50, work)];
    schedulers[0].onApplicationBootstrap();
    await waitFor(() => calls.length >= 1, YIELD_MAX_MS + 5000);
    expect(calls[0].at - startedAt).toBeGreaterThanOrEqual(YIELD_MAX_MS - 100);
    // At most: the first turn goes once the sync is forgotten, DRIFT_SCAN_YIELD_MAX after it was last heard
    // of (at once if the worker asks later: the round's first reads cross FerretDB).
    expect(turns[0].wentAt - Math.max(turns[0].askedAt, startedAt + YIELD_MAX_MS)).toBeLessThan(LATE_MS);
    // Then the scan goes on through every database.
    await waitFor(comparedAll, 10_000);
  }, 20_000);

  it('a new database of the registry gets a lease; one the registry no longer has loses it', async () => {
    await leases.insertMany([{ _id: 'f'.repeat(24), next_scan_at: new Date(Date.now() + 60_000), claimed_until: null, claimed_by: null }]);
    schedulers = [replica(1)];
    schedulers[0].onApplicationBootstrap();
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      await sleep(POLL_MS);
      const found = (await leases.find().lean()).map((l) => l._id).sort();
      ok = JSON.stringify(found) === JSON.stringify([...ids].sort());
    }
    expect(ok).toBe(true);
    // Fresh leases are due one (jittered) interval from now, not at once.
    expect(calls).toEqual([]);
  }, 20_000);
});
