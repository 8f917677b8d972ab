import { BSON } from 'mongodb';

/**
 * A value read from the server in relaxed Extended JSON, as `EJSON.serialize(value, { relaxed: true })`
 * gives it. listIndexes entries are almost always plain JSON already (documents, strings, finite
 * numbers, booleans): those are returned as they are, and only a value that is not (a Long, a Date,
 * a Decimal128, -0, NaN...) goes through the EJSON serializer, which is slow when it walks every
 * index of a large comparison.
 */
export function relaxedExtendedJson(value: unknown): unknown {
  return isPlainJson(value) ? value : (BSON.EJSON.serialize(value, { relaxed: true }) as unknown);
}

function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isPlainJson);
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      return Object.values(value).every(isPlainJson);
    default:
      return false;
  }
}
