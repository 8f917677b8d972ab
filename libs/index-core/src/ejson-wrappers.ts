/** Extended-JSON keys that wrap a BSON value (a date, an id, a number, ...): values, never query operators. */
export const EJSON_VALUE_WRAPPERS: ReadonlySet<string> = new Set([
  '$date',
  '$oid',
  '$numberInt',
  '$numberLong',
  '$numberDouble',
  '$numberDecimal',
  '$binary',
  '$uuid',
  '$timestamp',
  '$minKey',
  '$maxKey',
  '$regularExpression',
]);
