/** A date-time as the reader's locale writes it. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** A JSON value on one line, as the API gave it. */
export function json(value: unknown): string {
  return value === undefined ? '—' : JSON.stringify(value);
}
