import { ObjectId, type Document, type MongoClient } from 'mongodb';
import type { BenchContext } from '../context';
import { loadInProcess, round, row, type LoadRequest, type LoadResult } from '../load';
import type { SeededRegistry } from './registry-seed';
import { collectionName, type FleetSizes } from './sizes';

/** The page size of the offset lists (the API's default) and of the drift overview. */
const PAGE = 20;
const DRIFT_PAGE = 50;
/** The overview's fields, as the comparator's repository projects them. */
const OVERVIEW_FIELDS = { project_id: 1, database_name: 1, db_name: 1, drift: 1, totals: 1, compared_at: 1 };

interface ListCase {
  readonly name: string;
  readonly request: LoadRequest;
  /** The same query sent by the driver to the store, as the service's repository sends it. */
  readonly floor: () => Promise<unknown>;
}

export interface ListFigures {
  readonly name: string;
  readonly connections: number;
  readonly gateway: LoadResult;
  readonly floor: LoadResult;
  readonly ratio_p99: number;
}

/** A list slower than this once is not warmed up, and sent once per connection: at 10 connections a run would queue for minutes. */
const SLOW_MS = 1_000;

/**
 * Every list and page the API offers, at 1 and 10 connections, each beside its floor: the
 * repository's query (filter, sort, skip, limit, and the count of an offset page) by the driver from
 * this process with the same concurrency, right after. Both sides run in the same loops
 * (loadInProcess), which wait for the requests under way: at 100,000 definitions a request may take
 * longer than the run, and autocannon would drop it while the store still works on it during the
 * floor's run. Failed requests are counted, not fatal: a list that times out is a figure too.
 */
export async function measureLists(
  ctx: BenchContext,
  store: MongoClient,
  sizes: FleetSizes,
  seeded: SeededRegistry,
): Promise<ListFigures[]> {
  const results: ListFigures[] = [];
  for (const list of listCases(ctx, store, seeded)) {
    const gatewayCall = () => send(list.request);
    const started = performance.now();
    await gatewayCall().catch(() => undefined);
    const warm = performance.now() - started < SLOW_MS;
    for (const connections of [1, 10]) {
      if (warm) await loadInProcess(gatewayCall, 2, connections);
      // A slow list is sent once per connection: its figures are those of `connections` requests at once.
      const seconds = warm ? sizes.listSeconds : 0;
      const gateway = await loadInProcess(gatewayCall, seconds, connections, { atLeastOnce: true });
      if (warm) await loadInProcess(list.floor, 2, connections);
      const floor = await loadInProcess(list.floor, seconds, connections, { atLeastOnce: true });
      results.push({
        name: list.name,
        connections,
        gateway,
        floor,
        ratio_p99: round(gateway.latency_p99_ms / Math.max(floor.latency_p99_ms, 1)),
      });
    }
  }
  return results;
}

/** One request through the gateway, its answer read in full; a non-2xx answer is an error. */
async function send(request: LoadRequest): Promise<void> {
  const response = await fetch(request.url, { method: request.method ?? 'GET', headers: request.headers, body: request.body });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${request.url} answered ${response.status}`);
}

export function listLines(results: readonly ListFigures[]): string[] {
  return results.flatMap((r) => [
    `  ${r.name}, ${r.connections} connection(s), p99 ${r.ratio_p99}x the floor:`,
    `    ${row('gateway', r.gateway)}`,
    `    ${row('driver', r.floor)}`,
  ]);
}

function listCases(ctx: BenchContext, store: MongoClient, seeded: SeededRegistry): ListCase[] {
  const registry = store.db(`${ctx.dbPrefix}_registry`);
  const comparator = store.db(`${ctx.dbPrefix}_comparator`);
  const databases = registry.collection('databases');
  const definitions = registry.collection('index_definitions');
  const snapshots = comparator.collection<Document & { _id: string }>('drift_snapshots');
  const audit = store.db(`${ctx.dbPrefix}_audit`).collection('audit_entries');
  const headers = { authorization: `Bearer ${ctx.accessToken}`, 'content-type': 'application/json' };
  const post = (path: string, body: unknown): LoadRequest => ({
    url: `${ctx.apiUrl}${path}`,
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const get = (path: string): LoadRequest => ({ url: `${ctx.apiUrl}${path}`, headers });
  const offsetPage = (collection: typeof databases, filter: Document, sort: Record<string, 1 | -1>, page: number) => () =>
    Promise.all([
      collection
        .find(filter)
        .sort(sort)
        .skip((page - 1) * PAGE)
        .limit(PAGE)
        .toArray(),
      collection.countDocuments(filter),
    ]);
  const overview = (filter: Document) => () =>
    snapshots
      .find({ totals: { $exists: true }, ...filter }, { projection: OVERVIEW_FIELDS })
      .sort({ _id: 1 })
      .limit(DRIFT_PAGE + 1)
      .toArray();
  const project = seeded.projectIds[0];
  const deepPage = Math.max(1, Math.floor(seeded.databaseIds.length / PAGE / 2));
  const someDatabase = seeded.databaseIds[Math.floor(seeded.databaseIds.length / 3)];
  const middle = [...seeded.databaseIds].sort()[Math.floor(seeded.databaseIds.length / 2)];
  return [
    {
      name: 'databases, first page',
      request: post('/databases/list', { page: 1, limit: PAGE }),
      floor: offsetPage(databases, {}, { name_key: 1 }, 1),
    },
    {
      name: 'databases, one project',
      request: post('/databases/list', { page: 1, limit: PAGE, project_id: project }),
      floor: offsetPage(databases, { project_id: { $in: [project] } }, { name_key: 1 }, 1),
    },
    {
      name: `databases, deep page ${deepPage}`,
      request: post('/databases/list', { page: deepPage, limit: PAGE }),
      floor: offsetPage(databases, {}, { name_key: 1 }, deepPage),
    },
    {
      name: 'definitions by collection',
      request: post('/indexes/list-by-collection', { database_id: someDatabase, collection: collectionName(0), page: 1, limit: PAGE }),
      floor: offsetPage(definitions, { database_id: new ObjectId(someDatabase), collection: collectionName(0) }, { name: 1 }, 1),
    },
    { name: 'drift overview, first page', request: get(`/drift?limit=${DRIFT_PAGE}`), floor: overview({}) },
    {
      name: 'drift overview, one project drifted',
      request: get(`/drift?project_id=${project}&state=drifted&limit=${DRIFT_PAGE}`),
      floor: overview({ project_id: { $in: [project] }, drift: true }),
    },
    {
      name: 'drift overview, deep page by cursor',
      request: get(`/drift?after=${middle}&limit=${DRIFT_PAGE}`),
      floor: overview({ _id: { $gt: middle } }),
    },
    // The default first page is a keyset page (no count), read bucket by bucket; its floor is still the offset page's query by the driver.
    { name: 'audit, first page', request: get(`/audit?limit=${PAGE}`), floor: offsetPage(audit, {}, { at: -1, _id: -1 }, 1) },
    {
      name: 'audit, first page with its total (count=true)',
      request: get(`/audit?limit=${PAGE}&count=true`),
      floor: offsetPage(audit, {}, { at: -1, _id: -1 }, 1),
    },
  ];
}
