// What a target supports, through the gateway: compare and plan answers name the target's server and
// version, and a plan marks each step the server will refuse with why; a dry run reports them.
//
// The embedded server is FerretDB 1.x, which cannot build partial, TTL, text or hidden indexes and
// has no collMod: every one of those steps must come back `unsupported`, naming FerretDB. Its
// embedded build reports no version of its own ("unknown" in buildInfo), so the reason names the
// version line the shape of buildInfo tells (1.x) and says that the build reports none. On a real
// MongoDB (MONGODB_URI) the same plan has none of these marks: the spec checks that instead.
import { MongoClient } from 'mongodb';
import {
  authedApi,
  createTargetDatabase,
  defineIndex,
  eventually,
  loggedInUser,
  mongoClient,
  suffix,
  type AuthedApi,
} from './support/e2e-client';

interface Operation {
  kind: string;
  collection: string;
  index: string;
  unsupported?: string;
}
interface PlanBody {
  target?: { server: string; version: string | null };
  operations: Operation[];
  warnings: string[];
}
interface SyncBody {
  status: string;
  dry_run: boolean;
  warnings: string[];
  steps: { status: string; operation: Operation }[];
}

const onFerretDb = !process.env.MONGODB_URI;
const FERRETDB = /^FerretDB 1\.x \(its build does not report its version\) cannot /;

let client: AuthedApi;
let mongo: MongoClient;
let target: { id: string; dbName: string };

/** cases on the target: legacy_1, not in the DR; the DR wants a plain, a partial, a TTL, a text and a hidden index. */
beforeAll(async () => {
  const user = await loggedInUser();
  client = authedApi(user.tokens.access_token);
  mongo = await mongoClient();
  const dbName = `capabilities_${suffix()}`;
  await mongo
    .db(dbName)
    .collection('cases')
    .insertMany([{ status: 'open', legacy: 1, title: 'a', created_at: new Date(), assignee: 'x' }]);
  await mongo.db(dbName).collection('cases').createIndex({ legacy: 1 }, { name: 'legacy_1' });
  const db = await createTargetDatabase(client, { db_name: dbName });
  target = { id: db.id, dbName };
  await defineIndex(client, db.id, 'cases', [{ field: 'status', value: 1 }]);
  await defineIndex(client, db.id, 'cases', [{ field: 'assignee', value: 1 }], {
    options: { partial_filter_expression: { status: 'open' } },
  });
  await defineIndex(client, db.id, 'cases', [{ field: 'created_at', value: 1 }], { options: { expire_after_seconds: 3600 } });
  await defineIndex(client, db.id, 'cases', [{ field: 'title', value: 'text' }]);
  await defineIndex(client, db.id, 'cases', [{ field: 'opened', value: -1 }], { options: { hidden: true } });
});

afterAll(async () => {
  if (target) await mongo?.db(target.dbName).dropDatabase();
  await mongo?.close();
});

async function plan(): Promise<PlanBody> {
  const res = await client.post('/indexes/plan').send({ database_id: target.id, hide_before_drop: true });
  if (res.status !== 200) throw new Error(`plan failed: ${res.status} ${res.text}`);
  return res.body as PlanBody;
}

const marks = (operations: Operation[]): Record<string, string | undefined> =>
  Object.fromEntries(operations.map((op) => [`${op.kind} ${op.index}`, op.unsupported]));

describe('what the target supports', () => {
  it('a compare names the server and its version', async () => {
    const res = await client.post('/indexes/compare-by-database').send({ database_id: target.id });
    expect(res.status).toBe(200);
    expect(res.body.target).toEqual(
      onFerretDb ? { server: 'ferretdb', version: null } : { server: 'mongodb', version: expect.any(String) },
    );
  });

  (onFerretDb ? it : it.skip)('a plan marks every step FerretDB will refuse, with why, and leaves the rest', async () => {
    const body = await plan();
    expect(body.target).toEqual({ server: 'ferretdb', version: null });
    const marked = marks(body.operations);
    expect(Object.keys(marked).sort()).toEqual([
      'create assignee_1',
      'create created_at_1',
      'create opened_-1',
      'create status_1',
      'create title_text',
      'hide legacy_1',
    ]);
    expect(marked['create status_1']).toBeUndefined();
    expect(marked['create assignee_1']).toMatch(new RegExp(`${FERRETDB.source}build partial indexes`));
    expect(marked['create created_at_1']).toMatch(new RegExp(`${FERRETDB.source}build TTL indexes`));
    expect(marked['create title_text']).toMatch(new RegExp(`${FERRETDB.source}build text indexes`));
    expect(marked['create opened_-1']).toMatch(new RegExp(`${FERRETDB.source}build hidden indexes`));
    expect(marked['hide legacy_1']).toMatch(new RegExp(`${FERRETDB.source}hide or unhide an index \\(collMod\\)`));
    expect(body.warnings).toEqual([expect.stringMatching(/^5 step\(s\) will be refused by FerretDB 1\.x .* marked unsupported: /)]);
    // Planning probed the target and changed nothing on it.
    expect((await mongo.db(target.dbName).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)).toEqual(['cases']);
  });

  (onFerretDb ? it.skip : it)('on MongoDB 4.4+ the same plan has nothing to mark', async () => {
    const body = await plan();
    expect(body.target?.server).toBe('mongodb');
    expect(body.operations.filter((op) => op.unsupported !== undefined)).toEqual([]);
  });

  (onFerretDb ? it : it.skip)('a dry run reports the steps the target will refuse, and changes nothing', async () => {
    const res = await client.post('/indexes/sync-by-database').send({ database_id: target.id, dry_run: true, hide_before_drop: true });
    expect(res.status).toBe(202);
    const id = res.body.sync_id as string;
    let view: SyncBody | undefined;
    const ended = await eventually(
      async () => {
        view = (await client.get(`/indexes/sync-status/${id}`)).body as SyncBody;
        return view.status !== 'pending' && view.status !== 'running';
      },
      20_000,
      200,
    );
    expect(ended).toBe(true);
    expect(view?.dry_run).toBe(true);
    expect(view?.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^5 step\(s\) will be refused by FerretDB 1\.x/)]));
    const refused = (view?.steps ?? [])
      .filter((s) => s.operation.unsupported !== undefined)
      .map((s) => `${s.operation.kind} ${s.operation.index}`);
    expect(refused.sort()).toEqual(['create assignee_1', 'create created_at_1', 'create opened_-1', 'create title_text', 'hide legacy_1']);
    expect((await mongo.db(target.dbName).collection('cases').listIndexes().toArray()).map((i) => i.name).sort()).toEqual([
      '_id_',
      'legacy_1',
    ]);
  });
});
