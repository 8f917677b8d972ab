import { useState } from 'react';
import { Link } from 'react-router';
import { DriftBadge } from '../components/DriftBadge';
import { ErrorMessage } from '../components/ErrorMessage';
import { when } from '../components/format';
import { useProject } from '../components/project-context';
import { useLoaded } from '../hooks';
import { loadFleet, type StateFilter } from './fleet-rows';

export function FleetScreen() {
  const { projectId, projects } = useProject();
  const [state, setState] = useState<StateFilter>('');
  const [search, setSearch] = useState('');
  const fleet = useLoaded(() => loadFleet(projectId, state), [projectId, state]);
  const projectName = new Map(projects.map((project) => [project.id, project.name]));
  const needle = search.trim().toLowerCase();
  const rows = (fleet.data ?? []).filter((row) => !needle || `${row.name} ${row.dbName}`.toLowerCase().includes(needle));

  return (
    <>
      <h1>Fleet</h1>
      <form className="filters" role="search" aria-label="Filter databases" onSubmit={(event) => event.preventDefault()}>
        <div className="field inline">
          <label htmlFor="state-filter">Drift state</label>
          <select id="state-filter" value={state} onChange={(event) => setState(event.target.value as StateFilter)}>
            <option value="">Any</option>
            <option value="drifted">Drifted</option>
            <option value="failed">Compare failed</option>
            <option value="in_sync">In sync</option>
            <option value="never_compared">Never compared</option>
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="name-filter">Name</label>
          <input id="name-filter" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
        <button type="button" onClick={fleet.reload}>
          Refresh
        </button>
      </form>
      <ErrorMessage error={fleet.error} />
      <p aria-live="polite" className="status-line">
        {fleet.loading ? 'Loading the fleet…' : `${rows.length} database${rows.length === 1 ? '' : 's'}`}
      </p>
      <table>
        <caption className="visually-hidden">Databases and their drift</caption>
        <thead>
          <tr>
            <th scope="col">Database</th>
            <th scope="col">Project</th>
            <th scope="col">State</th>
            <th scope="col">Missing</th>
            <th scope="col">Redundant</th>
            <th scope="col">Different</th>
            <th scope="col">Failed collections</th>
            <th scope="col">Compared</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <Link to={`/databases/${row.id}`}>{row.name}</Link>
                <span className="muted"> {row.dbName}</span>
                {row.protected && <span className="badge badge-protected">Protected</span>}
              </th>
              <td>{row.projectId ? (projectName.get(row.projectId) ?? row.projectId) : '—'}</td>
              <td>
                <DriftBadge state={row.state} />
              </td>
              <td className="number">{row.drift?.totals.missing ?? '—'}</td>
              <td className="number">{row.drift?.totals.redundant ?? '—'}</td>
              <td className="number">{row.drift?.totals.different ?? '—'}</td>
              <td className="number">{row.drift?.totals.failed_collections ?? '—'}</td>
              <td>{when(row.drift?.compared_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
