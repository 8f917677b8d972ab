import { Binary, MongoClient, type Collection, type Document } from 'mongodb';
import { deflateSync } from 'node:zlib';
import type { BenchContext, BenchResult } from './context';
import { assertClean, load, loadInProcess, round, row, type LoadResult } from './load';

const DATABASES = 1_000;
const COLLECTIONS = 20;
const INDEXES_PER_COLLECTION = 5;
const LIMIT = 100;
/** The overview's fields, as the comparator's repository projects them: never the body. */
const OVERVIEW_FIELDS = { project_id: 1, database_name: 1, db_name: 1, drift: 1, totals: 1, compared_at: 1 };

/**
 * `GET /drift` at 1,000 drift snapshots seeded straight into the comparator's collection, each with a
 * body the size of a compare of 20 collections × 5 indexes, beside the floor: the same query
 * (filter, projection, sort, limit) by the driver from this process, same concurrency, same run.
 * Three pages: the first of the whole fleet, the drifted databases of one project, and one deep in
 * the fleet by cursor.
 */
export async function fleetDriftBench(ctx: BenchContext): Promise<BenchResult> {
  const claims = JSON.parse(Buffer.from(ctx.accessToken.split('.')[1], 'base64url').toString('utf8')) as {
    projects: Record<string, string>;
  };
  const projects = Object.keys(claims.projects);
  if (projects.length === 0) throw new Error('the benchmark user is in no project');
  const project = projects[0];
  const client = await MongoClient.connect(ctx.mongoUri);
  try {
    const snapshots = client.db(`${ctx.dbPrefix}_comparator`).collection<SnapshotDocument>('drift_snapshots');
    await seed(snapshots, project);
    const middle = idOf(DATABASES / 2);
    const pages = [
      { name: 'first page', query: `limit=${LIMIT}`, filter: { totals: { $exists: true } } },
      {
        name: 'drifted, one project',
        query: `project_id=${project}&state=drifted&limit=${LIMIT}`,
        filter: { project_id: { $in: [project] }, totals: { $exists: true }, drift: true },
      },
      { name: 'deep page', query: `after=${middle}&limit=${LIMIT}`, filter: { totals: { $exists: true }, _id: { $gt: middle } } },
    ];
    const lines = [`fleet drift overview, ${DATABASES} snapshots, pages of ${LIMIT} (+1 to know of a next page):`];
    const figures: Record<string, unknown> = { databases: DATABASES, limit: LIMIT };
    for (const [i, page] of pages.entries()) {
      const connectionCounts = i === 0 ? [1, ctx.connections] : [1];
      for (const connections of connectionCounts) {
        const gatewayRequest = { url: `${ctx.apiUrl}/drift?${page.query}`, headers: { authorization: `Bearer ${ctx.accessToken}` } };
        const direct = () =>
          snapshots
            .find(page.filter, { projection: OVERVIEW_FIELDS })
            .sort({ _id: 1 })
            .limit(LIMIT + 1)
            .toArray();
        await load(gatewayRequest, 2, connections);
        await loadInProcess(direct, 2, connections);
        const gateway = await load(gatewayRequest, ctx.seconds, connections);
        const floor = await loadInProcess(direct, ctx.seconds, connections);
        assertClean(gateway);
        lines.push(`  ${page.name}, ${connections} connection(s):`, `    ${row('gateway', gateway)}`, `    ${row('driver', floor)}`);
        figures[`${page.name.replace(/[ ,]+/g, '_')}_c${connections}`] = { gateway, floor, ratio_p99: ratio(gateway, floor) };
      }
    }
    // What the store would answer if the overview were a collection of its own, without the bodies.
    const probe = client.db(`${ctx.dbPrefix}_bench_probe`).collection<SnapshotDocument>('drift_overview');
    await probe.deleteMany({});
    const rows = await snapshots.find({}, { projection: OVERVIEW_FIELDS }).toArray();
    for (let i = 0; i < rows.length; i += 100) await probe.insertMany(rows.slice(i, i + 100));
    for (const connections of [1, ctx.connections]) {
      const small = () =>
        probe
          .find({ totals: { $exists: true } })
          .sort({ _id: 1 })
          .limit(LIMIT + 1)
          .toArray();
      await loadInProcess(small, 2, connections);
      const floor = await loadInProcess(small, ctx.seconds, connections);
      lines.push(`  first page from a collection of the overview's fields only (not the service's design), ${connections} connection(s):`);
      lines.push(`    ${row('driver', floor)}`);
      figures[`overview_only_collection_c${connections}`] = { floor };
    }
    return { name: 'fleet-drift', lines, figures };
  } finally {
    await client.close();
  }
}

type SnapshotDocument = Document & { _id: string };

const idOf = (n: number) => `f${n.toString(16).padStart(23, '0')}`;
const ratio = (gateway: LoadResult, floor: LoadResult) => round(gateway.latency_p99_ms / Math.max(floor.latency_p99_ms, 1));

/** Snapshots as the comparator stores them: a third drifted, one in fifty with a failed collection. */
async function seed(snapshots: Collection<SnapshotDocument>, project: string): Promise<void> {
  const docs = Array.from({ length: DATABASES }, (_, n) => {
    const drift = n % 3 === 0;
    const failed = n % 50 === 0 ? 1 : 0;
    return {
      _id: idOf(n),
      version: 1,
      compared_at: new Date(),
      result_deflated: new Binary(deflateSync(bodyOf(n))),
      result_hash: 'h'.repeat(43),
      drift,
      fingerprint: n.toString(16).padStart(16, '0'),
      announced_changes: drift ? [{ collection: 'c0', index: 'extra_1', change: 'redundant' }] : [],
      project_id: project,
      database_name: `fleet ${n}`,
      db_name: `fleet_${n}`,
      totals: {
        collections: COLLECTIONS,
        failed_collections: failed,
        not_found_collections: 0,
        missing: drift ? 1 : 0,
        matched: COLLECTIONS * INDEXES_PER_COLLECTION,
        name_differs: 0,
        redundant: 0,
        different: 0,
      },
    };
  });
  for (let i = 0; i < docs.length; i += 100) await snapshots.insertMany(docs.slice(i, i + 100));
}

/** A compare's JSON of 20 collections × 5 matched indexes, each in both forms, as the tracker stores it. */
function bodyOf(n: number): string {
  const index = (c: number, i: number) => {
    const name = `f${i}_1_g${c}_${n}_-1`;
    const forms = {
      name,
      canonical: {
        key: [
          [`f${i}`, 1],
          [`g${c}`, -1],
        ],
      },
      mongodb: { key: { [`f${i}`]: 1, [`g${c}`]: -1 }, name },
    };
    return { desired: forms, real: forms, name_differs: false };
  };
  const collections = Array.from({ length: COLLECTIONS }, (_, c) => ({
    collection: `c${c}`,
    status: 'ok',
    collection_exists: true,
    missing: [],
    matched: Array.from({ length: INDEXES_PER_COLLECTION }, (_, i) => index(c, i)),
    redundant: [],
    different: [],
  }));
  return JSON.stringify({ database_id: idOf(n), db_name: `fleet_${n}`, source: 'live', collections });
}
