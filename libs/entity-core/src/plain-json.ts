/**
 * A document as the MongoDB driver gives it (BSON wrappers such as ObjectId, Long, Decimal128, dates)
 * turned into plain JSON values, without importing the driver: this core stays pure, so it recognises
 * the wrappers by the `_bsontype` tag every BSON class carries.
 *
 * - ObjectId: its 24 hex digits; Date: ISO 8601 (an invalid date: null);
 * - Int32, Double: the number; Long, Decimal128: the number when it is exact, else its decimal text
 *   (a JSON number would round it);
 * - Binary, Timestamp and other wrappers: their `toJSON`/`toString` text;
 * - NaN and ±Infinity: null (JSON has none).
 */
export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

interface BsonLike {
  readonly _bsontype: string;
  toString(): string;
  toHexString?: () => string;
  valueOf?: () => unknown;
}

function isBson(value: object): value is BsonLike {
  return typeof (value as { _bsontype?: unknown })._bsontype === 'string';
}

/** A decimal text as a number when the number says exactly the same, else the text. */
function exactNumber(text: string): number | string {
  const number = Number(text);
  return Number.isFinite(number) && (Number.isSafeInteger(number) || !/^-?\d+$/.test(text)) ? number : text;
}

function fromBson(value: BsonLike): PlainJson {
  switch (value._bsontype) {
    case 'ObjectId':
      return value.toHexString ? value.toHexString() : value.toString();
    case 'Int32':
    case 'Double':
      return finiteOrNull(Number(value.valueOf?.()));
    case 'Long':
    case 'Decimal128':
      return exactNumber(value.toString());
    default:
      return value.toString();
  }
}

function finiteOrNull(number: number): number | null {
  return Number.isFinite(number) ? number : null;
}

export function plainJson(value: unknown): PlainJson {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return finiteOrNull(value);
    case 'bigint':
      return exactNumber(value.toString());
    case 'object':
      break;
    default:
      return null;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(plainJson);
  if (isBson(value)) return fromBson(value);
  const out: { [key: string]: PlainJson } = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = plainJson(field);
  return out;
}
