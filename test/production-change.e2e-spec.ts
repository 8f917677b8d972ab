// The safe path for a production change, end to end through the gateway, with the index set of the
// company's MongoDB guide (cases, alerts, users, audit_logs: compound, unique, text, TTL, partial and
// wildcard indexes): the manifest from git dry-run in CI with the ETag, applied with If-Match, the plan
// reviewed (the steps this server will refuse marked), synced, broken by hand, and fixed by a sync that
// a second person approves, every change on the audit trail. On the embedded FerretDB 1.x the text,
// TTL, partial and wildcard indexes cannot be built: the plan marks them and the sync skips them, so
// they stay missing; on MongoDB (MONGODB_URI) every index is built.
import type { MongoClient } from 'mongodb';
import {
  authedApi,
  type AuthedApi,
  createTargetDatabase,
  eventually,
  loggedInUser,
  login,
  mongoClient,
  registerUser,
  suffix,
} from './support/e2e-client';

interface Operation {
  kind: string;
  collection: string;
  index: string;
  unsupported?: string;
}
interface SyncView {
  status: string;
  steps: { status: string; operation: Operation }[];
  approval?: { state: string };
}
interface SummaryCollection {
  collection: string;
  missing: { name: string }[];
  redundant: { name: string }[];
  different: { name: string }[];
}

const onFerretDb = !process.env.MONGODB_URI;

/** The guide's indexes, as a team keeps them in git (names left to MongoDB's default where the guide gives none). */
const GUIDE = {
  cases: [
    {
      keys: [
        { field: 'status', value: 1 },
        { field: 'severity', value: -1 },
      ],
    },
    { keys: [{ field: 'assignee', value: 1 }], options: { partial_filter_expression: { resolved: false } } },
    {
      name: 'cases_text',
      keys: [
        { field: 'title', value: 'text' },
        { field: 'description', value: 'text' },
      ],
    },
  ],
  alerts: [
    {
      keys: [
        { field: 'case_id', value: 1 },
        { field: 'created_at', value: -1 },
      ],
    },
    // `background` is what guides still write: accepted with a warning, and ignored (as MongoDB 4.2+ does).
    { keys: [{ field: 'created_at', value: 1 }], options: { expire_after_seconds: 7_776_000, background: true } },
  ],
  users: [
    { keys: [{ field: 'email', value: 1 }], options: { is_unique: true } },
    {
      keys: [
        { field: 'tenant', value: 1 },
        { field: 'name', value: 1 },
      ],
    },
  ],
  audit_logs: [
    {
      keys: [
        { field: 'actor', value: 1 },
        { field: 'at', value: -1 },
      ],
    },
    { keys: [{ field: '$**', value: 1 }], options: { wildcard_projection: { details: 1 } } },
  ],
};
/** What FerretDB 1.x cannot build: the plan marks these steps, the sync skips them. */
const UNBUILDABLE_ON_FERRETDB = ['alerts.created_at_1', 'audit_logs.$**_1', 'cases.assignee_1', 'cases.cases_text'];

let ann: AuthedApi; // the project's admin, who changes and syncs
let olga: AuthedApi; // a second operator, who approves
let projectId: string;
let mongo: MongoClient;
let database: { id: string; name: string; dbName: string };

beforeAll(async () => {
  const admin = await loggedInUser('admin');
  ann = authedApi(admin.tokens.access_token);
  projectId = admin.projectId;
  const second = await registerUser();
  expect((await ann.put(`/projects/${projectId}/members/${second.profile.id}`).send({ role: 'operator' })).status).toBe(200);
  olga = authedApi((await login(second)).access_token);

  mongo = await mongoClient();
  const dbName = `guide_${suffix()}`;
  await mongo
    .db(dbName)
    .collection('users')
    .insertMany([{ email: 'a@example.com' }, { email: 'b@example.com' }]);
  const created = await createTargetDatabase(ann, { db_name: dbName, project_id: projectId, protected: true });
  database = { id: created.id, name: created.name, dbName };
});

afterAll(async () => {
  if (database) await mongo?.db(database.dbName).dropDatabase();
  await mongo?.close();
});

async function summary(): Promise<Record<string, SummaryCollection>> {
  const res = await ann.post('/indexes/compare-by-database?view=summary').send({ database_id: database.id });
  expect(res.status).toBe(200);
  const collections = (res.body as { collections: SummaryCollection[] }).collections;
  return Object.fromEntries(collections.map((c) => [c.collection, c]));
}

const names = (collections: Record<string, SummaryCollection>, list: 'missing' | 'redundant' | 'different'): string[] =>
  Object.values(collections)
    .flatMap((c) => c[list].map((i) => `${c.collection}.${i.name}`))
    .sort();

async function finished(client: AuthedApi, syncId: string): Promise<SyncView> {
  let view: SyncView = { status: 'pending', steps: [] };
  await eventually(
    async () => {
      view = (await client.get(`/indexes/sync-status/${syncId}`)).body as SyncView;
      return !['pending', 'running', 'awaiting_approval'].includes(view.status);
    },
    30_000,
    200,
  );
  return view;
}

async function liveIndexes(collection: string): Promise<string[]> {
  return (await mongo.db(database.dbName).collection(collection).listIndexes().toArray()).map((i) => i.name as string).sort();
}

describe('a production change, the safe way', () => {
  it('CI dry-runs the manifest with the ETag, then applies it with If-Match; the answer says what it ignored', async () => {
    const got = await ann.get(`/databases/${database.id}/manifest`);
    expect(got.status).toBe(200);
    const etag = got.headers.etag as string;
    const manifest = { version: 1, database: { name: database.name, db_name: database.dbName }, collections: GUIDE };

    const dry = await ann.put(`/databases/${database.id}/manifest?dry_run=true`).set('If-Match', etag).send(manifest);
    expect(dry.status).toBe(200);
    expect(dry.body.created).toHaveLength(9);
    expect(dry.headers.etag).toBe(etag);
    expect(JSON.stringify(dry.body.warnings)).toContain('background');

    // A manifest for another database is refused, whatever it holds.
    const elsewhere = { ...manifest, database: { name: database.name, db_name: 'otherdb' } };
    expect((await ann.put(`/databases/${database.id}/manifest`).set('If-Match', etag).send(elsewhere)).status).toBe(409);

    const applied = await ann.put(`/databases/${database.id}/manifest`).set('If-Match', etag).send(manifest);
    expect(applied.status).toBe(200);
    expect(applied.body.created).toHaveLength(9);
    // The same ETag again is stale: a second CI job with an old copy cannot overwrite this one.
    expect((await ann.put(`/databases/${database.id}/manifest`).set('If-Match', etag).send(manifest)).status).toBe(412);
  });

  it('the plan names the server and marks every step it will refuse, with the reason', async () => {
    const res = await ann.post('/indexes/plan').send({ database_id: database.id });
    expect(res.status).toBe(200);
    const operations = res.body.operations as Operation[];
    expect(operations.filter((op) => op.kind === 'create')).toHaveLength(9);
    const marked = operations.filter((op) => op.unsupported).map((op) => `${op.collection}.${op.index}`);
    if (onFerretDb) {
      expect(res.body.target).toMatchObject({ server: 'ferretdb' });
      expect(marked.sort()).toEqual(UNBUILDABLE_ON_FERRETDB);
    } else {
      expect(marked).toEqual([]);
    }
  });

  it('a sync that only creates needs no approval, even on a protected database, and skips what the server cannot build', async () => {
    const asked = await ann.post('/indexes/sync-by-database').send({ database_id: database.id });
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('pending');
    const view = await finished(ann, asked.body.sync_id as string);
    expect(view.status).toBe('completed');
    const skipped = view.steps.filter((s) => s.status === 'skipped').map((s) => `${s.operation.collection}.${s.operation.index}`);
    expect(skipped.sort()).toEqual(onFerretDb ? UNBUILDABLE_ON_FERRETDB : []);
    expect(await liveIndexes('users')).toEqual(['_id_', 'email_1', 'tenant_1_name_1']);

    const compared = await summary();
    expect(names(compared, 'missing')).toEqual(onFerretDb ? UNBUILDABLE_ON_FERRETDB : []);
    expect(names(compared, 'redundant')).toEqual([]);
    expect(names(compared, 'different')).toEqual([]);
  });

  it('a change made by hand shows as drift; its fix drops an index, so it waits for a second person', async () => {
    await mongo.db(database.dbName).collection('users').dropIndex('email_1');
    await mongo.db(database.dbName).collection('audit_logs').createIndex({ report: 1 }, { name: 'tmp_report_1' });
    const drift = await summary();
    expect(names(drift, 'missing')).toEqual([...(onFerretDb ? UNBUILDABLE_ON_FERRETDB : []), 'users.email_1'].sort());
    expect(names(drift, 'redundant')).toEqual(['audit_logs.tmp_report_1']);

    // The script for a person to run: it names the database and refuses any other.
    const script = await ann.post('/indexes/generate-script').send({ database_id: database.id, mode: 'plan' });
    expect(script.status).toBe(200);
    expect(JSON.stringify(script.body)).toContain(database.dbName);

    const asked = await ann.post('/indexes/sync-by-database').send({ database_id: database.id, hide_before_drop: false });
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('awaiting_approval');
    const syncId = asked.body.sync_id as string;
    expect((await ann.post(`/indexes/sync-status/${syncId}/approve`).send({})).status).toBe(403);
    const approved = await olga.post(`/indexes/sync-status/${syncId}/approve`).send({ comment: 'nothing reads tmp_report_1' });
    expect(approved.status).toBe(200);

    const view = await finished(ann, syncId);
    expect(view.status).toBe('completed');
    expect(view.approval).toMatchObject({ state: 'approved' });
    expect(await liveIndexes('users')).toEqual(['_id_', 'email_1', 'tenant_1_name_1']);
    expect(await liveIndexes('audit_logs')).not.toContain('tmp_report_1');
    expect(names(await summary(), 'redundant')).toEqual([]);
  });

  it('every change is on the audit trail, with who made it', async () => {
    const wanted = ['manifest.applied', 'sync.requested', 'sync.approved', 'sync.finished'];
    let actions: string[] = [];
    const found = await eventually(
      async () => {
        const res = await ann.get(`/audit?project_id=${projectId}&limit=100`);
        actions = (res.body.items as { action: string }[]).map((e) => e.action);
        return wanted.every((a) => actions.includes(a));
      },
      10_000,
      250,
    );
    expect(found).toBe(true);
    // The refused self-approval is there too, as denied; the approval is the second person's.
    const approvals = (await ann.get(`/audit?project_id=${projectId}&action=sync.approved`)).body.items as {
      outcome: string;
      actor: { name: string };
    }[];
    const annName = (await ann.get('/auth/profile')).body.username as string;
    const olgaName = (await olga.get('/auth/profile')).body.username as string;
    expect(approvals.map((e) => [e.outcome, e.actor.name]).sort()).toEqual(
      [
        ['denied', annName],
        ['succeeded', olgaName],
      ].sort(),
    );
  });
});
