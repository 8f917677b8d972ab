import { useEffect, useState } from 'react';
import { apiJson } from '../../api/client';
import { followSync } from '../../api/sync-events';
import { TERMINAL_STATUSES, type SyncStatus, type SyncView } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';

/** One sync followed live through its server-sent events; its steps from the view, read again when it ends. */
export function SyncProgress({ syncId, onEnded }: { syncId: string; onEnded(): void }) {
  const [view, setView] = useState<SyncView>();
  const [live, setLive] = useState<{ status: SyncStatus; progress: number; done: number; total: number }>();
  const [error, setError] = useState<Error>();

  useEffect(() => {
    const abort = new AbortController();
    setView(undefined);
    setLive(undefined);
    setError(undefined);
    // onEnded is for a sync that ended while followed, not for looking at one that had ended already.
    let endedWhileFollowed = false;
    followSync(
      syncId,
      {
        onView: (current) => {
          endedWhileFollowed = !TERMINAL_STATUSES.has(current.status);
          setView(current);
          setLive({ status: current.status, progress: current.progress, done: doneSteps(current), total: current.steps.length });
        },
        onFact: (_event, fact) => setLive({ status: fact.status, progress: fact.progress, done: fact.steps_done, total: fact.steps_total }),
      },
      abort.signal,
    )
      .then(() => apiJson<SyncView>(`/indexes/sync-status/${syncId}`, { signal: abort.signal }))
      .then((ended) => {
        setView(ended);
        setLive({ status: ended.status, progress: ended.progress, done: doneSteps(ended), total: ended.steps.length });
        if (endedWhileFollowed && TERMINAL_STATUSES.has(ended.status)) onEnded();
      })
      .catch((caught: Error) => {
        if (!abort.signal.aborted) setError(caught);
      });
    return () => abort.abort();
    // onEnded is the parent's callback of the moment: following again when it changes would restart the stream.
  }, [syncId]);

  const status = live?.status ?? view?.status;
  return (
    <div className="panel sync-progress" aria-labelledby="sync-progress-title">
      <h4 id="sync-progress-title">
        Sync <code>{syncId}</code>
      </h4>
      <ErrorMessage error={error} />
      <p aria-live="polite" className="status-line" data-testid="sync-status">
        Status: <strong className={`status status-${status ?? 'loading'}`}>{status ? status.replace('_', ' ') : 'connecting…'}</strong>
        {live && live.total > 0 && ` (${live.done} of ${live.total} steps)`}
      </p>
      <label htmlFor={`progress-${syncId}`}>Progress</label>{' '}
      <progress id={`progress-${syncId}`} max={100} value={live?.progress ?? 0}>
        {live?.progress ?? 0}%
      </progress>{' '}
      <span>{Math.round(live?.progress ?? 0)}%</span>
      {view?.approval && view.approval.state === 'awaiting' && (
        <p>Waits for another operator's approval: {view.approval.reasons.join('; ')}.</p>
      )}
      {view && view.steps.length > 0 && (
        <table>
          <caption>Steps</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Operation</th>
              <th scope="col">Status</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {view.steps.map((step) => (
              <tr key={step.number}>
                <td className="number">{step.number}</td>
                <td>
                  {step.operation.kind}{' '}
                  <code>
                    {step.operation.collection}.{step.operation.index}
                  </code>
                </td>
                <td>{step.status}</td>
                <td>{step.error ?? step.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function doneSteps(view: SyncView): number {
  return view.steps.filter((step) => step.status !== 'pending' && step.status !== 'running').length;
}
