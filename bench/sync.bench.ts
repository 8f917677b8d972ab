import { loadavg } from 'node:os';
import { MongoClient } from 'mongodb';
import { api, type BenchContext, type BenchResult } from './context';
import { cpuSpent, cpuTimes, type CpuTimes } from './cpu-time';
import { median, round } from './load';

const INDEXES = 200;
const COLLECTIONS = 25;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface BenchIndex {
  collection: string;
  key: Record<string, 1 | -1>;
  name: string;
}

/**
 * A sync that creates 200 indexes on empty collections (queued on JetStream,
 * run by the executor with its bookkeeping), beside the floor: the driver
 * creating the same indexes directly, in the same order, one at a time, in
 * the same run. Goal: ratio < 1.2. Each run starts from collections without
 * indexes; sync and floor alternate, and medians are reported. A second
 * floor sends the same indexes grouped per collection, as the executor does,
 * to show what the executor adds to the commands it sends.
 */
export async function syncBench(ctx: BenchContext): Promise<BenchResult> {
  const stamp = Date.now();
  const syncDb = `bench_sync_${stamp}`;
  const floorDb = `bench_sync_floor_${stamp}`;
  const client = await MongoClient.connect(ctx.mongoUri);
  try {
    const indexes: BenchIndex[] = Array.from({ length: INDEXES }, (_, i) => ({
      collection: `c${String(i % COLLECTIONS).padStart(2, '0')}`,
      key: { [`f${i}`]: 1, [`g${i}`]: -1 },
      name: `f${i}_1_g${i}_-1`,
    }));
    const collectionNames = Array.from({ length: COLLECTIONS }, (_, c) => `c${String(c).padStart(2, '0')}`);
    for (const db of [syncDb, floorDb]) {
      for (const name of collectionNames) await client.db(db).createCollection(name);
    }
    const withoutIndexes = async (db: string) => {
      for (const name of collectionNames) await client.db(db).collection(name).dropIndexes();
    };
    const database = (await api(ctx, 'POST', '/databases', { name: syncDb, uri: ctx.mongoUri, db_name: syncDb })) as { id: string };
    const collections: Record<string, unknown[]> = {};
    for (const index of indexes) {
      (collections[index.collection] ??= []).push({
        name: index.name,
        keys: Object.entries(index.key).map(([field, value]) => ({ field, value })),
      });
    }
    await api(ctx, 'PUT', `/databases/${database.id}/manifest`, { version: 1, collections });

    const runs: Run[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      await withoutIndexes(syncDb);
      const { ms: syncMs, status, cpu: syncCpu } = await timedSync(ctx, database.id);
      // The same indexes in the plan's order, straight through the driver: one at a time, then grouped.
      const order = status.steps.map((s) => indexes.find((i) => i.name === s.operation.index && i.collection === s.operation.collection)!);
      await withoutIndexes(floorDb);
      const floorMs = await timed(async () => {
        for (const index of order) await client.db(floorDb).collection(index.collection).createIndex(index.key, { name: index.name });
      });
      await withoutIndexes(floorDb);
      const cpuBeforeFloor = cpuTimes();
      const groupedFloorMs = await timed(async () => {
        for (const group of groupedByCollection(order)) {
          await client
            .db(floorDb)
            .collection(group[0].collection)
            .createIndexes(group.map(({ key, name }) => ({ key, name })));
        }
      });
      const groupedFloorCpu = cpuSpent(cpuBeforeFloor, cpuTimes());
      runs.push({ syncMs, floorMs, groupedFloorMs, phases: phasesOf(status), syncCpu, groupedFloorCpu });
    }

    // The first sync of the database is the cold one (nothing of it read or cached yet); the others are warm.
    const cold = runs[0];
    const warm = runs.length > 1 ? runs.slice(1) : runs;
    const syncMs = median(runs.map((r) => r.syncMs));
    const warmSyncMs = median(warm.map((r) => r.syncMs));
    const floorMs = median(runs.map((r) => r.floorMs));
    const groupedFloorMs = median(runs.map((r) => r.groupedFloorMs));
    const ratio = round(syncMs / floorMs);
    const phases = Object.fromEntries(Object.keys(runs[0].phases).map((k) => [k, median(runs.map((r) => r.phases[k]))]));
    const syncCpu = medianCpu(warm.map((r) => r.syncCpu));
    const floorCpu = medianCpu(warm.map((r) => r.groupedFloorCpu));
    const cpuTotal = (times: CpuTimes) => Math.round(Object.values(times).reduce((sum, ms) => sum + ms, 0));
    return {
      name: 'sync',
      lines: [
        `sync creating ${INDEXES} indexes on ${COLLECTIONS} empty collections, median of ${RUNS} runs, sync and floors alternated`,
        `sync         ${syncMs} ms (request to the end of its progress stream)`,
        `floor        ${floorMs} ms (the driver creating the same indexes in the same order, one at a time)`,
        `ratio        ${ratio}x (goal < 1.2)`,
        `floor, grouped per collection as the executor sends them: ${groupedFloorMs} ms (sync / grouped floor ${round(syncMs / groupedFloorMs)}x)`,
        `phases (from the sync's record): ${Object.entries(phases)
          .map(([k, v]) => `${k} ${v} ms`)
          .join(', ')}`,
        `cold (first) sync ${cold.syncMs} ms, warm syncs (median of the others) ${warmSyncMs} ms: ${round(cold.syncMs / warmSyncMs)}x (goal 1.5x)`,
        `CPU of the whole system, warm sync ${cpuTotal(syncCpu)} ms against grouped floor ${cpuTotal(floorCpu)} ms (${round(cpuTotal(syncCpu) / cpuTotal(floorCpu))}x)`,
        `  by part, sync: ${formatCpu(syncCpu)}`,
        `  by part, grouped floor: ${formatCpu(floorCpu)}`,
        `each run (sync / floor / grouped floor, ms): ${runs.map((r) => `${r.syncMs}/${r.floorMs}/${r.groupedFloorMs}`).join(', ')}`,
        `load average at the end: ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
      ],
      figures: {
        indexes: INDEXES,
        collections: COLLECTIONS,
        runs: RUNS,
        sync_ms: syncMs,
        floor_ms: floorMs,
        ratio,
        grouped_floor_ms: groupedFloorMs,
        ratio_to_grouped_floor: round(syncMs / groupedFloorMs),
        phases_ms: phases,
        cold_sync_ms: cold.syncMs,
        warm_sync_ms: warmSyncMs,
        cold_to_warm: round(cold.syncMs / warmSyncMs),
        warm_sync_cpu_ms: syncCpu,
        grouped_floor_cpu_ms: floorCpu,
        load_average: loadavg(),
        each_run: runs,
      },
    };
  } finally {
    await client.db(syncDb).dropDatabase();
    await client.db(floorDb).dropDatabase();
    await client.close();
  }
}

/** The sync's time and the CPU it cost, from its request to the end of its progress stream (the status read after it is not counted). */
async function timedSync(ctx: BenchContext, databaseId: string): Promise<{ ms: number; status: SyncStatusView; cpu: CpuTimes }> {
  const cpuBefore = cpuTimes();
  const started = performance.now();
  const accepted = (await api(ctx, 'POST', '/indexes/sync-by-database', { database_id: databaseId })) as { sync_id: string };
  await waitForEnd(ctx, accepted.sync_id);
  const ms = Math.round(performance.now() - started);
  const cpu = cpuSpent(cpuBefore, cpuTimes());
  const status = (await api(ctx, 'GET', `/indexes/sync-status/${accepted.sync_id}`)) as SyncStatusView;
  if (status.status !== 'completed') throw new Error(`sync ended ${status.status}: ${status.error}`);
  const created = status.steps.filter((s) => s.status === 'done').length;
  if (created !== INDEXES) throw new Error(`sync created ${created} indexes, expected ${INDEXES}`);
  return { ms, status, cpu };
}

interface Run {
  syncMs: number;
  floorMs: number;
  groupedFloorMs: number;
  phases: Record<string, number>;
  /** CPU milliseconds each part of the system spent during the sync, and during the grouped floor. */
  syncCpu: CpuTimes;
  groupedFloorCpu: CpuTimes;
}

function medianCpu(samples: CpuTimes[]): CpuTimes {
  const parts = [...new Set(samples.flatMap((s) => Object.keys(s)))];
  return Object.fromEntries(parts.map((part) => [part, Math.round(median(samples.map((s) => s[part] ?? 0)))]));
}

function formatCpu(times: CpuTimes): string {
  return Object.entries(times)
    .filter(([, ms]) => ms > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([part, ms]) => `${part} ${ms}`)
    .join(', ');
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return Math.round(performance.now() - started);
}

/** Consecutive indexes of one collection, as the executor puts creates together. */
function groupedByCollection(order: BenchIndex[]): BenchIndex[][] {
  const groups: BenchIndex[][] = [];
  for (const index of order) {
    const last = groups[groups.length - 1];
    if (last && last[0].collection === index.collection) last.push(index);
    else groups.push([index]);
  }
  return groups;
}

interface SyncStatusView {
  status: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  steps: {
    status: string;
    operation: { collection: string; index: string };
    started_at?: string;
    completed_at?: string;
    duration_ms?: number;
  }[];
}

/**
 * Where the sync's time went, as its record tells: queued, planning, running steps (creates that
 * share one command share one interval, counted once), between steps, ending.
 */
function phasesOf(status: SyncStatusView): Record<string, number> {
  const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);
  const intervals = new Map(status.steps.map((s) => [`${s.started_at}/${s.completed_at}`, at(s.completed_at) - at(s.started_at)]));
  const inSteps = [...intervals.values()].reduce((sum, ms) => sum + ms, 0);
  const first = status.steps[0];
  const last = status.steps[status.steps.length - 1];
  return {
    queued: at(status.started_at) - at(status.created_at),
    planning: at(first?.started_at) - at(status.started_at),
    in_steps: inSteps,
    between_steps: at(last?.completed_at) - at(first?.started_at) - inSteps,
    ending: at(status.completed_at) - at(last?.completed_at),
  };
}

/** Follows the sync's progress stream (as a progress bar would), which the gateway ends when the sync ends. */
async function waitForEnd(ctx: BenchContext, syncId: string): Promise<void> {
  const response = await fetch(`${ctx.apiUrl}/indexes/sync-status/${syncId}/events`, {
    headers: { authorization: `Bearer ${ctx.accessToken}`, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(10 * 60_000),
  });
  if (!response.ok) throw new Error(`the progress stream answered ${response.status}: ${await response.text()}`);
  await response.text();
}
