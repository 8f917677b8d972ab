import { Link, NavLink, Outlet, useParams } from 'react-router';
import { apiJson } from '../api/client';
import type { DatabaseView } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { useCan } from '../components/permissions';
import { useLoaded } from '../hooks';
import type { DatabaseContext } from './database/database-context';

/** One database: its name and server above, and a screen per task (overview, definitions, manifest, import, settings). */
export function DatabaseLayout() {
  const { id = '' } = useParams();
  const database = useLoaded(() => apiJson<DatabaseView>(`/databases/${id}`), [id]);
  const can = useCan(database.data?.project_id);

  if (database.error) return <ErrorMessage error={database.error} />;
  if (!database.data) return <p aria-live="polite">Loading the database…</p>;
  const db = database.data;
  const context: DatabaseContext = { db, reload: database.reload, can };
  return (
    <>
      <p>
        <Link to="/">← Fleet</Link>
      </p>
      <h1>
        {db.name} {db.protected && <span className="badge badge-protected">Protected</span>}
      </h1>
      <p className="muted">
        Database <code>{db.db_name}</code> on <code>{db.uri}</code>
        {db.server && ` (${[db.server.kind, db.server.version].filter(Boolean).join(' ')})`}
      </p>
      <nav className="tabs" aria-label="Database">
        <NavLink to="" end>
          Overview
        </NavLink>
        <NavLink to="definitions">Definitions</NavLink>
        <NavLink to="manifest">Manifest</NavLink>
        <NavLink to="import">Import</NavLink>
        <NavLink to="settings">Settings</NavLink>
      </nav>
      <Outlet context={context} />
    </>
  );
}
