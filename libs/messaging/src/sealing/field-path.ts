/**
 * A copy of `value` whose string at `path` (one or two keys deep) is replaced by `change` of it.
 * A field that is absent, or not a string, stays as it is: the request's schema judges it.
 */
export function mapStringAt(value: unknown, path: readonly string[], change: (text: string) => string): unknown {
  const [head, ...rest] = path;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, head)) return value;
  const record = value as Record<string, unknown>;
  const inner = record[head];
  if (rest.length > 0) return { ...record, [head]: mapStringAt(inner, rest, change) };
  return typeof inner === 'string' ? { ...record, [head]: change(inner) } : value;
}
