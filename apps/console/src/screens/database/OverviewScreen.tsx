import { useState } from 'react';
import { Differences } from './Differences';
import { useDatabase } from './database-context';
import { PlanPanel } from './PlanPanel';
import { SyncOptionsFields, type SyncOptions } from './SyncOptionsFields';
import { SyncsPanel } from './SyncsPanel';

/** The database's differences, the plan with its warnings, the script, and its syncs. */
export function OverviewScreen() {
  const { db, can } = useDatabase();
  const [options, setOptions] = useState<SyncOptions>({ hide_before_drop: false, on_error: 'continue' });
  // Counts the syncs that ended while the page was open: the differences and the plan are read again after each.
  const [syncsEnded, setSyncsEnded] = useState(0);
  const syncEnded = () => setSyncsEnded((count) => count + 1);

  return (
    <>
      <Differences databaseId={db.id} freshAfter={syncsEnded} />
      <section aria-labelledby="changes-title">
        <h2 id="changes-title">Plan, script and sync</h2>
        <SyncOptionsFields options={options} onChange={setOptions} />
        <PlanPanel databaseId={db.id} options={options} freshAfter={syncsEnded} />
        <SyncsPanel
          databaseId={db.id}
          options={options}
          isProtected={db.protected}
          mayRun={can('syncs:run')}
          mayApprove={can('syncs:approve')}
          onSyncEnded={syncEnded}
        />
      </section>
    </>
  );
}
