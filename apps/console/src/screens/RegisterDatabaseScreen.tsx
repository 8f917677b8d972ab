import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { apiJson } from '../api/client';
import type { DatabaseCreatedView } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { useProjectsWhere } from '../components/permissions';
import { useProject } from '../components/project-context';
import { useAction } from '../hooks';

/**
 * `POST /databases` in a project the user administers. The API tests the connection before saving:
 * a target it cannot reach answers an error and nothing is saved. The URI is typed like a password
 * (it may hold one) and never shown again: the API answers it redacted.
 */
export function RegisterDatabaseScreen() {
  const projects = useProjectsWhere('databases:manage');
  const { projectId: chosen } = useProject();
  const navigate = useNavigate();
  const save = useAction();
  const [form, setForm] = useState({
    project_id: '',
    name: '',
    description: '',
    uri: '',
    db_name: '',
    protected: false,
    import_indexes: false,
  });
  const set = (changes: Partial<typeof form>) => setForm((previous) => ({ ...previous, ...changes }));
  const projectId = form.project_id || (projects.some((p) => p.id === chosen) ? chosen : (projects[0]?.id ?? ''));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let created: DatabaseCreatedView | undefined;
    const ok = await save.run(async () => {
      created = await apiJson<DatabaseCreatedView>('/databases', { method: 'POST', body: { ...form, project_id: projectId || undefined } });
    });
    if (ok && created) void navigate(`/databases/${created.id}${created.import_requested ? '/import' : ''}`);
  };

  return (
    <>
      <p>
        <Link to="/">← Fleet</Link>
      </p>
      <h1>Register a database</h1>
      {projects.length === 0 && <p>Only a project's administrators register databases; you administer no project.</p>}
      <form className="form" aria-label="Register a database" noValidate onSubmit={(event) => void submit(event)}>
        <Field id="db-project" label="Project" field="project_id" error={save.error}>
          {(control) => (
            <select {...control} value={projectId} onChange={(event) => set({ project_id: event.target.value })}>
              {projects.map((project) => (
                <option key={project.id} value={project.id}>
                  {project.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="db-name" label="Name" field="name" error={save.error} hint="How the registry and the console name it.">
          {(control) => <input {...control} value={form.name} onChange={(event) => set({ name: event.target.value })} />}
        </Field>
        <Field id="db-description" label="Description (optional)" field="description" error={save.error}>
          {(control) => <input {...control} value={form.description} onChange={(event) => set({ description: event.target.value })} />}
        </Field>
        <Field
          id="db-uri"
          label="Connection string"
          field="uri"
          error={save.error}
          hint="mongodb:// or mongodb+srv://; kept sealed by the registry and shown redacted from now on."
        >
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={form.uri}
              onChange={(event) => set({ uri: event.target.value })}
            />
          )}
        </Field>
        <Field id="db-db-name" label="Database name on the server" field="db_name" error={save.error}>
          {(control) => (
            <input {...control} spellCheck={false} value={form.db_name} onChange={(event) => set({ db_name: event.target.value })} />
          )}
        </Field>
        <Field
          id="db-protected"
          label="Protected"
          inline
          hint="A sync that drops, hides or rebuilds an index waits for another operator's approval."
        >
          {(control) => (
            <input {...control} type="checkbox" checked={form.protected} onChange={(event) => set({ protected: event.target.checked })} />
          )}
        </Field>
        <Field id="db-import" label="Import its existing indexes as definitions" inline>
          {(control) => (
            <input
              {...control}
              type="checkbox"
              checked={form.import_indexes}
              onChange={(event) => set({ import_indexes: event.target.checked })}
            />
          )}
        </Field>
        <ErrorMessage error={save.error} />
        <div className="actions">
          <button type="submit" disabled={save.busy || projects.length === 0}>
            {save.busy ? 'Testing the connection…' : 'Register database'}
          </button>
        </div>
      </form>
    </>
  );
}
