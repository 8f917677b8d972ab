// GET /drift: the fleet's latest drift in one call, across the databases of two projects; filters,
// paging with the cursor, scoping by the caller's projects, and counts equal to the compares'.
import { FleetDriftPage, type FleetDriftItem } from '@ir/contracts';
import type { MongoClient } from 'mongodb';
import {
  authedApi,
  createTargetDatabase,
  defineIndex,
  expectNoStackTrace,
  loggedInUser,
  login,
  mongoClient,
  projectWith,
  registerUser,
  suffix,
  systemAdminToken,
  type AuthedApi,
} from './support/e2e-client';

let mongo: MongoClient;
let owner: AuthedApi;
let projectA: string;
let projectB: string;
const targetDbs: string[] = [];
/** Per database id: its project and the totals its compare answered. */
const compared = new Map<string, { project: string; totals: Record<string, number> }>();

/** A target database with `orders` indexes `real`, the DR `desired`, registered in `project` and compared. */
async function comparedDatabase(
  project: string,
  real: Record<string, unknown>[],
  desired: { field: string; unique?: boolean }[],
): Promise<string> {
  const dbName = `fleet_${suffix()}`;
  targetDbs.push(dbName);
  const orders = mongo.db(dbName).collection('orders');
  await orders.insertOne({ status: 1, sku: 'a', legacy: true });
  for (const index of real) await orders.createIndex(index.key as Record<string, 1>, index.options as object);
  const { id } = await createTargetDatabase(owner, { project_id: project, db_name: dbName });
  for (const index of desired) {
    await defineIndex(owner, id, 'orders', [{ field: index.field, value: 1 }], index.unique ? { options: { is_unique: true } } : {});
  }
  const res = await owner.post('/indexes/compare-by-database?view=summary').send({ database_id: id });
  if (res.status !== 200) throw new Error(`compare failed: ${res.status} ${res.text}`);
  compared.set(id, { project, totals: res.body.totals as Record<string, number> });
  return id;
}

async function fleet(client: AuthedApi, query = ''): Promise<FleetDriftPage> {
  const res = await client.get(`/drift${query}`);
  if (res.status !== 200) throw new Error(`GET /drift${query}: ${res.status} ${res.text}`);
  expect(FleetDriftPage.safeParse(res.body).error).toBeUndefined();
  return res.body as FleetDriftPage;
}

const ids = (page: FleetDriftPage) => page.items.map((i) => i.database_id);
const sorted = (list: string[]) => [...list].sort();

let drifted: string;
let inSync: string;
let different: string;
let inB: string[];

beforeAll(async () => {
  mongo = await mongoClient();
  const user = await loggedInUser('admin');
  projectA = user.projectId;
  projectB = await projectWith(user.profile.id, 'admin');
  // Logged in again: the token carries the projects of its login.
  owner = authedApi((await login(user)).access_token);
  // A: sku_1 missing and legacy_1 redundant; everything matched; status_1 wanted unique.
  drifted = await comparedDatabase(projectA, [{ key: { status: 1 } }, { key: { legacy: 1 } }], [{ field: 'status' }, { field: 'sku' }]);
  inSync = await comparedDatabase(projectA, [{ key: { status: 1 } }], [{ field: 'status' }]);
  different = await comparedDatabase(projectA, [{ key: { status: 1 } }], [{ field: 'status', unique: true }]);
  // B: two missing; one renamed on the target.
  inB = [
    await comparedDatabase(projectB, [], [{ field: 'status' }, { field: 'sku' }]),
    await comparedDatabase(projectB, [{ key: { status: 1 }, options: { name: 'by_status' } }], [{ field: 'status' }]),
  ];
});

afterAll(async () => {
  for (const name of targetDbs) await mongo?.db(name).dropDatabase();
  await mongo?.close();
});

describe('GET /drift', () => {
  it('answers every compared database of the caller in one call, with the counts its compare answered', async () => {
    const page = await fleet(owner, '?limit=100');
    expect(sorted(ids(page))).toEqual(sorted([...compared.keys()]));
    expect(page.next_after).toBeNull();
    for (const item of page.items) {
      const { project, totals } = compared.get(item.database_id)!;
      expect(item).toMatchObject({ project_id: project, database_name: expect.any(String), db_name: expect.stringMatching(/^fleet_/) });
      expect(item.totals).toEqual(totals);
      expect(item.drift).toBe(totals.missing + totals.redundant + totals.different > 0);
      expect(item.failed).toBe(false);
      expect(Date.parse(item.compared_at)).not.toBeNaN();
    }
    const byId = new Map(page.items.map((i): [string, FleetDriftItem] => [i.database_id, i]));
    expect(byId.get(drifted)?.totals).toMatchObject({ missing: 1, redundant: 1, different: 0 });
    expect(byId.get(different)?.totals).toMatchObject({ different: 1 });
    expect(byId.get(inB[1])?.totals).toMatchObject({ matched: 1, name_differs: 1, missing: 0 });
  });

  it('filters by project and by drift state', async () => {
    expect(sorted(ids(await fleet(owner, `?project_id=${projectB}`)))).toEqual(sorted(inB));
    expect(sorted(ids(await fleet(owner, `?project_id=${projectA}&state=drifted`)))).toEqual(sorted([drifted, different]));
    expect(ids(await fleet(owner, `?project_id=${projectA}&state=in_sync`))).toEqual([inSync]);
    expect(ids(await fleet(owner, `?project_id=${projectA}&state=failed`))).toEqual([]);
    // Name differences alone are no drift.
    expect(ids(await fleet(owner, `?project_id=${projectB}&state=in_sync`))).toEqual([inB[1]]);
  });

  it('pages by database id: following next_after lists each database once, in order', async () => {
    const seen: string[] = [];
    let after = '';
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await fleet(owner, `?limit=2${after}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page));
      if (page.next_after === null) break;
      after = `&after=${page.next_after}`;
    }
    expect(seen).toEqual(sorted([...compared.keys()]));
  });

  it("shows another project's members none of these, and their project_id is a 404 to them", async () => {
    const stranger = authedApi((await loggedInUser('admin')).tokens.access_token);
    expect(ids(await fleet(stranger))).toEqual([]);
    const res = await stranger.get(`/drift?project_id=${projectA}`);
    expect(res.status).toBe(404);
    expectNoStackTrace(res.text);
    // A viewer of A sees A's databases and nothing of B.
    const viewerUser = await registerUser();
    const admin = authedApi(await systemAdminToken());
    expect((await admin.put(`/projects/${projectA}/members/${viewerUser.profile.id}`).send({ role: 'viewer' })).status).toBe(200);
    const viewer = authedApi((await login(viewerUser)).access_token);
    expect(sorted(ids(await fleet(viewer)))).toEqual(sorted([drifted, inSync, different]));
    expect((await viewer.get(`/drift?project_id=${projectB}`)).status).toBe(404);
    // The system administrator sees every project.
    expect(sorted(ids(await fleet(admin, `?project_id=${projectB}`)))).toEqual(sorted(inB));
  });

  it('answers 400 naming the parameter for an unknown one or a state it does not know', async () => {
    const unknown = await owner.get('/drift?page=2');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('page');
    const state = await owner.get('/drift?state=never_compared');
    expect(state.status).toBe(400);
    expect(state.text).toContain('state');
  });
});
