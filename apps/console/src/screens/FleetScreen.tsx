import { useState } from 'react';
import { Link } from 'react-router';
import { DriftBadge } from '../components/DriftBadge';
import { ErrorMessage } from '../components/ErrorMessage';
import { when } from '../components/format';
import { PagedTable, pageOfRows, type Column } from '../components/PagedTable';
import { useProjectsWhere } from '../components/permissions';
import { useProject } from '../components/project-context';
import { useLoaded } from '../hooks';
import { loadFleet, type FleetRow, type StateFilter } from './fleet-rows';

const LIMIT = 50;

function columns(projectName: Map<string, string>): Column<FleetRow>[] {
  return [
    {
      header: 'Database',
      rowHeader: true,
      cell: (row) => (
        <>
          <Link to={`/databases/${row.id}`}>{row.name}</Link>
          <span className="muted"> {row.dbName}</span>
          {row.protected && <span className="badge badge-protected">Protected</span>}
        </>
      ),
    },
    { header: 'Project', cell: (row) => (row.projectId ? (projectName.get(row.projectId) ?? row.projectId) : '—') },
    { header: 'State', cell: (row) => <DriftBadge state={row.state} /> },
    { header: 'Missing', numeric: true, cell: (row) => row.drift?.totals.missing ?? '—' },
    { header: 'Redundant', numeric: true, cell: (row) => row.drift?.totals.redundant ?? '—' },
    { header: 'Different', numeric: true, cell: (row) => row.drift?.totals.different ?? '—' },
    { header: 'Failed collections', numeric: true, cell: (row) => row.drift?.totals.failed_collections ?? '—' },
    { header: 'Compared', cell: (row) => when(row.drift?.compared_at) },
  ];
}

export function FleetScreen() {
  const { projectId, projects } = useProject();
  const [state, setState] = useState<StateFilter>('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const mayRegister = useProjectsWhere('databases:manage').length > 0;
  const fleet = useLoaded(() => loadFleet(projectId, state), [projectId, state]);
  const projectName = new Map(projects.map((project) => [project.id, project.name]));
  const needle = search.trim().toLowerCase();
  const rows = (fleet.data ?? []).filter((row) => !needle || `${row.name} ${row.dbName}`.toLowerCase().includes(needle));
  // Another project or a refresh may leave fewer pages than the one shown.
  const shownPage = Math.min(page, Math.max(1, Math.ceil(rows.length / LIMIT)));

  return (
    <>
      <h1>Fleet</h1>
      {mayRegister && (
        <p>
          <Link className="button" to="/databases/new">
            Register a database
          </Link>
        </p>
      )}
      <form className="filters" role="search" aria-label="Filter databases" onSubmit={(event) => event.preventDefault()}>
        <div className="field inline">
          <label htmlFor="state-filter">Drift state</label>
          <select
            id="state-filter"
            value={state}
            onChange={(event) => {
              setState(event.target.value as StateFilter);
              setPage(1);
            }}
          >
            <option value="">Any</option>
            <option value="drifted">Drifted</option>
            <option value="failed">Compare failed</option>
            <option value="in_sync">In sync</option>
            <option value="never_compared">Never compared</option>
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="name-filter">Name</label>
          <input
            id="name-filter"
            type="search"
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              setPage(1);
            }}
          />
        </div>
        <button type="button" onClick={fleet.reload}>
          Refresh
        </button>
      </form>
      <ErrorMessage error={fleet.error} />
      <p aria-live="polite" className="status-line">
        {fleet.loading ? 'Loading the fleet…' : `${rows.length} database${rows.length === 1 ? '' : 's'}`}
      </p>
      <PagedTable
        caption="Databases and their drift"
        captionHidden
        columns={columns(projectName)}
        rows={pageOfRows(rows, shownPage, LIMIT)}
        rowKey={(row) => row.id}
        paging={{ page: shownPage, limit: LIMIT, total: rows.length, onPage: setPage, label: 'Fleet pages' }}
      />
    </>
  );
}
