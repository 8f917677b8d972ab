import { useState, type FormEvent } from 'react';
import { apiJson } from '../../api/client';
import type { IndexDefinitionView } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field, issuesOf } from '../../components/Field';
import { useAction } from '../../hooks';
import { bodyOf, KEY_TYPES, type DefinitionForm, type KeyRow } from './definition-form';

interface Props {
  databaseId: string;
  initial: DefinitionForm;
  /** The definition edited; absent, a new one is added. */
  definitionId?: string;
  /** The target's collections, offered as the collection's suggestions. */
  collections: string[];
  onSaved(definition: IndexDefinitionView): void;
  onCancel(): void;
}

/** Adds (`POST /indexes`) or edits (`PUT /indexes/:id`) one definition; the API's errors show next to their fields. */
export function DefinitionFormPanel({ databaseId, initial, definitionId, collections, onSaved, onCancel }: Props) {
  const [form, setForm] = useState(initial);
  const [local, setLocal] = useState<ReturnType<typeof bodyOf>['local']>({});
  const save = useAction();
  const set = (changes: Partial<DefinitionForm>) => setForm((previous) => ({ ...previous, ...changes }));
  const setKey = (index: number, changes: Partial<KeyRow>) =>
    set({ keys: form.keys.map((key, i) => (i === index ? { ...key, ...changes } : key)) });
  const title = definitionId ? `Edit ${initial.collection}.${initial.name}` : 'Add a definition';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { body, local: unparsed } = bodyOf(form);
    setLocal(unparsed);
    save.clear();
    if (Object.keys(unparsed).length) return;
    let saved: IndexDefinitionView | undefined;
    const ok = await save.run(async () => {
      saved = definitionId
        ? await apiJson<IndexDefinitionView>(`/indexes/${definitionId}`, { method: 'PUT', body })
        : await apiJson<IndexDefinitionView>('/indexes', { method: 'POST', body: { ...body, database_id: databaseId } });
    });
    if (ok && saved) onSaved(saved);
  };

  return (
    <form className="form panel" aria-label={title} noValidate onSubmit={(event) => void submit(event)}>
      <h3>{title}</h3>
      <Field id="def-collection" label="Collection" field="collection" error={save.error}>
        {(control) => (
          <input
            {...control}
            autoFocus
            list="def-collections"
            value={form.collection}
            onChange={(event) => set({ collection: event.target.value })}
          />
        )}
      </Field>
      <datalist id="def-collections">
        {collections.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <fieldset>
        <legend>Keys</legend>
        {issuesOf(save.error, 'keys', true).map((message) => (
          <p key={message} className="field-error">
            {message}
          </p>
        ))}
        {form.keys.map((key, index) => (
          <div key={index} className="key-row">
            <Field id={`def-key-${index}-field`} label={`Field ${index + 1}`} field={`keys.${index}`} error={save.error}>
              {(control) => (
                <input
                  {...control}
                  spellCheck={false}
                  value={key.field}
                  onChange={(event) => setKey(index, { field: event.target.value })}
                />
              )}
            </Field>
            <Field id={`def-key-${index}-type`} label={`Type of field ${index + 1}`}>
              {(control) => (
                <select {...control} value={key.value} onChange={(event) => setKey(index, { value: event.target.value })}>
                  {[...new Set([...KEY_TYPES, key.value])].map((type) => (
                    <option key={type} value={type}>
                      {type === '1' ? '1 (ascending)' : type === '-1' ? '-1 (descending)' : type}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {form.keys.length > 1 && (
              <button
                type="button"
                className="secondary"
                aria-label={`Remove field ${index + 1}`}
                onClick={() => set({ keys: form.keys.filter((_, i) => i !== index) })}
              >
                Remove
              </button>
            )}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => set({ keys: [...form.keys, { field: '', value: '1' }] })}>
          Add a key field
        </button>
      </fieldset>
      <Field
        id="def-name"
        label="Name (optional)"
        field="name"
        error={save.error}
        hint="Without one, MongoDB's default name from the keys (status_1)."
      >
        {(control) => <input {...control} value={form.name} onChange={(event) => set({ name: event.target.value })} />}
      </Field>
      <Field id="def-unique" label="Unique" inline field="options.is_unique" error={save.error}>
        {(control) => (
          <input {...control} type="checkbox" checked={form.unique} onChange={(event) => set({ unique: event.target.checked })} />
        )}
      </Field>
      <Field id="def-sparse" label="Sparse" inline field="options.sparse" error={save.error}>
        {(control) => (
          <input {...control} type="checkbox" checked={form.sparse} onChange={(event) => set({ sparse: event.target.checked })} />
        )}
      </Field>
      <Field id="def-ttl" label="Expire after (seconds, TTL)" field="options.expire_after_seconds" error={save.error}>
        {(control) => <input {...control} inputMode="numeric" value={form.ttl} onChange={(event) => set({ ttl: event.target.value })} />}
      </Field>
      <Field
        id="def-partial"
        label="Partial filter (JSON)"
        field="options.partial_filter_expression"
        error={save.error}
        local={local.partialFilter ? [local.partialFilter] : []}
        hint='For example {"status": {"$eq": "active"}}'
      >
        {(control) => (
          <textarea
            {...control}
            className="code"
            rows={3}
            value={form.partialFilter}
            onChange={(event) => set({ partialFilter: event.target.value })}
          />
        )}
      </Field>
      <Field
        id="def-collation"
        label="Collation (JSON)"
        field="options.collation"
        error={save.error}
        local={local.collation ? [local.collation] : []}
        hint='For example {"locale": "en", "strength": 2}'
      >
        {(control) => (
          <textarea
            {...control}
            className="code"
            rows={3}
            value={form.collation}
            onChange={(event) => set({ collation: event.target.value })}
          />
        )}
      </Field>
      <ErrorMessage error={save.error} />
      <div className="actions">
        <button type="submit" disabled={save.busy}>
          {definitionId ? 'Save definition' : 'Add definition'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
