import { apiJson } from '../../api/client';
import type { CollectionSummary, CompareSummary } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { json, when } from '../../components/format';
import { useLoaded } from '../../hooks';

/** A live compare (`compare-by-database?view=summary`): per collection, only what is not matched. */
export function Differences({ databaseId, freshAfter }: { databaseId: string; freshAfter: number }) {
  const compare = useLoaded(
    () => apiJson<CompareSummary>('/indexes/compare-by-database?view=summary', { method: 'POST', body: { database_id: databaseId } }),
    [databaseId, freshAfter],
  );
  const summary = compare.data;
  return (
    <section aria-labelledby="differences-title">
      <h2 id="differences-title">Differences</h2>
      <button type="button" onClick={compare.reload} disabled={compare.loading}>
        Compare now
      </button>
      <p aria-live="polite" className="status-line">
        {compare.loading
          ? 'Comparing with the live database…'
          : summary &&
            `Compared ${when(summary.compared_at)}: ${summary.totals.missing} missing, ${summary.totals.redundant} redundant, ${summary.totals.different} different, ${summary.totals.matched} matched`}
      </p>
      <ErrorMessage error={compare.error} />
      {summary?.collections.map((collection) => (
        <CollectionDifferences key={collection.collection} collection={collection} />
      ))}
    </section>
  );
}

function CollectionDifferences({ collection }: { collection: CollectionSummary }) {
  const { counts } = collection;
  const clean = counts.missing + counts.redundant + counts.different + counts.name_differs === 0 && collection.status === 'ok';
  return (
    <article className="collection" aria-labelledby={`collection-${collection.collection}`}>
      <h3 id={`collection-${collection.collection}`}>
        <code>{collection.collection}</code>{' '}
        <span className="muted">
          {counts.missing} missing · {counts.redundant} redundant · {counts.different} different · {counts.matched} matched
          {!collection.collection_exists && ' · not on the target yet'}
        </span>
      </h3>
      {collection.error && (
        <p className="error">
          Could not read it: {collection.error.message} ({collection.error.code})
        </p>
      )}
      {clean && <p>Every index matches the design repository.</p>}
      {collection.missing.length > 0 && (
        <IndexTable
          title="Missing (in the design repository, not on the target)"
          rows={collection.missing.map((i) => [i.name, json(i.spec)])}
        />
      )}
      {collection.redundant.length > 0 && (
        <IndexTable
          title="Redundant (on the target, not in the design repository)"
          rows={collection.redundant.map((i) => [
            i.name,
            json(i.spec),
            i.usage ? `${i.usage.ops} uses${i.safe_drop_candidate ? ', safe to drop' : ''}` : '',
          ])}
        />
      )}
      {collection.different.map((index) => (
        <table key={index.name} className="different">
          <caption>
            Different: <code>{index.name}</code>
            {index.target_name !== index.name && (
              <>
                {' '}
                (on the target <code>{index.target_name}</code>)
              </>
            )}
            , matched by {index.matched_by}
          </caption>
          <thead>
            <tr>
              <th scope="col">Option</th>
              <th scope="col">Design repository</th>
              <th scope="col">Target</th>
            </tr>
          </thead>
          <tbody>
            {index.values.map((value) => (
              <tr key={value.option}>
                <th scope="row">{value.option}</th>
                <td>
                  <code>{json(value.dr)}</code>
                </td>
                <td>
                  <code>{json(value.target)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {collection.name_differs.length > 0 && (
        <IndexTable
          title="Matched under another name"
          rows={collection.name_differs.map((i) => [i.name, `on the target: ${i.target_name}`])}
        />
      )}
    </article>
  );
}

function IndexTable({ title, rows }: { title: string; rows: string[][] }) {
  return (
    <table>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">Index</th>
          <th scope="col">Specification</th>
          {rows.some((row) => row.length > 2) && <th scope="col">Usage</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, ...cells]) => (
          <tr key={name}>
            <th scope="row">
              <code>{name}</code>
            </th>
            {cells.map((cell, i) => (
              <td key={i}>
                <code>{cell}</code>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
