/** Small helpers for building plain records from untrusted keys. */

export type MutableRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Plain objects only: BSON class instances (ObjectId, Date, Long...) must not be rebuilt field by field. */
export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (!isRecord(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Assignment would turn a field named `__proto__` into a prototype change; MongoDB allows that field name. */
export function defineOwn(target: MutableRecord, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Code-unit order, not locale order: the result must not depend on the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedRecord(entries: Iterable<readonly [string, unknown]>): MutableRecord {
  const out: MutableRecord = {};
  for (const [key, value] of [...entries].sort((a, b) => compareStrings(a[0], b[0]))) defineOwn(out, key, value);
  return out;
}
