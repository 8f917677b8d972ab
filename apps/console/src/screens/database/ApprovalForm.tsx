import { useState } from 'react';
import { apiJson } from '../../api/client';
import type { SyncView } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';

/** Approve or reject a sync of a protected database (another operator than the one who asked). */
export function ApprovalForm({ sync, onDecided }: { sync: SyncView; onDecided(): void }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(undefined);
    try {
      const body = comment.trim() ? { comment: comment.trim() } : {};
      await apiJson<SyncView>(`/indexes/sync-status/${sync.id}/${decision}`, { method: 'POST', body });
      onDecided();
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };

  const inputId = `approval-comment-${sync.id}`;
  return (
    <form className="approval" aria-label={`Decide on sync ${sync.id}`} onSubmit={(event) => event.preventDefault()}>
      <p>
        Asked by {sync.requested_by?.name ?? 'someone'}; needs approval because it {sync.approval?.reasons.join('; ')}.
      </p>
      <div className="field">
        <label htmlFor={inputId}>Comment (optional)</label>
        <input id={inputId} value={comment} onChange={(event) => setComment(event.target.value)} maxLength={1000} />
      </div>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void decide('approve')}>
          Approve sync
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void decide('reject')}>
          Reject sync
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}
