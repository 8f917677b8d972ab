import { definitionDoc } from './definition-doc';
import mongoose, { Types } from 'mongoose';
import type { BenchContext, BenchResult } from './context';
import { api } from './context';
import { assertClean, load, loadInProcess, round, row } from './load';

const DEFINITIONS_IN_COLLECTION = 10_000;
const MANIFEST_DEFINITIONS = 2_000;
const PAGE = { page: 1, limit: 20 };

/**
 * 1. list-by-collection on a collection of 10,000 definitions, through the
 *    gateway, beside the same query (filter, sort, page, count) straight on
 *    MongoDB from this process, same concurrency, same run.
 * 2. manifest apply of 2,000 new definitions, then of the same manifest again
 *    (all unchanged), in seconds.
 */
export async function registryBench(ctx: BenchContext): Promise<BenchResult> {
  // The manifest first: the list benchmark leaves the server busy with queued queries for a while.
  const manifest = await manifestApply(ctx);
  const list = await listByCollection(ctx);
  return {
    name: 'registry',
    lines: [...manifest.lines, ...list.lines],
    figures: { manifest_apply: manifest.figures, list_by_collection: list.figures },
  };
}

async function manifestApply(ctx: BenchContext): Promise<{ lines: string[]; figures: Record<string, unknown> }> {
  const target = (await api(ctx, 'POST', '/databases', {
    name: `bench-manifest-${Date.now()}`,
    uri: ctx.mongoUri,
    db_name: 'bench_target',
  })) as {
    id: string;
  };
  const manifest = manifestOf(MANIFEST_DEFINITIONS);
  const fresh = await timed(() => api(ctx, 'PUT', `/databases/${target.id}/manifest`, manifest));
  const unchanged = await timed(() => api(ctx, 'PUT', `/databases/${target.id}/manifest`, manifest));
  const created = (fresh.result as { created: unknown[] }).created.length;
  if (created !== MANIFEST_DEFINITIONS) throw new Error(`manifest apply created ${created} definitions, expected ${MANIFEST_DEFINITIONS}`);
  return {
    lines: [
      `manifest apply, ${MANIFEST_DEFINITIONS} new definitions: ${fresh.seconds} s; the same manifest again (all unchanged): ${unchanged.seconds} s`,
    ],
    figures: { definitions: MANIFEST_DEFINITIONS, fresh_seconds: fresh.seconds, unchanged_seconds: unchanged.seconds },
  };
}

/**
 * Concurrency is BENCH_LIST_CONNECTIONS (default 1), not the shared default:
 * FerretDB sorts and counts 10,000 documents without an index (about 0.6 s
 * each on this machine), so at 10 concurrent requests it queues past any time
 * limit and the figures would measure the queue. On MongoDB, raise it.
 */
async function listByCollection(ctx: BenchContext): Promise<{ lines: string[]; figures: Record<string, unknown> }> {
  const connections = Number(process.env.BENCH_LIST_CONNECTIONS ?? 1);
  const database = (await api(ctx, 'POST', '/databases', { name: `bench-${Date.now()}`, uri: ctx.mongoUri, db_name: 'bench_target' })) as {
    id: string;
  };
  const connection = await mongoose.createConnection(ctx.mongoUri, { dbName: `${ctx.dbPrefix}_registry` }).asPromise();
  try {
    await seedCollection(connection, database.id, 'big');
    const gatewayRequest = {
      url: `${ctx.apiUrl}/indexes/list-by-collection`,
      method: 'POST' as const,
      headers: { authorization: `Bearer ${ctx.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ database_id: database.id, collection: 'big', ...PAGE }),
    };
    const definitions = connection.collection('index_definitions');
    const filter = { database_id: new Types.ObjectId(database.id), collection: 'big' };
    const direct = () =>
      Promise.all([definitions.find(filter).sort({ name: 1 }).skip(0).limit(PAGE.limit).toArray(), definitions.countDocuments(filter)]);

    await load(gatewayRequest, 2, connections);
    await loadInProcess(direct, 2, connections);
    const gateway = await load(gatewayRequest, ctx.seconds, connections);
    const floor = await loadInProcess(direct, ctx.seconds, connections);
    assertClean(gateway);
    const ratios = {
      p50: round(gateway.latency_p50_ms / Math.max(floor.latency_p50_ms, 1)),
      p99: round(gateway.latency_p99_ms / Math.max(floor.latency_p99_ms, 1)),
    };
    return {
      lines: [
        `list-by-collection, page of ${PAGE.limit} in a collection of ${DEFINITIONS_IN_COLLECTION} definitions, ${ctx.seconds} s, ${connections} connection(s)`,
        row('gateway', gateway),
        row('mongodb', floor),
        `ratio        p50 ${ratios.p50}x, p99 ${ratios.p99}x of the direct query`,
      ],
      figures: { definitions: DEFINITIONS_IN_COLLECTION, connections, gateway, mongodb_direct: floor, ratios },
    };
  } finally {
    await connection.close();
  }
}

/**
 * 10,000 definitions cannot exist through the API (MongoDB allows 64 indexes a
 * collection, and the registry enforces it), so the read path is measured on
 * records written straight into the registry's collection.
 */
async function seedCollection(connection: mongoose.Connection, databaseId: string, collection: string): Promise<void> {
  const now = new Date();
  const docs = Array.from({ length: DEFINITIONS_IN_COLLECTION }, (_, i) =>
    definitionDoc(databaseId, collection, { [`field_${String(i).padStart(5, '0')}`]: 1 }, now),
  );
  for (let i = 0; i < docs.length; i += 1000) await connection.collection('index_definitions').insertMany(docs.slice(i, i + 1000));
}

function manifestOf(count: number): unknown {
  const collections: Record<string, unknown[]> = {};
  for (let i = 0; i < count; i += 1) {
    const collection = `c${String(Math.floor(i / 50)).padStart(3, '0')}`;
    (collections[collection] ??= []).push({
      name: `f${i}_1_g${i}_-1`,
      keys: [
        { field: `f${i}`, value: 1 },
        { field: `g${i}`, value: -1 },
      ],
    });
  }
  return { version: 1, collections };
}

async function timed(fn: () => Promise<unknown>): Promise<{ seconds: number; result: unknown }> {
  const started = performance.now();
  const result = await fn();
  return { seconds: round((performance.now() - started) / 1000), result };
}
