import { defineOwn, isPlainObject, type MutableRecord } from './records';

const EJSON_NUMBER_KEYS: readonly string[] = ['$numberInt', '$numberLong', '$numberDouble', '$numberDecimal'];

/**
 * The number behind any of the shapes a driver or EJSON gives back: plain
 * numbers, `{ $numberLong: '1' }` and friends, BSON Long (`toNumber()`),
 * Int32/Double (`valueOf()`), Decimal128 (`toString()`). Detected by shape so
 * that the library needs no driver. Dates are numbers by `valueOf()` but are
 * not numbers here.
 */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 1 && EJSON_NUMBER_KEYS.includes(keys[0])) {
    const raw = (value as Readonly<Record<string, unknown>>)[keys[0]];
    return typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : undefined;
  }
  const candidate = value as { toNumber?: unknown; valueOf?: unknown; _bsontype?: unknown };
  if (typeof candidate.toNumber === 'function') {
    const result: unknown = (candidate.toNumber as () => unknown).call(value);
    if (typeof result === 'number') return result;
  }
  if (typeof candidate.valueOf === 'function') {
    const result: unknown = (candidate.valueOf as () => unknown).call(value);
    if (typeof result === 'number') return result;
  }
  if (candidate._bsontype === 'Decimal128') {
    const result = Number(String(value));
    return Number.isNaN(result) ? undefined : result;
  }
  return undefined;
}

/** Number wrappers anywhere inside a value become plain numbers; other values and key order are kept. */
export function normalizeNumbers(value: unknown): unknown {
  const number = asNumber(value);
  if (number !== undefined) return number;
  if (Array.isArray(value)) return value.map(normalizeNumbers);
  if (!isPlainObject(value)) return value;
  const out: MutableRecord = {};
  for (const [key, item] of Object.entries(value)) defineOwn(out, key, normalizeNumbers(item));
  return out;
}
