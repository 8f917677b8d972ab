/** Exit codes, for CI: 0 nothing to change (or done), 2 something would change, 1 an error. */
export const EXIT = { ok: 0, error: 1, changes: 2, interrupted: 130 } as const;

/** An error for the person at the terminal: printed as one `error:` message, never as a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The gateway's one error shape (ErrorResponse in the OpenAPI document). */
export interface ErrorBody {
  statusCode?: number;
  error?: string;
  message?: string;
  issues?: { field: string; rule: string; message: string }[];
  details?: Record<string, unknown>;
  request_id?: string;
}

const HINTS: Record<number, string> = {
  401: 'log in again: index-registry login',
  403: 'your role in this project does not allow it; ask a project admin',
  412: 'the definitions changed since you read them: run the command again',
};

/** A CliError that says what the gateway refused and why, naming each failing field. */
export function apiError(status: number, body: unknown, what: string): CliError {
  const error = (typeof body === 'object' && body !== null ? body : {}) as ErrorBody;
  const code = error.error ? ` ${error.error}` : '';
  const message = error.message ?? (typeof body === 'string' && body ? body.slice(0, 200) : 'no explanation given');
  // Each failing field on a line of its own, but for those the message already names.
  const issues = (error.issues ?? [])
    .filter((issue) => !message.includes(`${issue.field}: ${issue.message}`))
    .map((issue) => `\n  ${issue.field}: ${issue.message}`)
    .join('');
  const request = error.request_id ? ` (request ${error.request_id})` : '';
  return new CliError(`${what} failed: ${status}${code}: ${message}${issues}${request}`, HINTS[status]);
}

/** What a failed fetch says, without the undici internals. */
export function networkError(server: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new CliError(`cannot reach the server at ${server}: ${reason}`, 'check --server (or log in again with the right URL)');
}
