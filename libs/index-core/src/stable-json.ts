import { compareStrings, isRecord } from './records';

/**
 * JSON with object keys sorted at every level, so that two values equal up to
 * key order serialize identically. Arrays keep their order (it is meaningful
 * in keys and filters). Non-finite numbers, which JSON cannot carry, are
 * written bare (`NaN`, `Infinity`) so they stay distinct from strings.
 */
export function stableStringify(value: unknown): string {
  return write(value, true) ?? 'null';
}

/**
 * The same serialization with object keys in their given order. Canonical
 * forms sort every object whose order MongoDB ignores, so comparing them this
 * way keeps the one order MongoDB does respect: embedded documents used as
 * equality values (`{ a: { x: 1, y: 2 } }` does not match `{ a: { y: 2, x: 1 } }`).
 */
export function orderedStringify(value: unknown): string {
  return write(value, false) ?? 'null';
}

function write(value: unknown, sortKeys: boolean): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(Object.is(value, -0) ? 0 : value) : String(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => write(item, sortKeys) ?? 'null').join(',')}]`;
  if (value instanceof Date) return write({ $date: Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString() }, sortKeys);
  if (value instanceof RegExp) return write({ $regex: value.source, $options: value.flags }, sortKeys);
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') return write((withToJson.toJSON as () => unknown).call(value), sortKeys);
  if (!isRecord(value)) return JSON.stringify(String(value));
  const parts: string[] = [];
  const keys = sortKeys ? Object.keys(value).sort(compareStrings) : Object.keys(value);
  for (const key of keys) {
    const item = write(value[key], sortKeys);
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
  }
  return `{${parts.join(',')}}`;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a 64-bit over UTF-8, 16 hex digits: a stable short identity, not a security hash (no crypto import). */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}
