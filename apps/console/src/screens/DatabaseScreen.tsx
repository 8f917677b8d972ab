import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { apiJson } from '../api/client';
import type { DatabaseView } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { useLoaded } from '../hooks';
import { Differences } from './database/Differences';
import { PlanPanel } from './database/PlanPanel';
import { SyncOptionsFields, type SyncOptions } from './database/SyncOptionsFields';
import { SyncsPanel } from './database/SyncsPanel';

/** One database: its differences, the plan with its warnings, the script, and its syncs. */
export function DatabaseScreen() {
  const { id = '' } = useParams();
  const database = useLoaded(() => apiJson<DatabaseView>(`/databases/${id}`), [id]);
  const [options, setOptions] = useState<SyncOptions>({ hide_before_drop: false, on_error: 'continue' });
  // Counts the syncs that ended while the page was open: the differences and the plan are read again after each.
  const [syncsEnded, setSyncsEnded] = useState(0);
  const syncEnded = () => setSyncsEnded((count) => count + 1);

  if (database.error) return <ErrorMessage error={database.error} />;
  if (!database.data) return <p aria-live="polite">Loading the database…</p>;
  const db = database.data;
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
      <Differences databaseId={id} freshAfter={syncsEnded} />
      <section aria-labelledby="changes-title">
        <h2 id="changes-title">Plan, script and sync</h2>
        <SyncOptionsFields options={options} onChange={setOptions} />
        <PlanPanel databaseId={id} options={options} freshAfter={syncsEnded} />
        <SyncsPanel databaseId={id} options={options} isProtected={db.protected} onSyncEnded={syncEnded} />
      </section>
    </>
  );
}
