import { useEffect, useState } from 'react';
import { applyManifest, isStale, loadManifest } from '../../api/manifest';
import type { ManifestApplyResult } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { useAction, useLoaded } from '../../hooks';
import { useDatabase } from './database-context';
import { ManifestDiff } from './ManifestDiff';

/**
 * The database's manifest (`GET /databases/:id/manifest`, YAML) in a plain text area: edit it or
 * load a file, dry-run it to see what would change, then apply exactly what was dry-run, guarded by
 * the ETag it was read with (If-Match). Deletions must be allowed explicitly.
 */
export function ManifestScreen() {
  const { db, can } = useDatabase();
  const manifest = useLoaded(() => loadManifest(db.id), [db.id]);
  const [draft, setDraft] = useState('');
  const [dryRun, setDryRun] = useState<{ yaml: string; result: ManifestApplyResult }>();
  const [applied, setApplied] = useState<ManifestApplyResult>();
  const [allowDeletions, setAllowDeletions] = useState(false);
  /** The user's text when a 412 replaced it with the current manifest, to restore. */
  const [overwritten, setOverwritten] = useState<string>();
  const action = useAction();
  const mayWrite = can('definitions:write');

  useEffect(() => {
    if (manifest.data) setDraft(manifest.data.yaml);
  }, [manifest.data]);

  const etag = manifest.data?.etag ?? '*';
  const reviewed = dryRun !== undefined && dryRun.yaml === draft;
  const deletions = reviewed ? dryRun.result.deleted.length : 0;

  const runDry = () =>
    action.run(async () => {
      setApplied(undefined);
      // Deletions allowed on a dry run only, so that it lists them (without, the API refuses with 409).
      const result = await applyManifest(db.id, draft, { etag, dryRun: true, allowDeletions: true });
      setDryRun({ yaml: draft, result });
      setAllowDeletions(false);
    });

  const apply = () =>
    action.run(async () => {
      const text = draft;
      try {
        setApplied(await applyManifest(db.id, text, { etag, dryRun: false, allowDeletions }));
        setDryRun(undefined);
        manifest.reload();
      } catch (error) {
        // Someone changed the definitions since the manifest was read: show theirs, keep ours to restore.
        if (isStale(error)) {
          setOverwritten(text);
          manifest.reload();
        }
        throw error;
      }
    });

  const upload = async (file: File | undefined) => {
    if (file) setDraft(await file.text());
  };

  return (
    <section aria-labelledby="manifest-title">
      <h2 id="manifest-title">Manifest</h2>
      <p>
        Every definition of the database as one YAML document, at revision <code>{etag.replaceAll('"', '')}</code> of the definitions (its
        ETag; the document's own <code>version: 1</code> is the manifest format). Applying it replaces the definitions; the overview then
        shows the drift, and a sync applies it to the target.
      </p>
      <ErrorMessage error={manifest.error} />
      {overwritten !== undefined && (
        <div role="alert" className="error">
          <p>
            The definitions changed since you loaded the manifest, so nothing was applied. The editor now shows the current manifest;
            dry-run again after checking it.
          </p>
          <button type="button" className="secondary" onClick={() => (setDraft(overwritten), setOverwritten(undefined))}>
            Restore my edit
          </button>
        </div>
      )}
      <Field id="manifest-yaml" label="Manifest (YAML)">
        {(control) => (
          <textarea
            {...control}
            className="code"
            rows={18}
            spellCheck={false}
            readOnly={!mayWrite}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
        )}
      </Field>
      {mayWrite && (
        <>
          <Field id="manifest-file" label="Load a YAML file into the editor">
            {(control) => (
              <input
                {...control}
                type="file"
                accept=".yaml,.yml,application/yaml,text/yaml"
                onChange={(event) => void upload(event.target.files?.[0])}
              />
            )}
          </Field>
          <div className="actions">
            <button type="button" disabled={action.busy || !draft.trim()} onClick={() => void runDry()}>
              Dry run
            </button>
            <button
              type="button"
              className="secondary"
              disabled={action.busy}
              onClick={() => (setDraft(manifest.data?.yaml ?? ''), setDryRun(undefined))}
            >
              Discard changes
            </button>
          </div>
        </>
      )}
      {action.error && !isStale(action.error) && <ErrorMessage error={action.error} />}
      {dryRun && !reviewed && <p className="status-line">The text changed since the dry run: dry-run it again to apply it.</p>}
      {reviewed && (
        <>
          <ManifestDiff result={dryRun.result} />
          {deletions > 0 && (
            <Field id="manifest-allow-deletions" label={`Delete the ${deletions} definition(s) the manifest leaves out`} inline>
              {(control) => (
                <input
                  {...control}
                  type="checkbox"
                  checked={allowDeletions}
                  onChange={(event) => setAllowDeletions(event.target.checked)}
                />
              )}
            </Field>
          )}
          <button type="button" disabled={action.busy || (deletions > 0 && !allowDeletions)} onClick={() => void apply()}>
            Apply manifest
          </button>
        </>
      )}
      {applied && (
        <div aria-live="polite">
          <ManifestDiff result={applied} />
        </div>
      )}
    </section>
  );
}
