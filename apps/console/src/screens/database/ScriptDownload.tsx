import { useState } from 'react';
import { apiFetch } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { SyncOptions } from './SyncOptionsFields';

const FILE_NAME = /filename="?([^";]+)"?/;

/** Downloads the plan as a mongosh script (`generate-script`, Accept: application/javascript). */
export function ScriptDownload({ databaseId, options }: { databaseId: string; options: SyncOptions }) {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const response = await apiFetch('/indexes/generate-script', {
        method: 'POST',
        accept: 'application/javascript',
        body: { database_id: databaseId, mode: 'plan', hide_before_drop: options.hide_before_drop, on_error: options.on_error },
      });
      const name = FILE_NAME.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'indexes.js';
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" onClick={() => void download()} disabled={busy}>
        Download mongosh script
      </button>
      <ErrorMessage error={error} />
    </>
  );
}
