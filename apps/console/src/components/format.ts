/** A date-time as the reader's locale writes it. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** A JSON value on one line, as the API gave it; `not set` where one side has no value (null). */
export function json(value: unknown): string {
  return value === undefined || value === null ? 'not set' : JSON.stringify(value);
}
