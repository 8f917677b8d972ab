import { MongoClient } from 'mongodb';
import { api, settle, type BenchContext, type BenchResult } from './context';
import { median, round } from './load';

const COLLECTIONS = 200;
/** Per collection: seven secondary indexes and `_id_`. */
const SECONDARY_INDEXES = 7;
/** The comparator's default COMPARE_CONCURRENCY, so the floor reads with the same parallelism. */
const PARALLELISM = 8;
const SCRIPT_DEFINITIONS = 5_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
/** Runs of each side before measuring: the first compares fill caches (definitions, connections, FerretDB's pages). */
const WARMUP_RUNS = 3;

/**
 * 1. compare-by-database of a target with 200 collections × 8 indexes, through
 *    the gateway, beside the floor: the driver calling listIndexes on every
 *    collection with the same parallelism, no bus, no HTTP. Goal: ratio < 1.3.
 * 2. generate-script (mode create) for 5,000 definitions, through the gateway.
 */
export async function comparatorBench(ctx: BenchContext): Promise<BenchResult> {
  const dbName = `bench_compare_${Date.now()}`;
  const client = await MongoClient.connect(ctx.mongoUri);
  try {
    const target = client.db(dbName);
    const keysOf = (c: number) => Array.from({ length: SECONDARY_INDEXES }, (_, i) => ({ [`f${i}`]: 1, [`g${c}`]: -1 }));
    for (let c = 0; c < COLLECTIONS; c += 1) {
      await target.createCollection(collectionName(c));
      await target.collection(collectionName(c)).createIndexes(keysOf(c).map((key) => ({ key })));
    }
    const database = (await api(ctx, 'POST', '/databases', { name: dbName, uri: ctx.mongoUri, db_name: dbName })) as { id: string };
    const collections: Record<string, unknown[]> = {};
    for (let c = 0; c < COLLECTIONS; c += 1) {
      collections[collectionName(c)] = keysOf(c).map((key) => ({
        keys: Object.entries(key).map(([field, value]) => ({ field, value })),
        name: nameOf(key),
      }));
    }
    await api(ctx, 'PUT', `/databases/${database.id}/manifest`, { version: 1, collections });
    await settle(ctx);

    const compare = async () => {
      const result = (await api(ctx, 'POST', '/indexes/compare-by-database', { database_id: database.id })) as {
        totals: { matched: number };
      };
      if (result.totals.matched !== COLLECTIONS * SECONDARY_INDEXES)
        throw new Error(`expected every index matched, got ${JSON.stringify(result.totals)}`);
    };
    const floor = async () => {
      const names = Array.from({ length: COLLECTIONS }, (_, c) => collectionName(c));
      let next = 0;
      await Promise.all(
        Array.from({ length: PARALLELISM }, async () => {
          while (next < names.length) await target.collection(names[next++]).listIndexes().toArray();
        }),
      );
    };
    for (let i = 0; i < WARMUP_RUNS; i += 1) {
      await compare();
      await floor();
    }
    const { medians, pairedRatio } = await alternated(compare, floor);
    const [gatewayMs, floorMs] = medians;

    const script = await scriptBench(ctx);
    const ratio = round(gatewayMs / floorMs);
    const paired = round(pairedRatio);
    return {
      name: 'comparator',
      lines: [
        `compare-by-database, ${COLLECTIONS} collections × ${SECONDARY_INDEXES + 1} indexes, median of ${RUNS} runs of each, alternated`,
        `gateway      ${gatewayMs} ms`,
        `floor        ${floorMs} ms   (listIndexes on every collection, ${PARALLELISM} at a time, no bus, no HTTP)`,
        `ratio        ${ratio}x of the medians, ${paired}x the median of each run's ratio to the floor run beside it (goal < 1.3)`,
        `generate-script (mode create) for ${SCRIPT_DEFINITIONS} definitions: ${script.gatewayMs} ms through the gateway, median of ${RUNS} (${script.bytes} bytes)`,
      ],
      figures: {
        compare_by_database: {
          collections: COLLECTIONS,
          indexes_per_collection: SECONDARY_INDEXES + 1,
          runs: RUNS,
          gateway_ms: gatewayMs,
          floor_ms: floorMs,
          ratio,
          paired_ratio: paired,
        },
        generate_script: { definitions: SCRIPT_DEFINITIONS, runs: RUNS, gateway_ms: script.gatewayMs, script_bytes: script.bytes },
      },
    };
  } finally {
    await client.db(dbName).dropDatabase();
    await client.close();
  }
}

async function scriptBench(ctx: BenchContext): Promise<{ gatewayMs: number; bytes: number }> {
  const database = (await api(ctx, 'POST', '/databases', {
    name: `bench-script-${Date.now()}`,
    uri: ctx.mongoUri,
    db_name: 'bench_script',
  })) as { id: string };
  const collections: Record<string, unknown[]> = {};
  for (let i = 0; i < SCRIPT_DEFINITIONS; i += 1) {
    (collections[`s${String(Math.floor(i / 50)).padStart(3, '0')}`] ??= []).push({
      name: `f${i}_1`,
      keys: [{ field: `f${i}`, value: 1 }],
      options: i % 2 === 0 ? { is_unique: true } : { collation: { locale: 'en', strength: 2 } },
    });
  }
  await api(ctx, 'PUT', `/databases/${database.id}/manifest`, { version: 1, collections });
  let bytes = 0;
  const generate = async () => {
    const result = (await api(ctx, 'POST', '/indexes/generate-script', { database_id: database.id, mode: 'create' })) as {
      operations: number;
      script: string;
    };
    if (result.operations !== SCRIPT_DEFINITIONS) throw new Error(`expected ${SCRIPT_DEFINITIONS} operations, got ${result.operations}`);
    bytes = result.script.length;
  };
  await generate();
  return { gatewayMs: await medianMs(generate), bytes };
}

/**
 * Runs a and b in turn, `RUNS` times each: on a two-core machine the background (GC, FerretDB's own
 * work) drifts over a run, and alternating lets both sides see the same conditions. Answers both
 * medians, and the median of a/b over the pairs run side by side.
 */
async function alternated(a: () => Promise<void>, b: () => Promise<void>): Promise<{ medians: [number, number]; pairedRatio: number }> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < RUNS; i += 1) {
    for (const [side, fn] of [a, b].entries()) {
      const started = performance.now();
      await fn();
      times[side].push(performance.now() - started);
    }
  }
  const ratios = times[0].map((t, i) => t / times[1][i]).sort((x, y) => x - y);
  return { medians: [median(times[0]), median(times[1])], pairedRatio: ratios[Math.floor(ratios.length / 2)] };
}

async function medianMs(fn: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return median(times);
}

function collectionName(c: number): string {
  return `c${String(c).padStart(3, '0')}`;
}

function nameOf(key: Record<string, number>): string {
  return Object.entries(key)
    .map(([field, value]) => `${field}_${value}`)
    .join('_');
}
