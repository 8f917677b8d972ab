import { useState } from 'react';
import { apiJson } from '../api/client';
import type { AuditEntry, Page } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { when } from '../components/format';
import { useProject } from '../components/project-context';
import { useLoaded } from '../hooks';
import { AUDIT_ACTION_NAMES } from './audit-actions';

const LIMIT = 25;

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
  const pages = Math.max(1, Math.ceil((entries.data?.total ?? 0) / LIMIT));

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
      <table>
        <caption className="visually-hidden">Audit entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.data?.items.map((entry) => (
            <tr key={entry.id}>
              <td>{when(entry.at)}</td>
              <td>{entry.actor ? `${entry.actor.name} (${entry.actor.kind})` : '—'}</td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td>{entry.outcome}</td>
              <td>
                {entry.target.kind} {entry.target.name ?? <code>{entry.target.id}</code>}
              </td>
              <td>{entry.details ? <code>{JSON.stringify(entry.details)}</code> : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label="Audit pages">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Newer
        </button>
        <span>
          Page {page} of {pages}
        </span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          Older
        </button>
      </nav>
    </>
  );
}
