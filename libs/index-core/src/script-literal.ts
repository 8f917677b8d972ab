import { EJSON_VALUE_WRAPPERS } from './ejson-wrappers';
import { asNumber } from './numbers';
import { defineOwn, isPlainObject, type MutableRecord } from './records';

/** BSON values (from a driver) as canonical extended JSON, so that they keep their type in the script. */
function toEjsonShape(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof RegExp) return { $regularExpression: { pattern: value.source, options: value.flags } };
  if (Array.isArray(value)) return value.map(toEjsonShape);
  if (typeof value === 'object' && value !== null && !isPlainObject(value)) {
    const bson = value as { _bsontype?: unknown; toHexString?: () => string };
    if (bson._bsontype === 'ObjectId' && typeof bson.toHexString === 'function') return { $oid: bson.toHexString() };
    if (bson._bsontype === 'Decimal128') return { $numberDecimal: String(value) };
    const number = asNumber(value);
    if (number !== undefined) return number;
  }
  if (!isPlainObject(value)) return value;
  const out: MutableRecord = {};
  for (const [key, item] of Object.entries(value)) defineOwn(out, key, toEjsonShape(item));
  return out;
}

function someObject(value: unknown, test: (record: Readonly<Record<string, unknown>>) => boolean): boolean {
  if (Array.isArray(value)) return value.some((item) => someObject(item, test));
  if (!isPlainObject(value)) return false;
  return test(value) || Object.values(value).some((item) => someObject(item, test));
}

/** U+2028 and U+2029 are line terminators to JavaScript: written escaped, no literal can end a `//` comment. */
function escapeLineSeparators(text: string): string {
  return text.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * A JavaScript expression for a value, safe to paste into a mongosh script:
 * JSON (a subset of JavaScript) for plain values, so that names with quotes,
 * dots or any Unicode stay exact; `EJSON.parse("...")` when the value holds
 * extended-JSON wrappers (a date in a partial filter must stay a date); and
 * `JSON.parse("...")` when a field is named `__proto__`, which an object
 * literal would turn into a prototype instead of a field. It is one line
 * (JSON escapes line breaks; U+2028/U+2029 are escaped too), so that it is
 * also safe in a `//` comment: no name can end the comment it is quoted in.
 */
export function jsLiteral(value: unknown): string {
  const shaped = toEjsonShape(value);
  const json = JSON.stringify(shaped) ?? 'undefined';
  const wrappers = someObject(shaped, (r) => Object.keys(r).some((key) => EJSON_VALUE_WRAPPERS.has(key)));
  if (wrappers) return escapeLineSeparators(`EJSON.parse(${JSON.stringify(json)})`);
  const proto = someObject(shaped, (r) => Object.prototype.hasOwnProperty.call(r, '__proto__'));
  return escapeLineSeparators(proto ? `JSON.parse(${JSON.stringify(json)})` : json);
}
