import { useEffect, useState } from 'react';
import { apiJson } from '../../api/client';
import type { ImportResult, ImportView, Page } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { when } from '../../components/format';
import { PagedTable, type Column } from '../../components/PagedTable';
import { useAction, useLoaded } from '../../hooks';
import { useDatabase } from './database-context';
import { ImportResultView } from './ImportResultView';

const LIMIT = 10;
/** How often the history is read again while an import runs (the one `import_indexes` queued, say). */
const FOLLOW_MS = 2000;

const COLUMNS: Column<ImportView>[] = [
  { header: 'Asked', cell: (item) => when(item.created_at) },
  { header: 'Why', cell: (item) => (item.trigger === 'request' ? 'on request' : 'on registration') },
  { header: 'By', cell: (item) => item.requested_by?.name ?? '—' },
  { header: 'Status', cell: (item) => `${item.status}${item.dry_run ? ' (dry run)' : ''}` },
  {
    header: 'Result',
    cell: (item) =>
      item.error ??
      (item.result
        ? `${item.result.counts.imported} imported, ${item.result.counts.skipped} already defined, ${item.result.counts.failed} failed`
        : '—'),
  },
  { header: 'Ended', cell: (item) => when(item.finished_at) },
];

/** Imports the target's live indexes as definitions: a dry run first shows what it would do, then the import; and the database's imports. */
export function ImportScreen() {
  const { db, can } = useDatabase();
  const [onConflict, setOnConflict] = useState<'skip' | 'overwrite'>('skip');
  const [result, setResult] = useState<ImportResult>();
  const [page, setPage] = useState(1);
  const action = useAction();
  const history = useLoaded(
    () => apiJson<Page<ImportView>>(`/indexes/import-status/by-database/${db.id}?page=${page}&limit=${LIMIT}`),
    [db.id, page],
  );
  const running = history.data?.items.some((item) => item.status === 'running') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(history.reload, FOLLOW_MS);
    return () => clearTimeout(timer);
  });

  const run = (dryRun: boolean) =>
    action.run(async () => {
      setResult(
        await apiJson<ImportResult>('/indexes/sync-from-database', {
          method: 'POST',
          body: { database_id: db.id, on_conflict: onConflict, dry_run: dryRun },
        }),
      );
      history.reload();
    });

  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">Import from the live database</h2>
      <p>
        Reads the target's indexes and defines those the design repository does not have yet. An index a definition stands for but does not
        describe is reported; the definition is kept or overwritten as chosen.
      </p>
      {can('imports:run') && (
        <form className="form" aria-label="Import options" onSubmit={(event) => event.preventDefault()}>
          <Field id="import-conflict" label="When a live index differs from its definition">
            {(control) => (
              <select {...control} value={onConflict} onChange={(event) => setOnConflict(event.target.value as 'skip' | 'overwrite')}>
                <option value="skip">Keep the definition</option>
                <option value="overwrite">Overwrite the definition with the live index</option>
              </select>
            )}
          </Field>
          <div className="actions">
            <button type="button" disabled={action.busy} onClick={() => void run(true)}>
              Dry run import
            </button>
            <button type="button" className="secondary" disabled={action.busy || !result?.dry_run} onClick={() => void run(false)}>
              Import
            </button>
          </div>
        </form>
      )}
      <p aria-live="polite" className="status-line">
        {action.busy ? 'Reading the live indexes…' : running ? 'An import is running…' : ''}
      </p>
      <ErrorMessage error={action.error} />
      {result && <ImportResultView result={result} />}
      <ErrorMessage error={history.error} />
      <PagedTable
        caption="Imports of this database, newest first"
        columns={COLUMNS}
        rows={history.data?.items ?? []}
        rowKey={(item) => item.import_id}
        paging={{
          page,
          limit: LIMIT,
          total: history.data?.total ?? 0,
          onPage: setPage,
          label: 'Import pages',
          previous: 'Newer',
          next: 'Older',
        }}
      />
    </section>
  );
}
