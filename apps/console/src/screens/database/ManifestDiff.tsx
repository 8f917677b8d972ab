import type { ManifestApplyResult, ManifestUpdate } from '../../api/types';
import { json } from '../../components/format';

/** What an apply of the manifest does (or would do, on a dry run): the definitions created, updated with before and after, and deleted. */
export function ManifestDiff({ result }: { result: ManifestApplyResult }) {
  const { created, updated, deleted, unchanged, warnings } = result;
  return (
    <div className="panel" aria-labelledby="manifest-diff-title">
      <h3 id="manifest-diff-title">
        {result.dry_run ? 'Dry run' : 'Applied'}: {created.length} created, {updated.length} updated, {deleted.length} deleted,{' '}
        {unchanged.length} unchanged
      </h3>
      <Names title="Created" items={created} />
      {updated.map((update) => (
        <UpdateTable key={`${update.collection}.${update.name}`} update={update} />
      ))}
      <Names title="Deleted" items={deleted} />
      {warnings.length > 0 && (
        <>
          <h4>Warnings</h4>
          <ul>
            {warnings.map((warning) => (
              <li key={`${warning.field}:${warning.message}`}>
                <code>{warning.field}</code>: {warning.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function Names({ title, items }: { title: string; items: { collection: string; name: string }[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul aria-label={title}>
        {items.map((item) => (
          <li key={`${item.collection}.${item.name}`}>
            <code>
              {item.collection}.{item.name}
            </code>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Only what differs: the keys when they changed, and each option added, removed or changed. */
function UpdateTable({ update }: { update: ManifestUpdate }) {
  const { before, after } = update;
  const options = [...new Set([...Object.keys(before.options ?? {}), ...Object.keys(after.options ?? {})])];
  const keys = (side: typeof before) => side.keys?.map((key) => `${key.field}: ${key.value}`).join(', ');
  return (
    <table>
      <caption>
        Updated:{' '}
        <code>
          {update.collection}.{update.name}
        </code>
      </caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {(before.keys || after.keys) && (
          <tr>
            <th scope="row">keys</th>
            <td>
              <code>{keys(before) ?? 'not set'}</code>
            </td>
            <td>
              <code>{keys(after) ?? 'not set'}</code>
            </td>
          </tr>
        )}
        {options.map((option) => (
          <tr key={option}>
            <th scope="row">{option}</th>
            <td>
              <code>{json(before.options?.[option])}</code>
            </td>
            <td>
              <code>{json(after.options?.[option])}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
