import { useEffect, useState } from 'react';
import { apiJson } from '../../api/client';
import { TERMINAL_STATUSES, type Page, type SyncAccepted, type SyncView } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { when } from '../../components/format';
import { useLoaded } from '../../hooks';
import { ApprovalForm } from './ApprovalForm';
import { SyncProgress } from './SyncProgress';
import type { SyncOptions } from './SyncOptionsFields';

interface Props {
  databaseId: string;
  options: SyncOptions;
  isProtected: boolean;
  onSyncEnded(): void;
}

/** Start a sync, follow it live, approve the ones waiting, and the database's latest syncs. */
export function SyncsPanel({ databaseId, options, isProtected, onSyncEnded }: Props) {
  const history = useLoaded(() => apiJson<Page<SyncView>>(`/indexes/sync-status/by-database/${databaseId}?page=1&limit=10`), [databaseId]);
  const [following, setFollowing] = useState<string>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const syncs = history.data?.items ?? [];

  // Opening the page while a sync runs follows it.
  const active = syncs.find((sync) => !TERMINAL_STATUSES.has(sync.status));
  useEffect(() => {
    if (!following && active) setFollowing(active.id);
  }, [following, active]);

  const start = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const accepted = await apiJson<SyncAccepted>('/indexes/sync-by-database', {
        method: 'POST',
        body: { database_id: databaseId, ...options, dry_run: dryRun },
      });
      setFollowing(accepted.sync_id);
      history.reload();
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel" aria-labelledby="syncs-title">
      <h3 id="syncs-title">Syncs</h3>
      {isProtected && (
        <p>This database is protected: a sync that drops, hides or rebuilds an index waits for another operator's approval.</p>
      )}
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void start(false)}>
          Start sync
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void start(true)}>
          Dry run
        </button>
      </div>
      <ErrorMessage error={error ?? history.error} />
      {following && (
        <SyncProgress
          syncId={following}
          onEnded={() => {
            history.reload();
            onSyncEnded();
          }}
        />
      )}
      <table>
        <caption>Latest syncs</caption>
        <thead>
          <tr>
            <th scope="col">Asked</th>
            <th scope="col">By</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {syncs.map((sync) => (
            <tr key={sync.id}>
              <td>{when(sync.created_at)}</td>
              <td>{sync.requested_by?.name ?? '—'}</td>
              <td>
                {sync.status.replace('_', ' ')}
                {sync.dry_run && ' (dry run)'}
              </td>
              <td className="number">{Math.round(sync.progress)}%</td>
              <td>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setFollowing(sync.id)}
                  aria-label={`Follow sync of ${when(sync.created_at)}`}
                >
                  Follow
                </button>
                {sync.status === 'awaiting_approval' && (
                  <ApprovalForm
                    sync={sync}
                    onDecided={() => {
                      setFollowing(sync.id);
                      history.reload();
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
