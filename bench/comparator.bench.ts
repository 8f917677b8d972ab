import { MongoClient } from 'mongodb';
import { api, settle, type BenchContext, type BenchResult } from './context';
import { describeShare, measureAccessChecks, sharePercent, type ChecksOfRequest } from './access-checks';
import { median, round } from './load';

/**
 * The caller to the comparator and on to the registry; the registry decides whether the caller sees
 * the database, the comparator whether it may read drift before reading ahead and after the answer.
 */
const CHECKS: ChecksOfRequest = { hops: 2, decisions: 3 };
const COLLECTIONS = 200;
/** Per collection: seven secondary indexes and `_id_`. */
const SECONDARY_INDEXES = 7;
/** The comparator's default COMPARE_CONCURRENCY, so the floor reads with the same parallelism. */
const PARALLELISM = 8;
const SCRIPT_DEFINITIONS = 5_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
/** Between runs, untimed: for the work a run leaves behind. */
const QUIET_MS = 30;
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

    // Plain JSON, as the floor reads its answers uncompressed (and as curl asks by default); and
    // gzipped, as Node's fetch asks by default, which on this loopback only adds the unzipping.
    const compare = (encoding: 'identity' | 'gzip') => async () => {
      const result = (await api(
        ctx,
        'POST',
        '/indexes/compare-by-database',
        { database_id: database.id },
        { 'accept-encoding': encoding },
      )) as {
        totals: { matched: number };
      };
      if (result.totals.matched !== COLLECTIONS * SECONDARY_INDEXES)
        throw new Error(`expected every index matched, got ${JSON.stringify(result.totals)}`);
    };
    const [plain, gzipped] = [compare('identity'), compare('gzip')];
    const floor = async () => {
      const names = Array.from({ length: COLLECTIONS }, (_, c) => collectionName(c));
      let next = 0;
      await Promise.all(
        Array.from({ length: PARALLELISM }, async () => {
          while (next < names.length) await target.collection(names[next++]).listIndexes().toArray();
        }),
      );
    };
    for (let i = 0; i < WARMUP_RUNS; i += 1) for (const run of [plain, gzipped, floor]) await run();
    const { medians, pairedRatios } = await alternated([plain, gzipped, floor]);
    const [gatewayMs, gzippedMs, floorMs] = medians;

    const script = await scriptBench(ctx);
    const ratio = round(gatewayMs / floorMs);
    const paired = round(pairedRatios[0]);
    const gzippedRatio = round(gzippedMs / floorMs);
    const checks = measureAccessChecks(CHECKS);
    return {
      name: 'comparator',
      lines: [
        `compare-by-database, ${COLLECTIONS} collections × ${SECONDARY_INDEXES + 1} indexes, median of ${RUNS} runs of each, alternated`,
        `gateway      ${gatewayMs} ms   (Accept-Encoding: identity)`,
        `floor        ${floorMs} ms   (listIndexes on every collection, ${PARALLELISM} at a time, no bus, no HTTP)`,
        `ratio        ${ratio}x of the medians, ${paired}x the median of each run's ratio to the floor run beside it (goal < 1.3)`,
        `gzipped      ${gzippedMs} ms   (Accept-Encoding: gzip, unzipped by fetch): ${gzippedRatio}x of the medians, ${round(pairedRatios[1])}x paired`,
        describeShare(checks, CHECKS, gatewayMs, `the gateway's ${gatewayMs} ms`),
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
          gzipped_ms: gzippedMs,
          gzipped_ratio: gzippedRatio,
          gzipped_paired_ratio: round(pairedRatios[1]),
          permission_checks: { ...checks, share_percent: sharePercent(checks, gatewayMs) },
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
 * Runs each side in turn, `RUNS` rounds: on a two-core machine the background (GC, FerretDB's own
 * work) drifts over a run, and alternating lets every side see the same conditions. Answers each
 * side's median, and for each side but the last (the baseline) the median of its ratios to the
 * baseline run beside it.
 */
async function alternated(sides: (() => Promise<void>)[]): Promise<{ medians: number[]; pairedRatios: number[] }> {
  const times: number[][] = sides.map(() => []);
  for (let i = 0; i < RUNS; i += 1) {
    // Each round starts with the next side, so that no side always follows the same one.
    for (let k = 0; k < sides.length; k += 1) {
      const side = (i + k) % sides.length;
      const started = performance.now();
      await sides[side]();
      times[side].push(performance.now() - started);
      // Untimed, so that what a run leaves behind (a compare moves its stored time just after
      // answering) is done before the next run, and is not charged to it.
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    }
  }
  const baseline = times[times.length - 1];
  return {
    medians: times.map(median),
    // Not `median`, which rounds to whole milliseconds.
    pairedRatios: times.slice(0, -1).map((t) => t.map((ms, i) => ms / baseline[i]).sort((a, b) => a - b)[Math.floor(t.length / 2)]),
  };
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
