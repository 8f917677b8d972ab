import { useState } from 'react';
import { apiJson } from '../../api/client';
import type { IndexDefinitionView, Page } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { json } from '../../components/format';
import { PagedTable, type Column } from '../../components/PagedTable';
import { useAction, useLoaded } from '../../hooks';
import { useDatabase } from './database-context';
import { EMPTY_FORM, formOf } from './definition-form';
import { DefinitionFormPanel } from './DefinitionFormPanel';

interface Definitions {
  byCollection: [string, IndexDefinitionView[]][];
  /** The target's collections, for the form's suggestions (empty when the target cannot be read now). */
  live: string[];
}

/** The collections that have definitions (from the manifest), each one's definitions, and the target's collections. */
async function loadDefinitions(databaseId: string): Promise<Definitions> {
  const [manifest, live] = await Promise.all([
    apiJson<{ collections: Record<string, unknown[]> }>(`/databases/${databaseId}/manifest`),
    apiJson<{ collections: string[] }>('/databases/collections/list', { method: 'POST', body: { database_id: databaseId } }).then(
      (answer) => answer.collections,
      () => [],
    ),
  ]);
  const names = Object.keys(manifest.collections).sort();
  const pages = await Promise.all(
    names.map((collection) =>
      apiJson<Page<IndexDefinitionView>>('/indexes/list-by-collection', {
        method: 'POST',
        body: { database_id: databaseId, collection, limit: 100 },
      }),
    ),
  );
  return { byCollection: names.map((name, i) => [name, pages[i].items]), live };
}

type Editing = { kind: 'none' } | { kind: 'add' } | { kind: 'edit'; definition: IndexDefinitionView };

/** The design repository's definitions of the database, by collection; editors add, edit and delete them. */
export function DefinitionsScreen() {
  const { db, can } = useDatabase();
  const definitions = useLoaded(() => loadDefinitions(db.id), [db.id]);
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const remove = useAction();
  const mayWrite = can('definitions:write');
  const total = definitions.data?.byCollection.reduce((sum, [, items]) => sum + items.length, 0) ?? 0;
  const done = () => {
    setEditing({ kind: 'none' });
    definitions.reload();
  };

  const columns: Column<IndexDefinitionView>[] = [
    { header: 'Name', rowHeader: true, cell: (d) => <code>{d.name}</code> },
    { header: 'Keys', cell: (d) => <code>{d.keys.map((key) => `${key.field}: ${key.value}`).join(', ')}</code> },
    { header: 'Options', cell: (d) => (Object.keys(d.options).length ? <code>{json(d.options)}</code> : '—') },
  ];
  if (mayWrite)
    columns.push({
      header: 'Actions',
      cell: (d) => (
        <span className="actions">
          <button
            type="button"
            className="secondary"
            aria-label={`Edit ${d.name}`}
            onClick={() => setEditing({ kind: 'edit', definition: d })}
          >
            Edit
          </button>
          <ConfirmButton
            label="Delete…"
            question={`Delete the definition ${d.collection}.${d.name}?`}
            confirm={`Delete ${d.name}`}
            busy={remove.busy}
            onConfirm={() => void remove.run(() => apiJson(`/indexes/${d.id}`, { method: 'DELETE' })).then((ok) => ok && done())}
          />
        </span>
      ),
    });

  return (
    <section aria-labelledby="definitions-title">
      <h2 id="definitions-title">Definitions</h2>
      <p>
        What the design repository wants on the target. A change here changes no real index: the overview then shows the drift, and a sync
        applies it.
      </p>
      {mayWrite && editing.kind === 'none' && (
        <button type="button" onClick={() => setEditing({ kind: 'add' })}>
          Add a definition
        </button>
      )}
      {editing.kind !== 'none' && (
        <DefinitionFormPanel
          key={editing.kind === 'edit' ? editing.definition.id : 'add'}
          databaseId={db.id}
          initial={editing.kind === 'edit' ? formOf(editing.definition) : EMPTY_FORM}
          definitionId={editing.kind === 'edit' ? editing.definition.id : undefined}
          collections={definitions.data?.live ?? []}
          onSaved={done}
          onCancel={() => setEditing({ kind: 'none' })}
        />
      )}
      <p aria-live="polite" className="status-line">
        {definitions.loading
          ? 'Loading the definitions…'
          : `${total} definition${total === 1 ? '' : 's'} in ${definitions.data?.byCollection.length ?? 0} collection(s)`}
      </p>
      <ErrorMessage error={definitions.error ?? remove.error} />
      {definitions.data?.byCollection.map(([collection, items]) => (
        <PagedTable key={collection} caption={`Collection ${collection}`} columns={columns} rows={items} rowKey={(d) => d.id} />
      ))}
    </section>
  );
}
