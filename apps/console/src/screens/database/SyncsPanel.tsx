import { useEffect, useState } from 'react';
import { apiJson } from '../../api/client';
import { TERMINAL_STATUSES, type Page, type SyncAccepted, type SyncView } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { when } from '../../components/format';
import { PagedTable, type Column } from '../../components/PagedTable';
import { useLoaded } from '../../hooks';
import { ApprovalForm } from './ApprovalForm';
import { SyncProgress } from './SyncProgress';
import type { SyncOptions } from './SyncOptionsFields';

const LIMIT = 10;

interface Props {
  databaseId: string;
  options: SyncOptions;
  isProtected: boolean;
  /** syncs:run: start one; syncs:approve: decide on one awaiting approval. */
  mayRun: boolean;
  mayApprove: boolean;
  onSyncEnded(): void;
}

/** Start a sync, follow it live, approve the ones waiting, and the database's latest syncs. */
export function SyncsPanel({ databaseId, options, isProtected, mayRun, mayApprove, onSyncEnded }: Props) {
  const [page, setPage] = useState(1);
  const history = useLoaded(
    () => apiJson<Page<SyncView>>(`/indexes/sync-status/by-database/${databaseId}?page=${page}&limit=${LIMIT}`),
    [databaseId, page],
  );
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

  const columns: Column<SyncView>[] = [
    { header: 'Asked', cell: (sync) => when(sync.created_at) },
    { header: 'By', cell: (sync) => sync.requested_by?.name ?? '—' },
    { header: 'Status', cell: (sync) => `${sync.status.replace('_', ' ')}${sync.dry_run ? ' (dry run)' : ''}` },
    { header: 'Progress', numeric: true, cell: (sync) => `${Math.round(sync.progress)}%` },
    {
      header: 'Actions',
      cell: (sync) => (
        <>
          <button
            type="button"
            className="secondary"
            onClick={() => setFollowing(sync.id)}
            aria-label={`Follow sync of ${when(sync.created_at)}`}
          >
            Follow
          </button>
          {sync.status === 'awaiting_approval' && mayApprove && (
            <ApprovalForm
              sync={sync}
              onDecided={() => {
                setFollowing(sync.id);
                history.reload();
              }}
            />
          )}
        </>
      ),
    },
  ];

  return (
    <div className="panel" aria-labelledby="syncs-title">
      <h3 id="syncs-title">Syncs</h3>
      {isProtected && (
        <p>This database is protected: a sync that drops, hides or rebuilds an index waits for another operator's approval.</p>
      )}
      {mayRun && (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void start(false)}>
            Start sync
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void start(true)}>
            Dry run
          </button>
        </div>
      )}
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
      <PagedTable
        caption="Latest syncs"
        columns={columns}
        rows={syncs}
        rowKey={(sync) => sync.id}
        paging={{
          page,
          limit: LIMIT,
          total: history.data?.total ?? 0,
          onPage: setPage,
          label: 'Sync pages',
          previous: 'Newer',
          next: 'Older',
        }}
      />
    </div>
  );
}
