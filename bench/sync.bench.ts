import { MongoClient } from 'mongodb';
import { api, type BenchContext, type BenchResult } from './context';
import { round } from './load';

const INDEXES = 200;
const COLLECTIONS = 25;

/**
 * A sync that creates 200 indexes on empty collections (queued on JetStream,
 * run by the executor step by step with its bookkeeping), beside the floor:
 * the driver creating the same indexes directly, in the same order, one at a
 * time, in the same run. Goal: ratio < 1.2.
 */
export async function syncBench(ctx: BenchContext): Promise<BenchResult> {
  const stamp = Date.now();
  const syncDb = `bench_sync_${stamp}`;
  const floorDb = `bench_sync_floor_${stamp}`;
  const client = await MongoClient.connect(ctx.mongoUri);
  try {
    const indexes = Array.from({ length: INDEXES }, (_, i) => ({
      collection: `c${String(i % COLLECTIONS).padStart(2, '0')}`,
      key: { [`f${i}`]: 1, [`g${i}`]: -1 } as Record<string, 1 | -1>,
      name: `f${i}_1_g${i}_-1`,
    }));
    for (const db of [syncDb, floorDb]) {
      for (let c = 0; c < COLLECTIONS; c += 1) await client.db(db).createCollection(`c${String(c).padStart(2, '0')}`);
    }
    const database = (await api(ctx, 'POST', '/databases', { name: syncDb, uri: ctx.mongoUri, db_name: syncDb })) as { id: string };
    const collections: Record<string, unknown[]> = {};
    for (const index of indexes) {
      (collections[index.collection] ??= []).push({
        name: index.name,
        keys: Object.entries(index.key).map(([field, value]) => ({ field, value })),
      });
    }
    await api(ctx, 'PUT', `/databases/${database.id}/manifest`, { version: 1, collections });

    const syncStarted = performance.now();
    const accepted = (await api(ctx, 'POST', '/indexes/sync-by-database', { database_id: database.id })) as { sync_id: string };
    await waitForEnd(ctx, accepted.sync_id);
    const syncMs = Math.round(performance.now() - syncStarted);
    const status = (await api(ctx, 'GET', `/indexes/sync-status/${accepted.sync_id}`)) as SyncStatusView;
    if (status.status !== 'completed') throw new Error(`sync ended ${status.status}: ${status.error}`);
    const created = status.steps.filter((s) => s.status === 'done').length;
    if (created !== INDEXES) throw new Error(`sync created ${created} indexes, expected ${INDEXES}`);

    // The same indexes in the plan's order, straight through the driver.
    const order = status.steps.map((s) => indexes.find((i) => i.name === s.operation.index && i.collection === s.operation.collection)!);
    const floorStarted = performance.now();
    for (const index of order) await client.db(floorDb).collection(index.collection).createIndex(index.key, { name: index.name });
    const floorMs = Math.round(performance.now() - floorStarted);

    const ratio = round(syncMs / floorMs);
    const phases = phasesOf(status);
    return {
      name: 'sync',
      lines: [
        `sync creating ${INDEXES} indexes on ${COLLECTIONS} empty collections: ${syncMs} ms (request to the end of its progress stream)`,
        `floor: the driver creating the same indexes in the same order: ${floorMs} ms`,
        `ratio ${ratio}x (goal < 1.2)`,
        `phases (from the sync's record): ${Object.entries(phases)
          .map(([k, v]) => `${k} ${v} ms`)
          .join(', ')}`,
      ],
      figures: { indexes: INDEXES, collections: COLLECTIONS, sync_ms: syncMs, floor_ms: floorMs, ratio, phases_ms: phases },
    };
  } finally {
    await client.db(syncDb).dropDatabase();
    await client.db(floorDb).dropDatabase();
    await client.close();
  }
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
