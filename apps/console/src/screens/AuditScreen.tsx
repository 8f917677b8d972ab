import { useState } from 'react';
import { apiJson } from '../api/client';
import type { AuditEntry, Page } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { when } from '../components/format';
import { PagedTable, type Column } from '../components/PagedTable';
import { useProject } from '../components/project-context';
import { useLoaded } from '../hooks';
import { AUDIT_ACTION_NAMES } from './audit-actions';

const LIMIT = 25;

const COLUMNS: Column<AuditEntry>[] = [
  { header: 'When', cell: (entry) => when(entry.at) },
  { header: 'Actor', cell: (entry) => (entry.actor ? `${entry.actor.name} (${entry.actor.kind})` : '—') },
  { header: 'Action', cell: (entry) => <code>{entry.action}</code> },
  { header: 'Outcome', cell: (entry) => entry.outcome },
  {
    header: 'Target',
    cell: (entry) => (
      <>
        {entry.target.kind} {entry.target.name ?? <code>{entry.target.id}</code>}
      </>
    ),
  },
  { header: 'Details', cell: (entry) => (entry.details ? <code>{JSON.stringify(entry.details)}</code> : '') },
];

/** `GET /audit`: the chosen project's trail (or every project where the user may read it), newest first. */
export function AuditScreen() {
  const { projectId } = useProject();
  const [action, setAction] = useState('');
  const [page, setPage] = useState(1);
  const entries = useLoaded(() => {
    const query = new URLSearchParams({ page: String(page), limit: String(LIMIT) });
    if (projectId) query.set('project_id', projectId);
    if (action) query.set('action', action);
    return apiJson<Page<AuditEntry>>(`/audit?${query}`);
  }, [projectId, action, page]);

  return (
    <>
      <h1>Audit log</h1>
      <form className="filters" aria-label="Filter the audit log" onSubmit={(event) => event.preventDefault()}>
        <div className="field inline">
          <label htmlFor="action-filter">Action</label>
          <select
            id="action-filter"
            value={action}
            onChange={(event) => {
              setAction(event.target.value);
              setPage(1);
            }}
          >
            <option value="">Any</option>
            {AUDIT_ACTION_NAMES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={entries.reload}>
          Refresh
        </button>
      </form>
      <ErrorMessage error={entries.error} />
      <p aria-live="polite" className="status-line">
        {entries.loading ? 'Loading the audit log…' : `${entries.data?.total ?? 0} entries`}
      </p>
      <PagedTable
        caption="Audit entries, newest first"
        captionHidden
        columns={COLUMNS}
        rows={entries.data?.items ?? []}
        rowKey={(entry) => entry.id}
        paging={{
          page,
          limit: LIMIT,
          total: entries.data?.total ?? 0,
          onPage: setPage,
          label: 'Audit pages',
          previous: 'Newer',
          next: 'Older',
        }}
      />
    </>
  );
}
