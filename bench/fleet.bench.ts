import { availableParallelism } from 'node:os';
import { MongoClient } from 'mongodb';
import type { ServiceHandle } from '../tools/infra/services';
import { settle, type BenchContext, type BenchResult } from './context';
import { cpuSpent, cpuTimes, type CpuTimes } from './cpu-time';
import { round } from './load';
import { listLines, measureLists } from './fleet/lists';
import { sampleMemory } from './fleet/memory';
import { seedRegistry } from './fleet/registry-seed';
import { FleetScan, type ScanFigures } from './fleet/scan';
import { countersLine, readScanCounters, type ComparatorEndpoint } from './fleet/scan-counters';
import { fleetSizes } from './fleet/sizes';
import { SyncProbe, type SyncRuns } from './fleet/sync-probe';
import { startTargets } from './fleet/targets';

const SYNC_RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Each replica's DRIFT_SCAN_CONCURRENCY (the comparator's default unless FLEET_SCAN_CONCURRENCY sets it, bench/run.ts). */
const SCAN_WORKERS = Number(process.env.FLEET_SCAN_CONCURRENCY ?? 2);
/** The issue's goals on this machine (issue 14). */
const GOALS = { list_p99_ms: 100, scan_seconds_two_replicas: 300, scaling: 1.7, rss_mb: 300, sync_under_load: 1.5 };

/**
 * The fleet: 1,000 target databases (FLEET_DATABASES) of 20 collections × 5 indexes on private
 * FerretDB servers, 100,000 definitions in the registry, in 10 projects. Measures every list and page
 * beside the driver's floor, a full scheduled scan with one and with two comparator replicas (and the
 * services' resident memory meanwhile), and a sync during a third scan, of two replicas too, against the
 * same sync on the quiet system. The scan with the sync is not the one the scaling is measured on:
 * scheduled compares pause while a sync runs, so it would count those pauses as the replicas' cost.
 */
export async function fleetBench(ctx: BenchContext): Promise<BenchResult> {
  const sizes = fleetSizes();
  progress(`seeding ${sizes.databases} target databases (or reusing the cached seed)`);
  const targets = await startTargets(sizes, ctx.dir);
  const store = await MongoClient.connect(ctx.mongoUri);
  const probeTarget = await MongoClient.connect(targets.uriOf(0));
  try {
    progress(`targets ready (${targets.cached ? 'cached' : `${targets.seedSeconds} s`}); registering the fleet`);
    const seeded = await seedRegistry(ctx, store, sizes, targets);
    progress(
      `registered in ${seeded.registerSeconds} s, definitions stored in ${seeded.definitionsSeconds} s; waiting for the bus and the comparator`,
    );
    const fleet: BenchContext = { ...ctx, accessToken: seeded.accessToken };
    const probe = await SyncProbe.register(fleet, probeTarget, targets.uriOf(0), seeded.projectIds[0], sizes);
    await settle(fleet);
    const scan = new FleetScan(fleet, store);
    await scan.quiet();

    const quietSync = await probe.syncs(SYNC_RUNS);
    // The definitions were stored after the databases were registered, so the first scan finds new
    // drift everywhere (snapshot bodies written, events published) and later ones find what it found,
    // as scheduled scans mostly do: both measured scans are of that steady state, so they compare.
    progress(`quiet sync ${quietSync.runs_ms.join(', ')} ms; first scan (not measured)`);
    const first = await scan.run(1, sizes.scanCapMs);
    progress(`first scan: ${scanLine(first.figures)}; full scan with one replica`);
    const replicas: ServiceHandle[] = [];
    const processes = () => [
      ...Object.values(ctx.system.services).map((s) => ({ name: s.name, pid: s.process.pid })),
      ...replicas.map((s, i) => ({ name: `${s.name}-${i + 2}`, pid: s.process.pid })),
    ];
    const comparators = (): ComparatorEndpoint[] => [
      { name: 'comparator', url: ctx.system.services.comparator.url },
      ...replicas.map((s, i) => ({ name: `${s.name}-${i + 2}`, url: s.url })),
    ];
    let memory = sampleMemory(processes);
    let cpu = cpuTimes();
    let counters = await readScanCounters(comparators());
    const one = await scan.run(1, sizes.scanCapMs);
    const countersOne = await counters.since(one.figures.seconds, SCAN_WORKERS);
    const rssOne = memory.stop();
    const coresOne = coresUsed(cpuSpent(cpu, cpuTimes()), one.figures.seconds);
    progress(`${scanLine(one.figures)}: ${countersLine(countersOne)}; lists`);
    // The overview now holds every compared database's real drift.
    const lists = await measureLists(fleet, store, sizes, seeded);
    progress(listLines(lists).join('\n'));
    replicas.push(await ctx.system.addReplica('comparator'));
    // The new replica knows no database yet (definitions, stored states, what each target supports),
    // which a long-running one does: one scan with both first, so that the measured one is of two warm replicas.
    const warming = await scan.run(2, sizes.scanCapMs);
    progress(`two replicas warming up (not measured): ${scanLine(warming.figures)}; full scan with two replicas`);
    memory = sampleMemory(processes);
    cpu = cpuTimes();
    counters = await readScanCounters(comparators());
    const two = await scan.run(2, sizes.scanCapMs);
    const countersTwo = await counters.since(two.figures.seconds, SCAN_WORKERS);
    const coresTwo = coresUsed(cpuSpent(cpu, cpuTimes()), two.figures.seconds);
    progress(`${scanLine(two.figures)}: ${countersLine(countersTwo)}; two replicas again, with syncs`);
    counters = await readScanCounters(comparators());
    const underSync = await scan.run(2, sizes.scanCapMs, () => probe.syncs(SYNC_RUNS));
    const countersUnderSync = await counters.since(underSync.figures.seconds, SCAN_WORKERS);
    const rssTwo = memory.stop();
    const loadedSync = underSync.during!;
    progress(`${scanLine(underSync.figures)}: ${countersLine(countersUnderSync)}`);

    const scaling = round(two.figures.databases_per_second / Math.max(one.figures.databases_per_second, 1e-9));
    const syncRatio = round(loadedSync.median_ms / quietSync.median_ms);
    const rssMax = Object.fromEntries(Object.keys({ ...rssOne, ...rssTwo }).map((k) => [k, Math.max(rssOne[k] ?? 0, rssTwo[k] ?? 0)]));
    const worstList = Math.max(...lists.map((l) => l.gateway.latency_p99_ms));
    const definitions = sizes.databases * sizes.collections * sizes.indexesPerCollection;
    const lines = [
      `fleet: ${sizes.databases} databases × ${sizes.collections} collections × ${sizes.indexesPerCollection} indexes on ${sizes.targetServers} FerretDB servers, ${definitions} definitions, ${sizes.projects} projects`,
      `seed: targets ${targets.cached ? 'from cache' : `${targets.seedSeconds} s`}, ${sizes.databases} registrations through the API ${seeded.registerSeconds} s, definitions into the registry's store ${seeded.definitionsSeconds} s`,
      'lists (floor: the repository query by the driver, same concurrency, right after):',
      ...listLines(lists),
      `first scan after seeding (new drift everywhere; not compared): ${scanLine(first.figures)}`,
      `${scanLine(one.figures)}: ${countersLine(countersOne)}`,
      `second replica's first scan (it knew no database yet; not compared): ${scanLine(warming.figures)}`,
      `${scanLine(two.figures)}: ${countersLine(countersTwo)}`,
      `the same with ${SYNC_RUNS} syncs of the probe during it (scans pause while a sync runs; not compared): ${scanLine(underSync.figures)}: ${countersLine(countersUnderSync)}`,
      `scaling 1 → 2 replicas: ${scaling}x (goal ≥ ${GOALS.scaling}x); two replicas ${two.figures.total_seconds} s for the fleet (goal ≤ ${GOALS.scan_seconds_two_replicas} s; DRIFT_SCAN_INTERVAL 600 s)`,
      `largest resident memory during the scans (MB, goal ≤ ${GOALS.rss_mb}): ${Object.entries(rssMax)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      `CPU cores used during the scans (of ${availableParallelism()}; the services, FerretDB store and targets, PostgreSQL, NATS started by the bench): one replica ${coresLine(coresOne)}; two replicas ${coresLine(coresTwo)}`,
      `sync of ${sizes.collections * sizes.indexesPerCollection} indexes: quiet ${quietSync.median_ms} ms (${quietSync.runs_ms.join(', ')}), during a two-replica scan ${loadedSync.median_ms} ms (${loadedSync.runs_ms.join(', ')})${underSync.overlapped ? '' : ' (the scan ended before the last sync did)'}: ${syncRatio}x (goal ≤ ${GOALS.sync_under_load}x)`,
      `where each sync's time went (ms: queued for the executor / plan / steps / end): quiet ${phaseLine(quietSync)}; during the scan ${phaseLine(loadedSync)}`,
      `goals: worst list p99 ${worstList} ms (≤ ${GOALS.list_p99_ms}); scan ${two.figures.total_seconds} s (≤ ${GOALS.scan_seconds_two_replicas}); scaling ${scaling}x (≥ ${GOALS.scaling}); RSS ${Math.max(...Object.values(rssMax))} MB (≤ ${GOALS.rss_mb}); sync ${syncRatio}x (≤ ${GOALS.sync_under_load})`,
    ];
    return {
      name: 'fleet',
      lines,
      figures: {
        sizes,
        definitions,
        goals: GOALS,
        seed: {
          targets_seconds: targets.seedSeconds,
          targets_cached: targets.cached,
          register_seconds: seeded.registerSeconds,
          definitions_seconds: seeded.definitionsSeconds,
        },
        lists,
        scan: {
          first: first.figures,
          one_replica: one.figures,
          two_replicas_warming: warming.figures,
          two_replicas: two.figures,
          two_replicas_with_syncs: underSync.figures,
          scaling,
        },
        scan_counters: { one_replica: countersOne, two_replicas: countersTwo, two_replicas_with_syncs: countersUnderSync },
        rss_max_mb: { one_replica: rssOne, two_replicas: rssTwo },
        cores_used: { one_replica: coresOne, two_replicas: coresTwo },
        sync: { quiet: quietSync, under_scan: loadedSync, overlapped: underSync.overlapped, ratio: syncRatio },
      },
    };
  } finally {
    await probeTarget.close();
    await store.close();
    await targets.stop();
  }
}

/** Each stage as it ends: a run of the whole fleet takes most of an hour. */
function progress(line: string): void {
  console.error(`[fleet ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/**
 * CPU time per part over the scan's wall time: how many of the machine's cores each part kept busy.
 * Scaling from one replica to two is bounded by the cores left idle during the one-replica scan.
 */
function coresUsed(spent: CpuTimes, seconds: number): Record<string, number> {
  const cores = Object.entries(spent).map(([part, ms]) => [part, round(ms / 1000 / Math.max(seconds, 1e-9))] as const);
  const total = round(cores.reduce((sum, [, c]) => sum + c, 0));
  return Object.fromEntries([...cores.filter(([, c]) => c >= 0.01).sort((a, b) => b[1] - a[1]), ['total', total]]);
}

function coresLine(cores: Record<string, number>): string {
  return Object.entries(cores)
    .map(([part, c]) => `${part} ${c}`)
    .join(', ');
}

function phaseLine(runs: SyncRuns): string {
  return runs.phases_ms.map((p) => `${p.queued}/${p.plan}/${p.steps}/${p.end}`).join(', ');
}

function scanLine(s: ScanFigures): string {
  const extent = s.complete
    ? `all ${s.databases} in ${s.seconds} s`
    : `${s.compared} of ${s.databases} in ${s.seconds} s (capped), fleet projected at ${s.total_seconds} s`;
  return `full scan, ${s.replicas} comparator replica(s): ${extent}, ${s.databases_per_second} databases/s`;
}
