import { definitionDoc } from './definition-doc';
import { MongoClient, ObjectId, type Document } from 'mongodb';
import type { BenchContext, BenchResult } from './context';
import { api } from './context';
import { assertClean, load, loadInProcess, row, type LoadRequest, type LoadResult } from './load';

const DATABASES = Number(process.env.BENCH_FLEET_DATABASES ?? 1_000);
const COLLECTIONS = 20;
const PER_COLLECTION = Number(process.env.BENCH_FLEET_PER_COLLECTION ?? 5);
const PAGE = { page: 1, limit: 20 };

/**
 * The registry's lists at fleet size: 1,000 databases of one project and 100,000 definitions (20
 * collections × 5 in each), seeded straight into the registry's collections (the API would take
 * hours to write them). Each list through the gateway, at 1 and BENCH_CONNECTIONS connections,
 * beside the query the registry sent before its definition sets (filter, sort, page and count by the
 * driver from this process): databases page, definitions of one collection, and a database's whole
 * design (manifest export: what a sync's plan and a compare read). Also the first read of a database
 * whose set was never built (read from the truth once), against the next one.
 */
export async function registryFleetBench(ctx: BenchContext): Promise<BenchResult> {
  const client = await MongoClient.connect(ctx.mongoUri);
  try {
    const registry = client.db(`${ctx.dbPrefix}_registry`);
    const template = (await api(ctx, 'POST', '/databases', {
      name: `fleet-template-${Date.now()}`,
      uri: ctx.mongoUri,
      db_name: 'fleet_target',
    })) as {
      id: string;
    };
    const ids = await seed(registry, template.id);
    const middle = ids[Math.floor(ids.length / 2)];
    const projectId = ((await registry.collection('databases').findOne({ _id: new ObjectId(template.id) })) as Document)
      .project_id as string;

    const lines = [`registry at fleet size: ${DATABASES} databases, ${DATABASES * COLLECTIONS * PER_COLLECTION} definitions`];
    const figures: Record<string, unknown> = { databases: DATABASES, definitions: DATABASES * COLLECTIONS * PER_COLLECTION };

    // Seeded behind the registry's back, no database has a set yet: the first read of each reads the truth.
    const cold = await firstAnswerMs(ctx, `/databases/${ids[1]}/manifest`);
    const warmStart = performance.now();
    await api(ctx, 'GET', `/databases/${ids[1]}/manifest`);
    const warm = Math.round(performance.now() - warmStart);
    lines.push(`  first read of a database whose set was never built: ${cold} ms (until the first answer); the next: ${warm} ms`);
    figures.first_read_ms = { cold, warm };
    await firstAnswerMs(ctx, `/databases/${middle}/manifest`);

    const definitions = registry.collection('index_definitions');
    const databases = registry.collection('databases');
    const byCollection = { database_id: new ObjectId(middle), collection: 'c07' };
    const inProject = { project_id: { $in: [projectId] } };
    const cases: { name: string; request: LoadRequest; floor: () => Promise<unknown> }[] = [
      {
        name: 'databases page',
        request: post(ctx, '/databases/list', PAGE),
        floor: () =>
          Promise.all([databases.find(inProject).sort({ name_key: 1 }).limit(PAGE.limit).toArray(), databases.countDocuments(inProject)]),
      },
      {
        name: 'definitions of a collection',
        request: post(ctx, '/indexes/list-by-collection', { database_id: middle, collection: 'c07', ...PAGE }),
        floor: () =>
          Promise.all([
            definitions.find(byCollection).sort({ name: 1 }).limit(PAGE.limit).toArray(),
            definitions.countDocuments(byCollection),
          ]),
      },
      {
        name: "a database's design (manifest)",
        request: { url: `${ctx.apiUrl}/databases/${middle}/manifest`, headers: { authorization: `Bearer ${ctx.accessToken}` } },
        floor: () =>
          definitions
            .find({ database_id: new ObjectId(middle) })
            .sort({ collection: 1, name: 1 })
            .toArray(),
      },
    ];
    for (const c of cases) {
      for (const connections of [1, ctx.connections]) {
        await load(c.request, 2, connections);
        const gateway = await load(c.request, ctx.seconds, connections);
        assertClean(gateway);
        // The floor's query reads every definition on FerretDB: a few seconds of it at 1 connection say enough.
        const floor = connections === 1 ? await loadInProcess(c.floor, Math.min(ctx.seconds, 5), 1) : undefined;
        lines.push(`  ${c.name}, ${connections} connection(s):`, `    ${row('gateway', gateway)}`);
        if (floor) lines.push(`    ${row('old query', floor)}`);
        figures[`${c.name.replace(/[^a-z]+/gi, '_')}_c${connections}`] = {
          gateway,
          ...(floor ? { old_query_driver: floor } : {}),
        } satisfies Record<string, LoadResult>;
      }
    }
    return { name: 'registry-fleet', lines, figures };
  } finally {
    await client.close();
  }
}

/**
 * Time until the path first answers: a read of the truth may outlast the gateway's 5 s, and the
 * registry finishes it (and stores the set) after the gateway gave up; asked again until it answers.
 */
async function firstAnswerMs(ctx: BenchContext, path: string): Promise<number> {
  const started = performance.now();
  for (let attempt = 0; ; attempt += 1) {
    try {
      await api(ctx, 'GET', path);
      return Math.round(performance.now() - started);
    } catch (error) {
      if (attempt === 30) throw error;
    }
  }
}

function post(ctx: BenchContext, path: string, body: unknown): LoadRequest {
  return {
    url: `${ctx.apiUrl}${path}`,
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** Copies of the template database (same project and connection), each with its definitions; answers their ids. */
async function seed(registry: ReturnType<MongoClient['db']>, templateId: string): Promise<string[]> {
  const template = (await registry.collection('databases').findOne({ _id: new ObjectId(templateId) })) as Document;
  const now = new Date();
  const ids: string[] = [];
  for (let start = 0; start < DATABASES; start += 100) {
    const databases: Document[] = [];
    const definitions: Document[] = [];
    for (let d = start; d < Math.min(start + 100, DATABASES); d += 1) {
      const _id = new ObjectId();
      const name = `fleet-${String(d).padStart(4, '0')}`;
      ids.push(_id.toHexString());
      databases.push({ ...template, _id, name, name_key: name, definitions_version: 0 });
      for (let c = 0; c < COLLECTIONS; c += 1) {
        for (let i = 0; i < PER_COLLECTION; i += 1) {
          definitions.push(definitionDoc(_id.toHexString(), `c${String(c).padStart(2, '0')}`, { [`field_${i}`]: 1 }, now));
        }
      }
    }
    await registry.collection('databases').insertMany(databases);
    // Written behind the registry's back: its copy of the list is read again once the list's version moves.
    await registry.collection('list_versions').updateOne({ _id: 'databases' as never }, { $inc: { version: 1 } }, { upsert: true });
    for (let i = 0; i < definitions.length; i += 2_000)
      await registry.collection('index_definitions').insertMany(definitions.slice(i, i + 2_000));
  }
  return ids;
}
