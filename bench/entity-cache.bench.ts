import { loadavg } from 'node:os';
import Database from 'better-sqlite3';
import type { EntityShape, OplogEntry } from '@ir/contracts';
import { CaptureLoop } from '../apps/entity-capture/src/capture/capture-loop';
import type { BenchContext, BenchResult } from './context';
import { round } from './load';
import {
  captureOf,
  type CaptureTimings,
  PROJECT,
  replicatorOf,
  SOURCE_DB,
  startEntityBenchServers,
  type EntityBenchServers,
  DATABASE_ID,
} from './entity-cache/servers';

const SCAN_DOCS = Number(process.env.ENTITY_BENCH_SCAN_DOCS ?? 100_000);
const WRITES = Number(process.env.ENTITY_BENCH_WRITES ?? 5_000);
const WRITERS = Number(process.env.ENTITY_BENCH_WRITERS ?? 8);
const BATCH = Number(process.env.ENTITY_BENCH_BATCH ?? 1_000);

const SHAPE: EntityShape = [
  { name: 'id', type: 'Text', path: '_id' },
  { name: 'n', type: 'Integer', path: 'n' },
  { name: 'name', type: 'Text', path: 'name' },
  { name: 'score', type: 'Number', path: 'score' },
  { name: 'active', type: 'Bool', path: 'active' },
  { name: 'city', type: 'Text', path: 'address.city' },
];
const docOf = (id: number, n: number) => ({
  _id: id,
  n,
  name: `user ${id}`,
  score: id / 7,
  active: id % 2 === 0,
  address: { city: `c${id % 50}` },
});

const hopText = (hop: { p50Ms: number; p99Ms: number }) => `${hop.p50Ms}/${hop.p99Ms}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => round(ms / 1000);
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;

/**
 * Entity caches (issue 16) on their own private servers (FerretDB with its oplog, PostgreSQL without
 * fsync), each figure beside its floor in the same run:
 * - sustained: WRITES updates by WRITERS concurrent writers, the capture and one replicator running, against
 *   the rate the source accepts the same writes with nothing capturing; lag from each write's
 *   acknowledgement to the replicator's commit of its row (goal >= 0.9x, p99 < 1 s);
 * - initial scan of SCAN_DOCS documents into the oplog (staging, then merged) against a driver find() of
 *   them (goal >= 0.8x);
 * - replicator: the scan's entries applied to a fresh cache against plain batched SQLite inserts of the
 *   same rows (goal >= 0.5x).
 */
export async function entityCacheBench(ctx: Pick<BenchContext, 'dir'>): Promise<BenchResult> {
  const servers = await startEntityBenchServers(ctx.dir);
  const load = loadavg().map(round);
  try {
    const sustained = await sustainedBench(servers);
    const scan = await scanBench(servers);
    const apply = await applyBench(servers);
    const lines = [
      `entity-cache (load average at start ${load.join(' ')}, after ${loadavg().map(round).join(' ')})`,
      `  sustained, ${WRITES} writes by ${WRITERS} writers: source alone ${sustained.floorRate} writes/s; with capture ${sustained.sourceRate} writes/s, ` +
        `capture-to-cache ${sustained.cacheRate} rows/s = ${sustained.ratio}x (goal >= 0.9); lag p50 ${sustained.p50Ms} ms, p99 ${sustained.p99Ms} ms (goal < 1000); ` +
        `per poll: source read p50 ${sustained.pollReadP50Ms} ms, p99 ${sustained.pollReadP99Ms} ms (${sustained.polls} polls), append p50 ${sustained.appendP50Ms} ms, replicator round p50 ${sustained.replicateP50Ms} ms`,
      `  sustained, per hop p50/p99 ms: acknowledged -> read by the capture ${hopText(sustained.hops.captureRead)}, -> appended ${hopText(sustained.hops.appended)}, ` +
        `-> read by the replicator ${hopText(sustained.hops.replicatorRead)}, -> committed in SQLite ${hopText(sustained.hops.committed)}`,
      `  initial scan of ${SCAN_DOCS}: ${scan.scanRate} docs/s (${scan.scanS} s) vs driver find() ${scan.findRate} docs/s (${scan.findS} s) = ${scan.ratio}x (goal >= 0.8)`,
      `  replicator: ${apply.replicatorRate} entries/s end to end (read from PostgreSQL and applied), ${apply.applyRate} rows/s applying alone, ` +
        `vs plain batched SQLite inserts ${apply.floorRate} rows/s = ${apply.ratio}x end to end, ${apply.applyRatio}x applying (goal >= 0.5); PowerSync: 2,000-4,000 ops/s`,
    ];
    return {
      name: 'entity-cache',
      lines,
      figures: { load_start: load, load_end: loadavg(), sizes: { SCAN_DOCS, WRITES, WRITERS, BATCH }, sustained, scan, apply },
    };
  } finally {
    await servers.stop();
  }
}

async function writeAll(servers: EntityBenchServers, collection: string, onAck?: (n: number) => void): Promise<number> {
  const items = servers.mongo.db(SOURCE_DB).collection<{ _id: number }>(collection);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let n = next++; n < WRITES; n = next++) {
        const id = n % 1_000;
        await items.updateOne({ _id: id }, { $set: docOf(id, n) }, { upsert: true });
        onAck?.(n);
      }
    }),
  );
  return performance.now() - started;
}

async function sustainedBench(servers: EntityBenchServers) {
  const floorMs = await writeAll(servers, 'floor');
  await servers.entities.create(PROJECT, { name: 'live', source: { databaseId: DATABASE_ID, collection: 'live' }, columns: SHAPE });
  const timings: CaptureTimings = { read: [], append: [], readAt: new Map(), appendedAt: new Map() };
  const { capture, refresh } = captureOf(servers, BATCH, timings);
  const stop = new AbortController();
  // The default idle wait (200 ms), as the service polls: polling FerretDB's oplog more often slows the source's writes.
  const capturing = new CaptureLoop(capture, { refreshEntities: refresh }).run(stop.signal);
  let batch: OplogEntry[] = [];
  const replicatorReadAt = new Map<number, number>();
  const replicator = replicatorOf(servers, 'live', new Map([['live', SHAPE]]), BATCH, {
    since: async (after, limit, entities) => {
      batch = await servers.oplog.since(after, limit, entities);
      const now = performance.now();
      for (const entry of batch)
        if (typeof entry.data?.n === 'number' && !replicatorReadAt.has(entry.data.n)) replicatorReadAt.set(entry.data.n, now);
      return batch;
    },
  });
  const ackedAt = new Map<number, number>();
  const appliedAt = new Map<number, number>();
  let replicating = true;
  const replicated: number[] = [];
  const replicating$ = (async () => {
    while (replicating) {
      const at = performance.now();
      const read = await replicator.replicateOnce();
      if (read > 0) replicated.push(performance.now() - at);
      if (read === 0) await sleep(20);
      const now = performance.now();
      for (const entry of batch.splice(0)) if (typeof entry.data?.n === 'number') appliedAt.set(entry.data.n, now);
    }
  })();
  await sleep(1_000); // the capture's first start and the (empty) scan
  const started = performance.now();
  const sourceMs = await writeAll(servers, 'live', (n) => ackedAt.set(n, performance.now()));
  const deadline = performance.now() + 120_000;
  while (appliedAt.size < WRITES && performance.now() < deadline) await sleep(50);
  replicating = false;
  stop.abort();
  await Promise.all([replicating$, capturing]);
  replicator.close();
  // A row may be committed before its writer saw the acknowledgement (a loaded machine): lag 0.
  const lags = [...appliedAt].map(([n, at]) => Math.max(0, at - (ackedAt.get(n) ?? at)));
  const lastAppliedAt = Math.max(...appliedAt.values());
  // Each hop's share of the lag, per write: acknowledged -> read by the capture -> appended to PostgreSQL
  // -> read by the replicator -> committed in SQLite.
  const hop = (from: Map<number, number>, to: Map<number, number>) => {
    const spans = [...to].flatMap(([n, at]) => (from.has(n) ? [Math.max(0, at - from.get(n)!)] : []));
    return { p50Ms: Math.round(percentile(spans, 50)), p99Ms: Math.round(percentile(spans, 99)) };
  };
  const hops = {
    captureRead: hop(ackedAt, timings.readAt),
    appended: hop(timings.readAt, timings.appendedAt),
    replicatorRead: hop(timings.appendedAt, replicatorReadAt),
    committed: hop(replicatorReadAt, appliedAt),
  };
  const floorRate = round(WRITES / (floorMs / 1000));
  const cacheRate = round(lags.length / ((lastAppliedAt - started) / 1000));
  return {
    floorRate,
    sourceRate: round(WRITES / (sourceMs / 1000)),
    cacheRate,
    ratio: round(cacheRate / floorRate),
    applied: lags.length,
    p50Ms: Math.round(percentile(lags, 50)),
    p99Ms: Math.round(percentile(lags, 99)),
    // Where the lag goes, per poll (ms): the capture's read of the source's oplog and its append to
    // PostgreSQL, and a replicator round that found entries (read from PostgreSQL and applied).
    pollReadP50Ms: Math.round(percentile(timings.read, 50)),
    pollReadP99Ms: Math.round(percentile(timings.read, 99)),
    appendP50Ms: Math.round(percentile(timings.append, 50)),
    replicateP50Ms: Math.round(percentile(replicated, 50)),
    polls: timings.read.length,
    hops,
  };
}

async function scanBench(servers: EntityBenchServers) {
  const items = servers.mongo.db(SOURCE_DB).collection<{ _id: number }>('scanned');
  for (let from = 0; from < SCAN_DOCS; from += 1_000)
    await items.insertMany(Array.from({ length: Math.min(1_000, SCAN_DOCS - from) }, (_, k) => docOf(from + k, 0)));
  const findStarted = performance.now();
  let found = 0;
  for await (const _ of items.find({}, { batchSize: BATCH })) found += 1;
  const findMs = performance.now() - findStarted;
  await servers.entities.create(PROJECT, { name: 'scanned', source: { databaseId: DATABASE_ID, collection: 'scanned' }, columns: SHAPE });
  const { capture, refresh } = captureOf(servers, BATCH);
  await refresh();
  const scanStarted = performance.now();
  await capture.start(); // its position is saved already: this scans the new entity, then merges
  const scanMs = performance.now() - scanStarted;
  if ((await servers.entities.get(PROJECT, 'scanned'))?.state !== 'scanned') throw new Error('the scan did not finish');
  const findRate = round(found / (findMs / 1000));
  const scanRate = round(SCAN_DOCS / (scanMs / 1000));
  return { findS: seconds(findMs), scanS: seconds(scanMs), findRate, scanRate, ratio: round(scanRate / findRate) };
}

async function applyBench(servers: EntityBenchServers) {
  const shapes = new Map([['scanned', SHAPE]]);
  const replicator = replicatorOf(servers, 'scan', shapes, BATCH);
  const started = performance.now();
  const read = await replicator.catchUp();
  const replicatorMs = performance.now() - started;
  replicator.close();
  // The same entries, read first: what applying alone costs, and the floor's rows.
  const entries: OplogEntry[] = [];
  for (let after = '0'; ;) {
    const batch = await servers.oplog.since(after, BATCH, ['scanned']);
    if (batch.length === 0) break;
    entries.push(...batch);
    after = batch.at(-1)!.id;
  }
  const applier = replicatorOf(servers, 'apply', shapes, BATCH);
  const cache = applier.cacheOf('scanned')!;
  const applyStarted = performance.now();
  for (let i = 0; i < entries.length; i += BATCH) cache.apply(entries.slice(i, i + BATCH));
  const applyMs = performance.now() - applyStarted;
  applier.close();
  const floorMs = plainInserts(`${servers.dir}/floor.sqlite`, entries);
  const floorRate = round(entries.length / (floorMs / 1000));
  const replicatorRate = round(read / (replicatorMs / 1000));
  const applyRate = round(entries.length / (applyMs / 1000));
  return {
    entries: read,
    replicatorRate,
    applyRate,
    floorRate,
    ratio: round(replicatorRate / floorRate),
    applyRatio: round(applyRate / floorRate),
  };
}

/** The floor: the same rows into a table of the same columns, one prepared INSERT, a transaction per batch (WAL, synchronous NORMAL, as the caches). */
function plainInserts(file: string, entries: readonly OplogEntry[]): number {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE rows (_document_id TEXT PRIMARY KEY, id TEXT, n INTEGER, name TEXT, score REAL, active INTEGER, city TEXT, _oplog_id INTEGER)',
  );
  const insert = db.prepare('INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const many = db.transaction((batch: readonly OplogEntry[]) => {
    for (const e of batch)
      insert.run(e.documentId, e.data!.id, e.data!.n, e.data!.name, e.data!.score, e.data!.active, e.data!.city, Number(e.id));
  });
  const started = performance.now();
  for (let i = 0; i < entries.length; i += BATCH) many(entries.slice(i, i + BATCH));
  const ms = performance.now() - started;
  db.close();
  return ms;
}
