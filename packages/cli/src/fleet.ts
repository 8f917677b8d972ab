// The whole fleet for `databases`: every page of the registered databases and of the drift overview.
// One page of each (100) silently cut a larger fleet, and joined a database to a drift page that
// need not hold its row (the overview pages by database id), showing it "not compared".
import { ok, type Api } from './api-client';
import { notice } from './output';

const PAGE_SIZE = 100;
/** The registry pages by offset and refuses one past 10,000 records (MAX_OFFSET in the contracts). */
const MAX_OFFSET = 10_000;

/** Every registered database the caller sees (of one project when given), up to the API's offset limit. */
export async function allDatabases(api: Api, projectId?: string) {
  const scope = projectId ? { project_id: projectId } : {};
  const first = await databasePage(api, 1, scope);
  const items = [...first.items];
  for (let page = 2; items.length < first.total && (page - 1) * PAGE_SIZE < MAX_OFFSET; page++) {
    const next = await databasePage(api, page, scope);
    if (next.items.length === 0) break;
    items.push(...next.items);
  }
  if (items.length < first.total) notice(`(the first ${items.length} of ${first.total} databases: use --project to narrow the list)`);
  return items;
}

function databasePage(api: Api, page: number, scope: { project_id?: string }) {
  return ok('listing databases', api.POST('/api/doctor-manager-api/v1/databases/list', { body: { page, limit: PAGE_SIZE, ...scope } }));
}

/** Every row of the drift overview (of one project when given), following its keyset pages. */
export async function allDriftItems(api: Api, projectId?: string) {
  const query = { limit: PAGE_SIZE, ...(projectId ? { project_id: projectId } : {}) };
  const first = await ok('reading the drift', api.GET('/api/doctor-manager-api/v1/drift', { params: { query } }));
  const items = [...first.items];
  for (let after = first.next_after; after;) {
    const next = await ok('reading the drift', api.GET('/api/doctor-manager-api/v1/drift', { params: { query: { ...query, after } } }));
    items.push(...next.items);
    after = next.next_after;
  }
  return items;
}
