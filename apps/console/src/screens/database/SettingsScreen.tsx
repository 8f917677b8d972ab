import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { apiJson } from '../../api/client';
import type { DatabaseView } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { useAction } from '../../hooks';
import { useDatabase } from './database-context';

/** Test the connection; for the project's administrators, rename, (un)protect or delete the database. */
export function SettingsScreen() {
  const { db, can } = useDatabase();
  return (
    <>
      <ConnectionTest databaseId={db.id} />
      {can('databases:manage') && (
        <>
          <EditForm key={db.updated_at} />
          <DeleteDatabase />
        </>
      )}
    </>
  );
}

/** Reads the target's collections (`POST /databases/collections/list`): a connection that answers that works. */
function ConnectionTest({ databaseId }: { databaseId: string }) {
  const test = useAction();
  const [collections, setCollections] = useState<string[]>();
  const run = () =>
    test.run(async () => {
      setCollections(undefined);
      const answer = await apiJson<{ collections: string[] }>('/databases/collections/list', {
        method: 'POST',
        body: { database_id: databaseId },
      });
      setCollections(answer.collections);
    });
  return (
    <section aria-labelledby="connection-title">
      <h2 id="connection-title">Connection</h2>
      <button type="button" disabled={test.busy} onClick={() => void run()}>
        Test connection
      </button>
      <p aria-live="polite" className="status-line">
        {test.busy
          ? 'Connecting…'
          : collections &&
            `Connected: ${collections.length} collection${collections.length === 1 ? '' : 's'}${collections.length ? ` (${collections.join(', ')})` : ''}`}
      </p>
      <ErrorMessage error={test.error} />
    </section>
  );
}

function EditForm() {
  const { db, reload } = useDatabase();
  const save = useAction();
  const [form, setForm] = useState({ name: db.name, description: db.description, protected: db.protected });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await save.run(() => apiJson<DatabaseView>(`/databases/${db.id}`, { method: 'PUT', body: form }))) reload();
  };
  return (
    <section aria-labelledby="edit-title">
      <h2 id="edit-title">Name and protection</h2>
      <form className="form" aria-labelledby="edit-title" noValidate onSubmit={(event) => void submit(event)}>
        <Field id="edit-name" label="Name" field="name" error={save.error}>
          {(control) => <input {...control} value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />}
        </Field>
        <Field id="edit-description" label="Description" field="description" error={save.error}>
          {(control) => (
            <input {...control} value={form.description} onChange={(event) => setForm({ ...form, description: event.target.value })} />
          )}
        </Field>
        <Field
          id="edit-protected"
          label="Protected"
          inline
          hint="A sync that drops, hides or rebuilds an index waits for another operator's approval."
        >
          {(control) => (
            <input
              {...control}
              type="checkbox"
              checked={form.protected}
              onChange={(event) => setForm({ ...form, protected: event.target.checked })}
            />
          )}
        </Field>
        <ErrorMessage error={save.error} />
        <button type="submit" disabled={save.busy}>
          Save changes
        </button>
      </form>
    </section>
  );
}

function DeleteDatabase() {
  const { db } = useDatabase();
  const navigate = useNavigate();
  const remove = useAction();
  const confirm = async () => {
    if (await remove.run(() => apiJson(`/databases/${db.id}`, { method: 'DELETE' }))) void navigate('/');
  };
  return (
    <section aria-labelledby="delete-title">
      <h2 id="delete-title">Delete</h2>
      <p>Deletes the database from the registry with all its index definitions; the target's own indexes stay as they are.</p>
      <ConfirmButton
        label="Delete database…"
        question={`Delete ${db.name} and its definitions?`}
        confirm={`Delete ${db.name}`}
        busy={remove.busy}
        onConfirm={() => void confirm()}
      />
      <ErrorMessage error={remove.error} />
    </section>
  );
}
