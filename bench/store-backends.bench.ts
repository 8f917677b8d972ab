import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Binary, type Db, type Document, MongoClient, ObjectId } from 'mongodb';
import { readNewestFirst } from '../apps/audit/src/entries/audit-bucket';
import { startFerretDb, type FerretDbHandle } from '../tools/infra/ferretdb';
import { FERRETDB_DATABASE, prepareFerretDbDatabase } from '../tools/infra/ferretdb-postgres';
import { startPostgres } from '../tools/infra/postgres';
import type { BenchContext, BenchResult } from './context';
import { definitionDoc } from './definition-doc';

const DATABASES = Number(process.env.BENCH_STORE_DATABASES ?? 1_000);
const COLLECTIONS = 20;
const PER_COLLECTION = Number(process.env.BENCH_STORE_PER_COLLECTION ?? 5);
const AUDIT_ENTRIES = Number(process.env.BENCH_STORE_AUDIT ?? 20_000);
const ROUNDS = Number(process.env.BENCH_STORE_ROUNDS ?? 15);
const PROJECTS = 10;
/** Busy minutes (a fleet's registrations) of the audit trail apart: each holds this many entries of the ten projects. */
const FULL_MINUTES = 3;
const FULL_PER_MINUTE = Number(process.env.BENCH_STORE_AUDIT_PER_MINUTE ?? 3_000);
/** Pages read at once for the figures at ten connections (the round is the slowest of them). */
const CONNECTIONS = 10;
/** `sqlite,postgresql` (both, the default) or one of them: the SQLite rows of a fleet take minutes. */
const BACKENDS = (process.env.BENCH_STORE_BACKENDS ?? 'sqlite,postgresql').split(',');
/** Projects the audit service walks at once for a caller in several (AuditBucketReader). */
const PROJECTS_AT_ONCE = 4;
/** Only the queries whose name holds this (`busy minutes`, say): a figure measured again without the rest. */
const QUERIES = process.env.BENCH_STORE_QUERIES ?? '';
/** A query that takes seconds on one backend stops after this much of its time (three rounds at least). */
const QUERY_BUDGET_MS = 60_000;

/** The indexes the services' schemas declare on these collections (their models). */
const INDEXES: Record<string, { key: Document; unique?: boolean }[]> = {
  databases: [{ key: { project_id: 1, name_key: 1 }, unique: true }],
  index_definitions: [
    { key: { database_id: 1, collection: 1, name: 1 }, unique: true },
    { key: { database_id: 1, collection: 1, key_signature: 1 }, unique: true },
  ],
  drift_snapshots: [{ key: { project_id: 1, _id: 1 } }],
  audit_entries: [
    { key: { project_id: 1, at: -1 } },
    { key: { at: -1 } },
    { key: { bucket: 1 } },
    { key: { minute: 1 } },
    { key: { second: 1 } },
  ],
  audit_calendar: [{ key: { parent: 1 } }],
};

interface Store {
  readonly name: 'sqlite' | 'postgresql';
  readonly db: Db;
  /** The audit trail of busy minutes alone. */
  readonly busy: Db;
}

/**
 * The services' own store at fleet size on FerretDB 1.24 over SQLite and over PostgreSQL (with the
 * GIN twins, tools/infra/ferretdb-postgres.ts), the same documents in both, each query the services
 * send timed on both in alternating rounds (the machine's load moves; the ratio of one round is
 * what compares). Starts its own PostgreSQL and two FerretDB servers; the running system is unused.
 */
export async function storeBackendsBench(ctx: Pick<BenchContext, 'dir'>): Promise<BenchResult> {
  const dir = join(ctx.dir, `store-${randomBytes(3).toString('hex')}`);
  const started: FerretDbHandle[] = [];
  const pg = await startPostgres({ dataDir: join(dir, 'postgres'), logFile: join(dir, 'postgres.log'), throwaway: true });
  const clients: MongoClient[] = [];
  try {
    started.push(await startFerretDb({ dataDir: join(dir, 'sqlite'), logFile: join(dir, 'ferretdb-sqlite.log') }));
    const pgStore = await prepareFerretDbDatabase(pg.url, FERRETDB_DATABASE);
    started.push(await startFerretDb({ postgresUrl: pgStore, logFile: join(dir, 'ferretdb-pg.log') }));
    const stores: Store[] = [];
    for (const [index, name] of (['sqlite', 'postgresql'] as const).entries()) {
      if (!BACKENDS.includes(name)) continue;
      const client = await MongoClient.connect(started[index].uri, { serverSelectionTimeoutMS: 10_000 });
      clients.push(client);
      stores.push({ name, db: client.db('bench_store'), busy: client.db('bench_store_busy') });
    }
    const lines = [
      `store backends: ${DATABASES} databases, ${DATABASES * COLLECTIONS * PER_COLLECTION} definitions, ${AUDIT_ENTRIES} audit entries`,
    ];
    const figures: Record<string, unknown> = { databases: DATABASES, definitions: DATABASES * COLLECTIONS * PER_COLLECTION };
    const seeded = seedDocuments();
    const busy = seedBusyMinutes(seeded.projects);
    lines.push(`  busy minutes: ${FULL_MINUTES} of ${FULL_PER_MINUTE} audit entries each, ${PROJECTS} projects`);
    for (const store of stores) {
      const startedAt = performance.now();
      await seed(store.db, seeded);
      await seed(store.busy, { ...busy, databases: [], definitions: [], sets: [], snapshots: [] });
      const seconds = Math.round((performance.now() - startedAt) / 100) / 10;
      lines.push(`  seed on ${store.name}: ${seconds} s`);
      figures[`seed_s_${store.name}`] = seconds;
    }
    for (const query of queries(seeded).filter(({ name }) => name.includes(QUERIES))) {
      const times: Record<string, number[]> = { sqlite: [], postgresql: [] };
      const queryStart = performance.now();
      for (let round = 0; round < ROUNDS && (round < 3 || performance.now() - queryStart < QUERY_BUDGET_MS); round += 1) {
        for (const store of round % 2 === 0 ? stores : [...stores].reverse()) {
          const t = performance.now();
          await query.run(store.db, store.busy);
          times[store.name].push(performance.now() - t);
        }
      }
      if (stores.length === 1) {
        const only = summary(times[stores[0].name]);
        lines.push(`  ${query.name}: ${stores[0].name} p50 ${only.p50} p99 ${only.p99} ms`);
        figures[query.name.replace(/[^a-z0-9]+/gi, '_')] = { [stores[0].name]: only };
        continue;
      }
      const [sqlite, postgresql] = [summary(times.sqlite), summary(times.postgresql)];
      lines.push(
        `  ${query.name}: sqlite p50 ${sqlite.p50} p99 ${sqlite.p99} ms; postgresql p50 ${postgresql.p50} p99 ${postgresql.p99} ms (${ratio(sqlite.p50, postgresql.p50)} faster)`,
      );
      figures[query.name.replace(/[^a-z0-9]+/gi, '_')] = { sqlite, postgresql };
    }
    return { name: 'store-backends', lines, figures };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    for (const ferret of started) await ferret.process.stop();
    await pg.process.stop();
  }
}

interface Seeded {
  databases: Document[];
  definitions: Document[];
  sets: Document[];
  snapshots: Document[];
  audit: Document[];
  calendar: Document[];
  projects: string[];
}

function seedDocuments(): Seeded {
  const now = new Date();
  const projects = Array.from({ length: PROJECTS }, () => new ObjectId().toHexString());
  const seeded: Seeded = { databases: [], definitions: [], sets: [], snapshots: [], audit: [], calendar: [], projects };
  for (let d = 0; d < DATABASES; d += 1) {
    const _id = new ObjectId();
    const name = `fleet-${String(d).padStart(4, '0')}`;
    const project_id = projects[d % PROJECTS];
    seeded.databases.push({
      _id,
      name,
      name_key: name,
      project_id,
      db_name: 'shop',
      uri_sealed: randomBytes(300).toString('base64'),
      definitions_version: 1,
    });
    const own: Document[] = [];
    for (let c = 0; c < COLLECTIONS; c += 1) {
      for (let i = 0; i < PER_COLLECTION; i += 1)
        own.push(definitionDoc(_id.toHexString(), `c${String(c).padStart(2, '0')}`, { [`field_${i}`]: 1 }, now));
    }
    seeded.definitions.push(...own);
    seeded.sets.push({ _id, version: 1, definitions: own, built_at: now });
    seeded.snapshots.push({
      _id: _id.toHexString(),
      version: 1,
      compared_at: now,
      result_deflated: new Binary(randomBytes(2_000)),
      drift: d % 10 === 0,
      fingerprint: randomBytes(16).toString('hex'),
      project_id,
      database_name: name,
      db_name: 'shop',
      totals: {
        collections: COLLECTIONS,
        missing: d % 10 === 0 ? 1 : 0,
        matched: COLLECTIONS * PER_COLLECTION,
        redundant: 0,
        different: 0,
      },
    });
  }
  const calendar = new Map<string, Document>();
  for (let a = 0; a < AUDIT_ENTRIES; a += 1) {
    const at = new Date(now.getTime() - a * 1_000);
    const project_id = projects[a % PROJECTS];
    // As the audit service files them (apps/audit/src/entries/audit-bucket.ts, audit-calendar.model.ts).
    const [day, hour, minute] = [10, 13, 16].map((length) => at.toISOString().slice(0, length));
    calendar.set(`${project_id}:${day}`, { _id: `${project_id}:${day}`, parent: project_id, day });
    calendar.set(`${project_id}:${hour}`, { _id: `${project_id}:${hour}`, parent: `${project_id}:${day}`, day });
    calendar.set(`${project_id}:${minute}`, { _id: `${project_id}:${minute}`, parent: `${project_id}:${hour}`, day });
    // The calendar of every project's entries, which the merged lane walks.
    calendar.set(`*:${day}`, { _id: `*:${day}`, parent: '*', day });
    calendar.set(`*:${hour}`, { _id: `*:${hour}`, parent: `*:${day}`, day });
    calendar.set(`*:${minute}`, { _id: `*:${minute}`, parent: `*:${hour}`, day });
    seeded.audit.push({
      _id: new ObjectId().toHexString(),
      at,
      project_id,
      action: 'index.created',
      actor: { id: projects[0], kind: 'user' },
      target: { database_id: seeded.databases[a % DATABASES]._id.toHexString() },
      bucket: `${project_id}:${minute}`,
      minute,
    });
  }
  seeded.calendar = [...calendar.values()];
  return seeded;
}

/**
 * FULL_MINUTES busy minutes (apart, closed) of FULL_PER_MINUTE audit entries each, spread over the
 * minute and the ten projects, filed as the audit service files them: minute buckets and seconds,
 * the calendar's seconds (in `*`) and every minute split (apps/audit/src/entries/audit-bucket.ts).
 */
function seedBusyMinutes(projects: string[]): Pick<Seeded, 'audit' | 'calendar' | 'projects'> {
  const audit: Document[] = [];
  const calendar = new Map<string, Document>();
  const first = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
  for (let m = 0; m < FULL_MINUTES; m += 1) {
    for (let i = 0; i < FULL_PER_MINUTE; i += 1) {
      const at = new Date(first + m * 5 * 60_000 + Math.floor((i * 60_000) / FULL_PER_MINUTE));
      const project_id = projects[i % PROJECTS];
      const [day, hour, minute, second] = [10, 13, 16, 19].map((length) => at.toISOString().slice(0, length));
      for (const scope of [project_id, '*']) {
        calendar.set(`${scope}:${day}`, { _id: `${scope}:${day}`, parent: scope, day });
        calendar.set(`${scope}:${hour}`, { _id: `${scope}:${hour}`, parent: `${scope}:${day}`, day });
        calendar.set(`${scope}:${minute}`, { _id: `${scope}:${minute}`, parent: `${scope}:${hour}`, day });
        calendar.set(`${scope}:${minute}/s`, { _id: `${scope}:${minute}/s`, parent: `${scope}:${hour}/s`, day });
      }
      calendar.set(`*:${second}`, { _id: `*:${second}`, parent: `*:${minute}`, day });
      const id = new ObjectId().toHexString();
      audit.push({
        _id: randomBytes(16).toString('hex'),
        at,
        action: 'database.registered',
        outcome: 'succeeded',
        actor: { kind: 'user', id: projects[0], name: 'fleet-owner' },
        project_id,
        target: { kind: 'database', id, name: `fleet ${id}` },
        request_id: randomBytes(16).toString('hex'),
        client_address: '127.0.0.1',
        service: 'registry',
        bucket: `${project_id}:${minute}`,
        minute,
        second,
        details_json: JSON.stringify({ db_name: `fleet_${id}`, uri: `mongodb://127.0.0.1:27017/fleet_${id}` }),
      });
    }
  }
  return { audit, calendar: [...calendar.values()], projects };
}

async function seed(db: Db, seeded: Seeded): Promise<void> {
  for (const [collection, indexes] of Object.entries(INDEXES)) {
    for (const index of indexes) await db.collection(collection).createIndex(index.key, { unique: index.unique ?? false });
  }
  const batches: [string, Document[], number][] = [
    ['databases', seeded.databases, 500],
    ['index_definitions', seeded.definitions, 2_000],
    ['definition_sets', seeded.sets, 50],
    ['drift_snapshots', seeded.snapshots, 500],
    ['audit_entries', seeded.audit, 2_000],
    ['audit_calendar', seeded.calendar, 500],
  ];
  for (const [collection, docs, size] of batches) {
    for (let i = 0; i < docs.length; i += size) await db.collection(collection).insertMany(docs.slice(i, i + size));
  }
}

function queries(seeded: Seeded): { name: string; run: (db: Db, busy: Db) => Promise<unknown> }[] {
  const middle = seeded.databases[Math.floor(seeded.databases.length / 2)];
  const project = seeded.projects[3];
  const byCollection = { database_id: middle._id, collection: 'c07' };
  const inProject = { project_id: { $in: [project] } };
  // One replica's copy of the closed calendar, kept across rounds as the service keeps it.
  const mergedCache = new Map<string, string[]>();
  const [wholeCache, splitCache] = [new Map<string, string[]>(), new Map<string, string[]>()];
  const atOnce = (page: () => Promise<unknown>) => Promise.all(Array.from({ length: CONNECTIONS }, page));
  return [
    {
      name: 'audit first page, ten projects, busy minutes read whole (before split minutes)',
      run: (_db, busy) => mergedPage(busy, seeded.projects, undefined, wholeCache),
    },
    {
      name: 'audit first page, ten projects, busy minutes read by their seconds (split minutes)',
      run: (_db, busy) => mergedPage(busy, seeded.projects, undefined, splitCache, true),
    },
    {
      name: `audit first page, ten projects, busy minutes read whole, ${CONNECTIONS} at once (the slowest)`,
      run: (_db, busy) => atOnce(() => mergedPage(busy, seeded.projects, undefined, wholeCache)),
    },
    {
      name: `audit first page, ten projects, busy minutes read by their seconds, ${CONNECTIONS} at once (the slowest)`,
      run: (_db, busy) => atOnce(() => mergedPage(busy, seeded.projects, undefined, splitCache, true)),
    },
    {
      name: 'audit first page, one project, busy minutes read whole (before split minutes)',
      run: (_db, busy) => bucketedPage(busy, [project], undefined),
    },
    {
      name: 'audit first page, one project, busy minutes read by their seconds (split minutes)',
      run: (_db, busy) => bucketedPage(busy, [project], undefined, true),
    },
    { name: 'database by _id', run: (db) => db.collection('databases').findOne({ _id: middle._id }) },
    { name: "a database's definition set by _id", run: (db) => db.collection('definition_sets').findOne({ _id: middle._id }) },
    {
      name: 'databases page ($in project, sort, skip/limit, count)',
      run: (db) =>
        Promise.all([
          db.collection('databases').find(inProject).sort({ name_key: 1 }).limit(20).toArray(),
          db.collection('databases').countDocuments(inProject),
        ]),
    },
    {
      name: 'databases page (project equality, sort, limit, count)',
      run: (db) =>
        Promise.all([
          db.collection('databases').find({ project_id: project }).sort({ name_key: 1 }).limit(20).toArray(),
          db.collection('databases').countDocuments({ project_id: project }),
        ]),
    },
    {
      name: 'definitions by database+collection (find, sort, limit, count)',
      run: (db) =>
        Promise.all([
          db.collection('index_definitions').find(byCollection).sort({ name: 1 }).limit(20).toArray(),
          db.collection('index_definitions').countDocuments(byCollection),
        ]),
    },
    {
      name: "a database's definitions (find by database_id)",
      run: (db) => db.collection('index_definitions').find({ database_id: middle._id }).toArray(),
    },
    {
      name: 'drift overview rows (the overview copy reload)',
      run: (db) =>
        db
          .collection('drift_snapshots')
          .find({ totals: { $exists: true } }, { projection: { result_deflated: 0 } })
          .toArray(),
    },
    {
      name: "one project's drift snapshots (project equality, no bodies)",
      run: (db) =>
        db
          .collection('drift_snapshots')
          .find({ project_id: project }, { projection: { result_deflated: 0 } })
          .toArray(),
    },
    {
      name: 'audit first page (project equality, sort at, limit, count)',
      run: (db) =>
        Promise.all([
          db.collection('audit_entries').find({ project_id: project }).sort({ at: -1, _id: -1 }).limit(20).toArray(),
          db.collection('audit_entries').countDocuments({ project_id: project }),
        ]),
    },
    {
      name: 'audit first page, one project (minute buckets by equality, keyset)',
      run: (db) => bucketedPage(db, [project], undefined),
    },
    {
      name: 'audit next page, one project (minute buckets, after the 20th)',
      run: (db) => bucketedPage(db, [project], cursorOf(seeded.audit, project, 20)),
    },
    {
      name: 'audit deep page, one project (minute buckets, after the 1,000th)',
      run: (db) => bucketedPage(db, [project], cursorOf(seeded.audit, project, 1_000)),
    },
    {
      name: 'audit first page, ten projects (minute buckets per project, merged)',
      run: (db) => bucketedPage(db, seeded.projects, undefined),
    },
    {
      name: 'audit next page, ten projects (minute buckets, after the 20th)',
      run: (db) => bucketedPage(db, seeded.projects, cursorOf(seeded.audit, undefined, 20)),
    },
    {
      name: 'audit first page, ten projects (merged minute lane, closed calendar cached)',
      run: (db) => mergedPage(db, seeded.projects, undefined, mergedCache),
    },
    {
      name: 'audit next page, ten projects (merged minute lane, after the 20th)',
      run: (db) => mergedPage(db, seeded.projects, cursorOf(seeded.audit, undefined, 20), mergedCache),
    },
    {
      name: 'audit deep page, ten projects (merged minute lane, after the 1,000th)',
      run: (db) => mergedPage(db, seeded.projects, cursorOf(seeded.audit, undefined, 1_000), mergedCache),
    },
    {
      name: 'audit first page, every project (system administrator, merged minute lane)',
      run: (db) => mergedPage(db, undefined, undefined, mergedCache),
    },
    {
      name: 'audit first page ($in project, sort at, limit, count)',
      run: (db) =>
        Promise.all([
          db.collection('audit_entries').find(inProject).sort({ at: -1, _id: -1 }).limit(20).toArray(),
          db.collection('audit_entries').countDocuments(inProject),
        ]),
    },
  ];
}

interface Cursor {
  at: Date;
  id: string;
}

/** The position of the `nth` newest entry (of `project`, or of all): where a keyset page after it starts. */
function cursorOf(audit: Document[], project: string | undefined, nth: number): Cursor | undefined {
  const entries = audit.filter((entry) => project === undefined || entry.project_id === project);
  const entry = entries[Math.min(nth, entries.length) - 1];
  return entry && { at: entry.at as Date, id: entry._id as string };
}

/**
 * A page of 20 newest first after `after`, as the audit service reads it (AuditBucketReader): per
 * project its calendar depth first (days, a day's hours, an hour's minutes), then minute buckets by
 * equality until 21 are found, the projects merged.
 */
async function bucketedPage(db: Db, projects: string[], after: Cursor | undefined, splitReads = false): Promise<Document[]> {
  const want = 21;
  const keyset: Document = after ? { $or: [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }] } : {};
  const newest = after?.at.toISOString();
  const ofProject = async (project: string): Promise<Document[]> => {
    const found: Document[] = [];
    const childrenOf = async (scope: string, parent: string | undefined): Promise<string[]> =>
      (
        await db
          .collection<{ _id: string }>('audit_calendar')
          .find({ parent: parent === undefined ? scope : `${scope}:${parent}` }, { projection: { _id: 1 } })
          .toArray()
      )
        .map((doc) => doc._id.slice(scope.length + 1))
        .filter((time) => newest === undefined || time <= newest.slice(0, time.length))
        .sort()
        .reverse();
    const walk = async (parent: string | undefined, level: number): Promise<void> => {
      // An hour's split minutes are marked apart from its minutes (`<hour>/s`), read at once.
      const [children, marks] = await Promise.all([
        childrenOf(project, parent),
        splitReads && level === 2 ? childrenOf(project, `${parent}/s`) : [],
      ]);
      const split = new Set(marks.map((mark) => mark.slice(0, -2)));
      for (const time of children) {
        if (level < 2) await walk(time, level + 1);
        else {
          // A split minute: its seconds (every project's calendar holds them), each by second and project.
          const reads = splitReads && split.has(time) ? await childrenOf('*', time) : [time];
          await readNewestFirst(reads, found, want, (read, limit) => {
            const lane = read.length === 19 ? { second: read, project_id: project } : { bucket: `${project}:${read}` };
            return db
              .collection('audit_entries')
              .find({ ...lane, ...keyset })
              .sort({ at: -1, _id: -1 })
              .limit(limit)
              .toArray();
          });
          if (found.length >= want) return;
        }
        if (found.length >= want) return;
      }
    };
    await walk(undefined, 0);
    return found;
  };
  const perProject: Document[][] = [];
  for (let i = 0; i < projects.length; i += PROJECTS_AT_ONCE)
    perProject.push(...(await Promise.all(projects.slice(i, i + PROJECTS_AT_ONCE).map(ofProject))));
  const merged = perProject.flat().sort((a, b) => (b.at as Date).getTime() - (a.at as Date).getTime() || (a._id < b._id ? 1 : -1));
  if (merged.length < Math.min(want, AUDIT_ENTRIES)) throw new Error(`a bucketed audit page found ${merged.length} entries`);
  return merged.slice(0, 20);
}

/** A calendar day or hour is closed (its children cached) once it ended this long ago (AuditCalendarCopy). */
const CLOSED_AFTER_MS = 5 * 60_000;

/**
 * A page of 20 newest first after `after`, as the audit service reads a caller in several projects
 * (AuditMergedReader): the calendar of every project's entries (`*`) newest first, the children of
 * closed days and hours from this replica's copy (valid while `#late` is unchanged, read beside the
 * days), then the minutes' entries of every project by one equality on `minute`, the reach filtered
 * by FerretDB within them. `projects` undefined: every project (a system administrator).
 */
async function mergedPage(
  db: Db,
  projects: string[] | undefined,
  after: Cursor | undefined,
  cache: Map<string, string[]>,
  splitReads = false,
): Promise<Document[]> {
  const want = 21;
  const keyset: Document = after ? { $or: [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }] } : {};
  const reach: Document = projects === undefined ? {} : { project_id: { $in: projects } };
  const newest = after?.at.toISOString();
  const calendar = db.collection<{ _id: string; token?: string }>('audit_calendar');
  const childrenOf = async (parent: string): Promise<string[]> =>
    (await calendar.find({ parent }, { projection: { _id: 1 } }).toArray())
      .map((doc) => doc._id.slice(2))
      .sort()
      .reverse();
  const [late, days] = await Promise.all([calendar.findOne({ _id: '#late' }), childrenOf('*')]);
  if ((late?.token ?? '') !== (cache.get('#late')?.[0] ?? '')) cache.clear();
  cache.set('#late', [late?.token ?? '']);
  const closedBefore = new Date(Date.now() - CLOSED_AFTER_MS).toISOString();
  const found: Document[] = [];
  const inNewest = (t: string) => newest === undefined || t <= newest.slice(0, t.length);
  // A day, hour or minute is closed once its end (the next one's start) is before the bound.
  const copied = async (time: string, suffix = ''): Promise<string[]> => {
    const closed = nextOf(time) <= closedBefore;
    let children = closed ? cache.get(`${time}${suffix}`) : undefined;
    if (!children) {
      children = await childrenOf(`*:${time}${suffix}`);
      if (closed) cache.set(`${time}${suffix}`, children);
    }
    return children;
  };
  const walk = async (times: string[], level: number, split: Set<string>): Promise<void> => {
    for (const time of times.filter(inNewest)) {
      if (level === 2) {
        // A split minute is read by its seconds, each by one equality on `second`.
        const reads = splitReads && split.has(time) ? (await copied(time)).filter(inNewest) : [time];
        await readNewestFirst(reads, found, want, (read, limit) =>
          db
            .collection('audit_entries')
            .find({ [read.length === 19 ? 'second' : 'minute']: read, ...reach, ...keyset })
            .sort({ at: -1, _id: -1 })
            .limit(limit)
            .toArray(),
        );
      } else {
        // An hour's split minutes are marked apart from its minutes (`<hour>/s`), read at once.
        const [children, marks] = await Promise.all([copied(time), splitReads && level === 1 ? copied(time, '/s') : []]);
        await walk(children, level + 1, new Set(marks.map((mark) => mark.slice(0, -2))));
      }
      if (found.length >= want) return;
    }
  };
  await walk(days, 0, new Set());
  if (found.length < Math.min(want, AUDIT_ENTRIES)) throw new Error(`a merged audit page found ${found.length} entries`);
  return found.slice(0, 20);
}

/** The start of the day, hour or minute after `time` (`2026-12-02`, `2026-12-02T03` or `2026-12-02T03:04`), as an ISO string. */
function nextOf(time: string): string {
  const start = new Date(`${time}${'0000-01-01T00:00:00.000Z'.slice(time.length)}`);
  const length: Record<number, number> = { 10: 86_400_000, 13: 3_600_000, 16: 60_000 };
  return new Date(start.getTime() + length[time.length]).toISOString();
}

function summary(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
  return { p50: at(0.5), p99: at(0.99) };
}

function ratio(before: number, after: number): string {
  return `${(before / Math.max(after, 0.1)).toFixed(1)}×`;
}
