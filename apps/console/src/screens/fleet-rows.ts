import { apiJson } from '../api/client';
import type { DatabaseView, FleetDriftItem, FleetDriftPage, Page } from '../api/types';
import type { DriftLabel } from '../components/DriftBadge';

export type StateFilter = '' | DriftLabel;

export interface FleetRow {
  id: string;
  name: string;
  dbName: string;
  projectId: string | null;
  protected: boolean;
  state: DriftLabel;
  drift: FleetDriftItem | undefined;
}

const MAX_PAGES = 20;

/** The fleet: `GET /drift` (every page, filtered by the server) beside the registered databases, for names and the never compared. */
export async function loadFleet(projectId: string, state: StateFilter): Promise<FleetRow[]> {
  const serverState = state === 'never_compared' || state === '' ? undefined : state;
  const [drift, databases] = await Promise.all([driftItems(projectId, serverState), registeredDatabases(projectId)]);
  const byId = new Map(databases.map((database) => [database.id, database]));
  const rows: FleetRow[] = drift.map((item) => {
    const database = byId.get(item.database_id);
    return {
      id: item.database_id,
      name: database?.name ?? item.database_name ?? item.database_id,
      dbName: database?.db_name ?? item.db_name ?? '',
      projectId: item.project_id,
      protected: database?.protected ?? false,
      state: item.drift ? 'drifted' : item.failed ? 'failed' : 'in_sync',
      drift: item,
    };
  });
  if (state === '' || state === 'never_compared') {
    const compared = new Set(drift.map((item) => item.database_id));
    const never = databases.filter((database) => !compared.has(database.id));
    const neverRows = never.map((database) => ({
      id: database.id,
      name: database.name,
      dbName: database.db_name,
      projectId: database.project_id,
      protected: database.protected,
      state: 'never_compared' as const,
      drift: undefined,
    }));
    return state === 'never_compared' ? neverRows : [...rows, ...neverRows];
  }
  return rows;
}

async function driftItems(projectId: string, state: string | undefined): Promise<FleetDriftItem[]> {
  const items: FleetDriftItem[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ limit: '100' });
    if (projectId) query.set('project_id', projectId);
    if (state) query.set('state', state);
    if (after) query.set('after', after);
    const answer: FleetDriftPage = await apiJson<FleetDriftPage>(`/drift?${query}`);
    items.push(...answer.items);
    after = answer.next_after;
    if (!after) break;
  }
  return items;
}

/** Every registered database (up to MAX_PAGES pages): the never compared ones past the first page too. */
async function registeredDatabases(projectId: string): Promise<DatabaseView[]> {
  const items: DatabaseView[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const body = { page, limit: 100, ...(projectId ? { project_id: projectId } : {}) };
    const answer: Page<DatabaseView> = await apiJson<Page<DatabaseView>>('/databases/list', { method: 'POST', body });
    items.push(...answer.items);
    if (answer.items.length === 0 || items.length >= answer.total) break;
  }
  return items;
}
