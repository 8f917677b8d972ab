import { asNumber } from './numbers';

/** `$type` aliases and the BSON type numbers they name (`number` is every numeric type). */
export const TYPE_ALIASES: Readonly<Record<string, number | 'number'>> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
  number: 'number',
};
const TYPE_CODES: ReadonlySet<unknown> = new Set(Object.values(TYPE_ALIASES));

/** A `$type` operand as the set of type codes it names, or undefined when the server would refuse it. */
export function typeCodes(operand: unknown): (number | 'number')[] | undefined {
  const items = Array.isArray(operand) ? operand : [operand];
  if (items.length === 0) return undefined; // "$type must match at least one type"
  const codes: (number | 'number')[] = [];
  for (const item of items) {
    const code =
      typeof item === 'string'
        ? Object.prototype.hasOwnProperty.call(TYPE_ALIASES, item)
          ? TYPE_ALIASES[item]
          : undefined
        : asNumber(item);
    if (!TYPE_CODES.has(code)) return undefined;
    codes.push(code as number | 'number');
  }
  return codes;
}

/** A `$type` operand in one spelling: its alias names, sorted; a single type as its bare name (`'string'`). */
export function canonicalTypeOperand(operand: unknown): unknown {
  const codes = typeCodes(operand);
  if (codes === undefined) return operand;
  const names = [
    ...new Set(codes.map((code) => Object.keys(TYPE_ALIASES).find((name) => TYPE_ALIASES[name] === code) ?? String(code))),
  ].sort();
  return names.length === 1 ? names[0] : names;
}
