import { useState } from 'react';
import { apiJson } from '../api/client';
import type { AuditEntry, AuditPage } from '../api/types';
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

/**
 * `GET /audit`: the chosen project's trail (or every project where the user may read it), newest
 * first, by keyset pages (a first page, then `after` the last page's `next_after`): fast at any
 * depth, without a total. "Older" follows the cursor; "Newer" goes back to the cursors it came by.
 */
export function AuditScreen() {
  const { projectId } = useProject();
  const [action, setAction] = useState('');
  // The cursor each page shown so far was read after (the first page has none), for the project and filter they were read with.
  const filterKey = `${projectId ?? ''} ${action}`;
  const [trail, setTrail] = useState<{ filterKey: string; cursors: (string | undefined)[] }>({ filterKey, cursors: [undefined] });
  const cursors = trail.filterKey === filterKey ? trail.cursors : [undefined];
  const setCursors = (next: (string | undefined)[]) => setTrail({ filterKey, cursors: next });
  const after = cursors.at(-1);
  const entries = useLoaded(() => {
    const query = new URLSearchParams({ limit: String(LIMIT) });
    if (after) query.set('after', after);
    if (projectId) query.set('project_id', projectId);
    if (action) query.set('action', action);
    return apiJson<AuditPage>(`/audit?${query}`);
  }, [projectId, action, after]);
  const first = (cursors.length - 1) * LIMIT + 1;
  const shown = entries.data?.items.length ?? 0;
  // While a page loads, neither moves: a second press would skip the page being read.
  const nextAfter = entries.loading ? null : entries.data?.next_after;
  const newer = !entries.loading && cursors.length > 1;

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
        <button
          type="button"
          onClick={() => {
            // The newest entries again: a cursor further down would not show what was added since.
            if (cursors.length > 1) setCursors([undefined]);
            else entries.reload();
          }}
        >
          Refresh
        </button>
      </form>
      <ErrorMessage error={entries.error} />
      <p aria-live="polite" className="status-line">
        {entries.loading ? 'Loading the audit log…' : shown === 0 ? 'No entries' : `Entries ${first}–${first + shown - 1}, newest first`}
      </p>
      <PagedTable
        caption="Audit entries, newest first"
        captionHidden
        columns={COLUMNS}
        rows={entries.data?.items ?? []}
        rowKey={(entry) => entry.id}
      />
      {(cursors.length > 1 || entries.data?.next_after) && (
        // aria-disabled, not disabled: the button pressed keeps the keyboard focus when its end is reached.
        <nav className="pager" aria-label="Audit pages">
          <button type="button" aria-disabled={!newer} onClick={() => newer && setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
          <button type="button" aria-disabled={!nextAfter} onClick={() => nextAfter && setCursors([...cursors, nextAfter])}>
            Older
          </button>
        </nav>
      )}
    </>
  );
}
