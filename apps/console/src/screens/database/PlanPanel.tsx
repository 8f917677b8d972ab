import { apiJson } from '../../api/client';
import type { PlanResult } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { json } from '../../components/format';
import { useLoaded } from '../../hooks';
import { ScriptDownload } from './ScriptDownload';
import type { SyncOptions } from './SyncOptionsFields';

/** `POST /indexes/plan`: the ordered operations with their reasons, what the target would refuse, and the warnings. */
export function PlanPanel({ databaseId, options, freshAfter }: { databaseId: string; options: SyncOptions; freshAfter: number }) {
  const plan = useLoaded(
    () =>
      apiJson<PlanResult>('/indexes/plan', {
        method: 'POST',
        body: { database_id: databaseId, hide_before_drop: options.hide_before_drop },
      }),
    [databaseId, options.hide_before_drop, freshAfter],
  );
  const result = plan.data;
  return (
    <div className="panel" aria-labelledby="plan-title">
      <h3 id="plan-title">Plan</h3>
      <div className="actions">
        <button type="button" onClick={plan.reload} disabled={plan.loading}>
          Plan again
        </button>
        <ScriptDownload databaseId={databaseId} options={options} />
      </div>
      <ErrorMessage error={plan.error} />
      {plan.loading && <p aria-live="polite">Planning…</p>}
      {result && result.warnings.length > 0 && (
        <div className="warnings" role="note" aria-label="Plan warnings">
          <h4>Warnings</h4>
          <ul>
            {result.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      )}
      {result && result.operations.length === 0 && <p>Nothing to do: the database has the design repository's indexes.</p>}
      {result && result.operations.length > 0 && (
        <ol className="plan">
          {result.operations.map((operation, i) => (
            <li key={i}>
              <span className={`kind kind-${operation.kind}`}>{operation.kind}</span>{' '}
              <code>
                {operation.collection}.{operation.index}
              </code>
              : {operation.reason}
              {operation.spec && (
                <>
                  {' '}
                  <code className="muted">{json(operation.spec)}</code>
                </>
              )}
              {operation.unsupported && <p className="error">The target will refuse it: {operation.unsupported}</p>}
            </li>
          ))}
        </ol>
      )}
      {result?.skipped_collections.map((skipped) => (
        <p key={skipped.collection} className="error">
          Left alone: <code>{skipped.collection}</code> ({skipped.reason})
        </p>
      ))}
    </div>
  );
}
