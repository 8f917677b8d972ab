import { normalizeNumbers } from './numbers';
import { defineOwn, isPlainObject, sortedRecord, type MutableRecord } from './records';
import { orderedStringify } from './stable-json';
import type { IndexIssue } from './types';
import { EJSON_VALUE_WRAPPERS } from './ejson-wrappers';

/**
 * Operators MongoDB accepts in a partialFilterExpression on the servers this
 * product targets (6.0, 7.0, 8.0). MongoDB's "Partial Indexes" page lists:
 * equality (`field: value` or `$eq`), `$exists: true`, `$gt/$gte/$lt/$lte`,
 * `$type`, `$and`, and since 6.0 `$or` and `$in` (5.0 and earlier allowed
 * `$and` at the top level only, no `$or`/`$in`). The 7.0+ pages add
 * `$geoWithin`/`$geoIntersects`; they are refused here because a 6.0 server
 * would refuse them.
 */
const FIELD_OPERATORS: ReadonlySet<string> = new Set(['$eq', '$exists', '$gt', '$gte', '$lt', '$lte', '$type', '$in']);
const LOGICAL_OPERATORS: ReadonlySet<string> = new Set(['$and', '$or']);

function isEjsonValue(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length >= 1 && keys.every((key) => EJSON_VALUE_WRAPPERS.has(key)) && keys.length <= 2;
}

function isOperatorObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return isPlainObject(value) && !isEjsonValue(value) && Object.keys(value).some((key) => key.startsWith('$'));
}

const RULE = 'partial_filter_operators';

export function validatePartialFilter(expression: unknown, path: string): IndexIssue[] {
  const issues: IndexIssue[] = [];
  if (!isPlainObject(expression)) {
    issues.push({ field: path, rule: RULE, message: `${path} must be a document` });
    return issues;
  }
  checkDocument(expression, path, issues);
  return issues;
}

function checkDocument(document: Readonly<Record<string, unknown>>, path: string, issues: IndexIssue[]): void {
  for (const [key, value] of Object.entries(document)) {
    const here = `${path}.${key}`;
    if (LOGICAL_OPERATORS.has(key)) {
      if (!Array.isArray(value) || value.length === 0) {
        issues.push({ field: here, rule: RULE, message: `${key} takes a non-empty array of filter documents` });
        continue;
      }
      value.forEach((child: unknown, i: number) => {
        if (isPlainObject(child)) checkDocument(child, `${here}.${i}`, issues);
        else issues.push({ field: `${here}.${i}`, rule: RULE, message: `each ${key} element must be a filter document` });
      });
    } else if (key.startsWith('$')) {
      issues.push({ field: here, rule: RULE, message: `${key} is not allowed in a partial filter (allowed: ${allowedList()})` });
    } else {
      checkCondition(value, here, issues);
    }
  }
}

function checkCondition(condition: unknown, path: string, issues: IndexIssue[]): void {
  if (condition instanceof RegExp) {
    issues.push({ field: path, rule: RULE, message: `a regular expression is a $regex match, which a partial filter does not allow` });
    return;
  }
  if (!isOperatorObject(condition)) return; // equality with a value or an embedded document
  const keys = Object.keys(condition);
  if (!keys.every((key) => key.startsWith('$'))) {
    issues.push({ field: path, rule: RULE, message: `a condition mixes operators and field names` });
    return;
  }
  for (const operator of keys) {
    const value = condition[operator];
    const here = `${path}.${operator}`;
    if (!FIELD_OPERATORS.has(operator)) {
      issues.push({ field: here, rule: RULE, message: `${operator} is not allowed in a partial filter (allowed: ${allowedList()})` });
    } else if (operator === '$exists' && value !== true && value !== 1) {
      issues.push({ field: here, rule: RULE, message: `only $exists: true is allowed in a partial filter` });
    } else if (operator === '$in' && !Array.isArray(value)) {
      issues.push({ field: here, rule: RULE, message: `$in takes an array` });
    }
  }
}

function allowedList(): string {
  return 'equality, $eq, $exists: true, $gt, $gte, $lt, $lte, $type, $in, $and, $or';
}

/**
 * The identity form of a partial filter. MongoDB compares the filters of two
 * indexes as parsed match expressions (since 5.0 the filter is part of an
 * index's identity, SERVER-25023), where the order of predicates, of `$and` /
 * `$or` children and of `$in` values does not matter and `{ a: { $eq: 5 } }`
 * is `{ a: 5 }`. So predicate keys, operator keys and those arrays are sorted;
 * an embedded document used as an equality value keeps its order, because
 * document equality in MongoDB is order-sensitive. Numbers are plain.
 */
export function canonicalPartialFilter(expression: unknown): unknown {
  const normalized = normalizeNumbers(expression);
  return isPlainObject(normalized) ? canonicalDocument(normalized) : normalized;
}

function canonicalDocument(document: Readonly<Record<string, unknown>>): MutableRecord {
  const entries = new Map<string, unknown>();
  for (const [key, value] of flattenTopAnd(document)) {
    if (LOGICAL_OPERATORS.has(key) && Array.isArray(value)) {
      const children = value.map((child: unknown) => (isPlainObject(child) ? canonicalDocument(child) : child));
      entries.set(key, sortByIdentity(children));
    } else if (key.startsWith('$')) {
      entries.set(key, value);
    } else {
      entries.set(key, canonicalCondition(value));
    }
  }
  return sortedRecord(entries);
}

/** `{ $and: [{a: 1}, {b: 2}] }` is `{ a: 1, b: 2 }` when no field repeats; repeated fields must stay in the `$and`. */
function flattenTopAnd(document: Readonly<Record<string, unknown>>): [string, unknown][] {
  const entries = Object.entries(document);
  const conjuncts = document.$and;
  if (!Array.isArray(conjuncts) || !conjuncts.every((child: unknown) => isPlainObject(child))) return entries;
  const merged = entries.filter(([key]) => key !== '$and');
  const seen = new Set(merged.map(([key]) => key));
  for (const child of conjuncts as Readonly<Record<string, unknown>>[]) {
    for (const [key, value] of Object.entries(child)) {
      if (seen.has(key)) return entries;
      seen.add(key);
      merged.push([key, value]);
    }
  }
  return merged;
}

function canonicalCondition(condition: unknown): unknown {
  if (!isOperatorObject(condition)) return condition;
  const keys = Object.keys(condition);
  if (keys.length === 1 && keys[0] === '$eq') {
    const operand = condition.$eq;
    if (!(operand instanceof RegExp) && !isOperatorObject(operand)) return operand;
  }
  const out: MutableRecord = {};
  for (const key of [...keys].sort()) {
    const value = condition[key];
    defineOwn(out, key, key === '$in' && Array.isArray(value) ? sortByIdentity(value) : value);
  }
  return out;
}

function sortByIdentity(values: readonly unknown[]): unknown[] {
  return values
    .map((value) => ({ value, id: orderedStringify(value) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(({ value }) => value);
}
