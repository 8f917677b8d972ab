// Syncs that finish what they can, through the gateway on the embedded server: a refused index
// (a unique build over duplicate data) fails its own step with the server's error for that index
// while the indexes of other collections are built; `on_error: stop`; a retry after the fix; cancel
// of a queued and of a running sync; who may retry and cancel.
import { MongoClient } from 'mongodb';
import {
  authedApi,
  createTargetDatabase,
  loggedInUser,
  registerUser,
  login,
  suffix,
  systemAdminToken,
  targetMongoUri,
  tcpRelay,
  expectNoStackTrace,
  type AuthedApi,
} from './support/e2e-client';

interface SyncStep {
  number: number;
  status: string;
  error?: string;
  note?: string;
  blocked_by?: number;
  operation: { kind: string; collection: string; index: string };
}
interface SyncView {
  id: string;
  status: string;
  progress: number;
  error: string | null;
  steps: SyncStep[];
  options: { on_error: string };
  cancellation?: { by: { id: string; name?: string }; requested_at: string };
  retry_of?: string;
  retried_by?: string;
}

type Design = Record<string, { name: string; keys: { field: string; value: number }[]; options?: Record<string, unknown> }[]>;

const TERMINAL = ['completed', 'partially_failed', 'failed', 'cancelled', 'rejected'];

let mongo: MongoClient;
let owner: AuthedApi;
let ownerId: string;
let projectId: string;

beforeAll(async () => {
  mongo = await new MongoClient(targetMongoUri()).connect();
  const user = await loggedInUser('admin');
  owner = authedApi(user.tokens.access_token);
  ownerId = user.profile.id;
  projectId = user.projectId;
}, 60_000);

afterAll(async () => {
  await mongo?.close();
});

/** A registered target of the owner's project whose collections hold `docs`, with `design` as its DR. */
async function targetWithDesign(design: Design, docs: Record<string, object[]>, uri = targetMongoUri()) {
  const dbName = `resilience_${suffix()}`;
  for (const [collection, documents] of Object.entries(docs)) await mongo.db(dbName).collection(collection).insertMany(documents);
  const database = await createTargetDatabase(owner, { project_id: projectId, db_name: dbName, uri });
  const applied = await owner.put(`/databases/${database.id}/manifest`).send({ version: 1, collections: design });
  expect(applied.status).toBe(200);
  return { id: database.id, dbName };
}

async function waitForEnd(syncId: string, timeoutMs = 60_000): Promise<SyncView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await owner.get(`/indexes/sync-status/${syncId}`);
    expect(res.status).toBe(200);
    const view = res.body as SyncView;
    if (TERMINAL.includes(view.status)) return view;
    if (Date.now() > deadline) throw new Error(`sync ${syncId} still ${view.status} at ${view.progress}%`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const indexNames = async (dbName: string, collection: string) =>
  (await mongo.db(dbName).collection(collection).listIndexes().toArray()).map((i) => i.name as string).sort();

const plain = (field: string) => ({ name: `${field}_1`, keys: [{ field, value: 1 }] });
const unique = (field: string) => ({ name: `${field}_1`, keys: [{ field, value: 1 }], options: { is_unique: true } });

/** `accounts` holds a unique index its data refuses (two documents with ref 7); `alerts` and `users` are fine. */
const DESIGN: Design = {
  accounts: [plain('owner'), unique('ref'), plain('status')],
  alerts: [plain('severity')],
  users: [plain('email')],
};
const DOCS = {
  accounts: [
    { owner: 'a', ref: 7, status: 'open' },
    { owner: 'b', ref: 7, status: 'closed' },
    { owner: 'c', ref: 8, status: 'open' },
  ],
  alerts: [{ severity: 1 }],
  users: [{ email: 'x@example.com' }],
};

const stepOf = (view: SyncView, collection: string, index: string): SyncStep => {
  const step = view.steps.find((s) => s.operation.collection === collection && s.operation.index === index);
  if (!step) throw new Error(`no step for ${collection}.${index}`);
  return step;
};

describe('a sync with one refused index', () => {
  it('ends partially_failed: the refused index fails with its own error, every other index is built; a retry after the fix completes', async () => {
    const target = await targetWithDesign(DESIGN, DOCS);
    const started = await owner.post('/indexes/sync-by-database').send({ database_id: target.id });
    expect(started.status).toBe(202);
    const view = await waitForEnd(started.body.sync_id);
    expect(view.status).toBe('partially_failed');
    expect(view.options.on_error).toBe('continue');

    const refused = stepOf(view, 'accounts', 'ref_1');
    expect(refused.status).toBe('failed');
    // The server's error for that index: MongoDB's DuplicateKey (11000), FerretDB 1.x's InternalError (1) naming its
    // UNIQUE constraint (SQLite) or PostgreSQL's unique violation (SQLSTATE 23505).
    expect(refused.error).toMatch(
      /^(DuplicateKey \(11000\)|InternalError \(1\)): .*(ref_1|UNIQUE constraint|could not create unique index)/,
    );
    expectNoStackTrace(refused.error!);
    const others = view.steps.filter((s) => s !== refused);
    expect(others.map((s) => [s.operation.index, s.status, s.error])).toEqual(others.map((s) => [s.operation.index, 'done', undefined]));
    expect(others.map((s) => `${s.operation.collection}.${s.operation.index}`).sort()).toEqual([
      'accounts.owner_1',
      'accounts.status_1',
      'alerts.severity_1',
      'users.email_1',
    ]);
    expect(view.error).toMatch(new RegExp(`^1 of 5 steps failed: step ${refused.number} \\(create accounts\\.ref_1\\): `));
    expect(await indexNames(target.dbName, 'accounts')).toEqual(['_id_', 'owner_1', 'status_1']);
    expect(await indexNames(target.dbName, 'alerts')).toEqual(['_id_', 'severity_1']);
    expect(await indexNames(target.dbName, 'users')).toEqual(['_id_', 'email_1']);

    // Fixed: the duplicate goes; the retry is a new sync, planned afresh on `accounts` only.
    await mongo.db(target.dbName).collection('accounts').deleteOne({ owner: 'b' });
    const retry = await owner.post(`/indexes/sync-status/${view.id}/retry`).send({});
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ status: 'pending', database_id: target.id, retry_of: view.id });
    const retried = await waitForEnd(retry.body.sync_id);
    expect(retried).toMatchObject({ status: 'completed', error: null, retry_of: view.id });
    expect(retried.steps.map((s) => [s.operation.collection, s.operation.index, s.status])).toEqual([['accounts', 'ref_1', 'done']]);
    expect((await owner.get(`/indexes/sync-status/${view.id}`)).body).toMatchObject({ retried_by: retry.body.sync_id });
    expect(await indexNames(target.dbName, 'accounts')).toEqual(['_id_', 'owner_1', 'ref_1', 'status_1']);

    // A sync is retried once, and only after it ended not completed: 409 naming why.
    const again = await owner.post(`/indexes/sync-status/${view.id}/retry`).send({});
    expect(again.status).toBe(409);
    expect(again.body.details).toMatchObject({ sync_id: retry.body.sync_id });
    const completed = await owner.post(`/indexes/sync-status/${retry.body.sync_id}/retry`).send({});
    expect(completed.status).toBe(409);
    expect(completed.body.message).toContain('is completed');
    expect(completed.body.details).toEqual({ status: 'completed' });
  }, 120_000);

  it('with on_error stop, runs nothing after the refused index and records the rest not run', async () => {
    const target = await targetWithDesign(DESIGN, DOCS);
    const started = await owner.post('/indexes/sync-by-database').send({ database_id: target.id, on_error: 'stop' });
    expect(started.status).toBe(202);
    const view = await waitForEnd(started.body.sync_id);
    expect(view.options.on_error).toBe('stop');
    const failedAt = view.steps.findIndex((s) => s.status === 'failed');
    expect(failedAt).toBeGreaterThanOrEqual(0);
    expect(view.steps[failedAt].operation).toMatchObject({ collection: 'accounts', index: 'ref_1' });
    const after = view.steps.slice(failedAt + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s.status === 'not_run')).toBe(true);
    expect(view.status).toBe(view.steps.some((s) => s.status === 'done') ? 'partially_failed' : 'failed');
    // alerts and users come after accounts: untouched.
    expect(await indexNames(target.dbName, 'alerts')).toEqual(['_id_']);
    expect(await indexNames(target.dbName, 'users')).toEqual(['_id_']);
  }, 60_000);

  it('never blames a text index\'s refusal on its neighbour (the issue\'s IndexNotFound { title: "text" } on cases.assignee_1)', async () => {
    const design = {
      cases: [plain('assignee'), { name: 'title_text', keys: [{ field: 'title', value: 'text' as unknown as number }] }],
      audit: [plain('at')],
    };
    const target = await targetWithDesign(design, { cases: [{ assignee: 'a', title: 'x' }], audit: [{ at: 1 }] });
    const started = await owner.post('/indexes/sync-by-database').send({ database_id: target.id });
    const view = await waitForEnd(started.body.sync_id);
    expect(stepOf(view, 'cases', 'assignee_1')).toMatchObject({ status: 'done' });
    expect(stepOf(view, 'audit', 'at_1')).toMatchObject({ status: 'done' });
    const text = stepOf(view, 'cases', 'title_text');
    // Real MongoDB builds it; FerretDB 1.x refuses text indexes (IndexNotFound 27), or the plan marks it unsupported.
    if (text.status === 'failed') expect(text.error).toMatch(/^IndexNotFound \(27\): .*title/);
    else expect(['done', 'skipped']).toContain(text.status);
    expect(view.status).toBe(text.status === 'failed' ? 'partially_failed' : 'completed');
    expect(await indexNames(target.dbName, 'cases')).toEqual(expect.arrayContaining(['_id_', 'assignee_1']));
  }, 60_000);

  it('answers 400 naming on_error when it is neither continue nor stop', async () => {
    const res = await owner.post('/indexes/sync-by-database').send({ database_id: '0'.repeat(24), on_error: 'ignore' });
    expect(res.status).toBe(400);
    expect((res.body.issues as { field: string }[]).map((i) => i.field)).toEqual(['on_error']);
  });
});

describe('cancel', () => {
  /** Steps of a sync through a target 40 ms away: they take seconds, so it can be acted on while it runs. */
  const slowDesign = (count: number): Design =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`c${String(i).padStart(2, '0')}`, [plain('f')]]));
  const slowDocs = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`c${String(i).padStart(2, '0')}`, [{ f: i }]]));

  it('cancels a queued sync at once, and stops a running one before its next step', async () => {
    const relay = await tcpRelay(targetMongoUri(), { latencyMs: 40 });
    try {
      // Two slow syncs keep the executor's two slots busy, so a third one waits in the queue.
      const slowA = await targetWithDesign(slowDesign(40), slowDocs(40), relay.uri);
      const slowB = await targetWithDesign(slowDesign(40), slowDocs(40), relay.uri);
      const quick = await targetWithDesign({ q: [plain('q')] }, { q: [{ q: 1 }] });
      const a = (await owner.post('/indexes/sync-by-database').send({ database_id: slowA.id })).body.sync_id as string;
      const b = (await owner.post('/indexes/sync-by-database').send({ database_id: slowB.id })).body.sync_id as string;
      for (;;) {
        const views = await Promise.all([a, b].map(async (id) => (await owner.get(`/indexes/sync-status/${id}`)).body as SyncView));
        if (views.every((v) => v.status === 'running')) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const queued = await owner.post('/indexes/sync-by-database').send({ database_id: quick.id });
      expect(queued.body.status).toBe('pending');
      const cancelled = await owner.post(`/indexes/sync-status/${queued.body.sync_id}/cancel`).send({ comment: 'not now' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancellation: { by: { id: ownerId }, comment: 'not now' } });
      // Its database is free again at once.
      expect((await owner.post('/indexes/sync-by-database').send({ database_id: quick.id, dry_run: true })).status).toBe(202);

      const running = await owner.post(`/indexes/sync-status/${a}/cancel`).send({});
      expect(running.status).toBe(200);
      expect(running.body).toMatchObject({ status: 'running', cancellation: { by: { id: ownerId } } });
      const ended = await waitForEnd(a, 60_000);
      expect(ended.status).toBe('cancelled');
      expect(ended.error).toMatch(/^cancelled by /);
      expect(ended.steps.filter((s) => s.status === 'not_run').length).toBeGreaterThan(0);
      expect(ended.steps.every((s) => ['done', 'not_run'].includes(s.status))).toBe(true);
      const notRun = ended.steps.find((s) => s.status === 'not_run')!;
      expect(await indexNames(slowA.dbName, notRun.operation.collection)).toEqual(['_id_']);

      const late = await owner.post(`/indexes/sync-status/${a}/cancel`).send({});
      expect(late.status).toBe(409);
      expect(late.body.details).toEqual({ status: 'cancelled' });
      await owner.post(`/indexes/sync-status/${b}/cancel`).send({});
      await waitForEnd(b, 60_000);
      // The queued sync's run command, delivered once a slot was free, did nothing.
      expect(await indexNames(quick.dbName, 'q')).toEqual(['_id_']);
      expect(((await owner.get(`/indexes/sync-status/${queued.body.sync_id}`)).body as SyncView).status).toBe('cancelled');
    } finally {
      await relay.close();
    }
  }, 180_000);
});

describe('who may retry and cancel', () => {
  it('a viewer of the project gets 403 naming syncs:run, a member of another project 404', async () => {
    const target = await targetWithDesign(DESIGN, DOCS);
    const started = await owner.post('/indexes/sync-by-database').send({ database_id: target.id });
    const view = await waitForEnd(started.body.sync_id);
    expect(view.status).toBe('partially_failed');

    const viewerUser = await registerUser();
    const admin = authedApi(await systemAdminToken());
    expect((await admin.put(`/projects/${projectId}/members/${viewerUser.profile.id}`).send({ role: 'viewer' })).status).toBe(200);
    const viewer = authedApi((await login(viewerUser)).access_token);
    const outsider = authedApi((await loggedInUser('admin')).tokens.access_token);

    expect((await viewer.get(`/indexes/sync-status/${view.id}`)).status).toBe(200);
    for (const action of ['retry', 'cancel']) {
      const denied = await viewer.post(`/indexes/sync-status/${view.id}/${action}`).send({});
      expect(denied.status).toBe(403);
      expect(denied.body.details).toMatchObject({ permission: 'syncs:run' });
      const hidden = await outsider.post(`/indexes/sync-status/${view.id}/${action}`).send({});
      expect(hidden.status).toBe(404);
      expectNoStackTrace(hidden.text);
    }
    // The owner may cancel nothing that has ended: 409 naming the status.
    const ended = await owner.post(`/indexes/sync-status/${view.id}/cancel`).send({});
    expect(ended.status).toBe(409);
    expect(ended.body.details).toEqual({ status: 'partially_failed' });
  }, 60_000);
});
