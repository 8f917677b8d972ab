import type { ImportResult } from '../../api/types';
import { json } from '../../components/format';

const keysOf = (keys: unknown[]) => keys.map((key) => json(key)).join(', ');

/** What an import did (or would do, on a dry run): created, already defined, differs, cannot be represented. */
export function ImportResultView({ result }: { result: ImportResult }) {
  const created = result.created ?? [];
  const differences = result.differences ?? [];
  return (
    <div className="panel" aria-labelledby="import-result-title">
      <h3 id="import-result-title">
        {result.dry_run ? 'Dry run' : 'Imported'}: {created.length} to create, {result.skipped.length} already defined, {differences.length}{' '}
        differ, {result.failed.length} cannot be represented
      </h3>
      {created.length > 0 && (
        <List title={result.dry_run ? 'Would be created' : 'Created'} items={created.map((item) => `${item.collection}.${item.name}`)} />
      )}
      {result.skipped.length > 0 && (
        <List title="Already defined" items={result.skipped.map((item) => `${item.collection}.${item.name}`)} />
      )}
      {differences.length > 0 && (
        <table>
          <caption>Differs from its definition</caption>
          <thead>
            <tr>
              <th scope="col">Live index</th>
              <th scope="col">What differs</th>
              <th scope="col">Defined</th>
              <th scope="col">Live</th>
              <th scope="col">Resolution</th>
            </tr>
          </thead>
          <tbody>
            {differences.map((difference) => (
              <tr key={`${difference.collection}.${difference.name}`}>
                <th scope="row">
                  <code>
                    {difference.collection}.{difference.name}
                  </code>
                </th>
                <td>{difference.fields.join(', ')}</td>
                <td>
                  <code>
                    {difference.defined.name}: {keysOf(difference.defined.keys)} {json(difference.defined.options ?? {})}
                  </code>
                </td>
                <td>
                  <code>
                    {keysOf(difference.live.keys)} {json(difference.live.options ?? {})}
                  </code>
                </td>
                <td>{difference.resolution === 'kept' ? 'definition kept' : 'definition overwritten'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.failed.length > 0 && (
        <List title="Cannot be represented" items={result.failed.map((item) => `${item.collection}.${item.name}: ${item.reason}`)} />
      )}
    </div>
  );
}

function List({ title, items }: { title: string; items: string[] }) {
  return (
    <>
      <h4>{title}</h4>
      <ul aria-label={title}>
        {items.map((item) => (
          <li key={item}>
            <code>{item}</code>
          </li>
        ))}
      </ul>
    </>
  );
}
