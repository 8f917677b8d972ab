import { ApiError } from '../api/client';

/** An API error as the user should read it: the message, and each field the API named. */
export function ErrorMessage({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div role="alert" className="error">
      <p>{error.message}</p>
      {issues.length > 0 && (
        <ul>
          {issues.map((issue) => (
            <li key={issue.field}>
              <code>{issue.field}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
