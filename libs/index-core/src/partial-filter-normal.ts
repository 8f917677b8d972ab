import { normalizeNumbers } from './numbers';
import { compareStrings, defineOwn, isPlainObject, sortedRecord, type MutableRecord } from './records';
import { canonicalTypeOperand } from './bson-types';
import { isOperatorObject, isRegexValue, parsePartialFilter, type FilterKind, type FilterNode } from './partial-filter-tree';
import { orderedStringify } from './stable-json';
import { collationFold } from './partial-filter-collation';

/**
 * The identity form of a partial filter: one document for every filter the server treats as the
 * same index, and different documents for filters it keeps apart.
 *
 * Since 4.6/5.0 (SERVER-25023) the filter is part of an index's signature. The server compares two
 * filters as match expressions (mongodb/mongo src/mongo/db/index/index_descriptor.cpp,
 * `compareIndexOptions`: `parseAndNormalize` then `equivalent`; jstests/core/index_signature.js),
 * not as BSON. Normalizing (`optimize`, then `sortTree`) does this, and so does this function:
 *  - nested `$and`s flatten into one, nested `$or`s too; an `$and`/`$or` of one predicate is that
 *    predicate; so `{ a: { $gt: 0, $lt: 10 }, b: 'x' }` is `{ $and: [{ b: 'x' }, { a: { $lt: 10 } }, { a: { $gt: 0 } }] }`;
 *  - `$in` values are a set (order and duplicates do not count); an `$in` of one value is an
 *    equality; an `$or`'s equalities on one path are an `$in` (see `equalitiesAsIn`);
 *  - `$eq: v` is `v`; `$exists: 1` is `$exists: true`; `$type` is its set of types (`2` is `'string'`);
 *    numbers compare by value (`5`, `5.0` and `NumberLong(5)` are one value);
 *  - the children of an `$and`/`$or` are ordered by match type, path and shape only, never by value:
 *    `{ $and: [{ a: { $type: 1 } }, { a: { $type: 2 } }] }` and the same two reversed are two
 *    different indexes to the server (SERVER-47661), and so here;
 *  - values keep their own order (an embedded document is order-sensitive); under an index collation
 *    that ignores case (strength 1 or 2) the strings of compared values fold to one spelling
 *    (`collationFold`): `$in` values compare with the collation on every version, equalities and
 *    bounds since 7.3 (SERVER-47664; on 6.0/7.0 the core then calls `{ b: "blah" }` and `{ b: "BLAH" }`
 *    one index where the server keeps two, which select the same documents).
 */
export function canonicalPartialFilter(expression: unknown, collation?: unknown): unknown {
  if (!isPlainObject(expression)) return normalizeNumbers(expression);
  const { root } = parsePartialFilter(expression, '');
  const fold = collationFold(collation);
  return render(normalize(root, fold ? (value) => foldStrings(value, fold) : (value) => value));
}

/** The strings of a compared value as the index collation sees them (`collationFold`); EJSON wrappers are left alone. */
function foldStrings(value: unknown, fold: (value: string) => string): unknown {
  if (typeof value === 'string') return fold(value);
  if (Array.isArray(value)) return value.map((item) => foldStrings(item, fold));
  if (!isPlainObject(value) || Object.keys(value).some((key) => key.startsWith('$'))) return value;
  const out: MutableRecord = {};
  for (const [key, item] of Object.entries(value)) defineOwn(out, key, foldStrings(item, fold));
  return out;
}

type Fold = (value: unknown) => unknown;

function normalize(node: FilterNode, fold: Fold): FilterNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return normalizeList(node, fold);
    case 'in':
      return normalizeIn(node, Array.isArray(node.value) ? node.value.map(fold) : []);
    case 'type':
      return { ...node, operator: '$type', value: canonicalTypeOperand(node.value) };
    case 'eq':
      return { ...node, operator: '$eq', value: canonicalValue(fold(node.value)) };
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return { ...node, value: canonicalValue(fold(node.value)) };
    default:
      return { ...node, value: canonicalValue(node.value) };
  }
}

function normalizeList(node: FilterNode, fold: Fold): FilterNode {
  const children = node.children
    .map((child) => normalize(child, fold))
    .flatMap((child) => (child.kind === node.kind ? child.children : [child]));
  if (children.length === 1) return children[0];
  const merged = node.kind === 'or' ? equalitiesAsIn(children) : children;
  if (merged.length === 1) return merged[0];
  return { ...node, operator: `$${node.kind}`, children: stableSort(merged) };
}

/**
 * An `$or`'s equalities on one path are one `$in` of their values: `{ $or: [{ a: 1 }, { a: 2 }] }` is
 * `{ a: { $in: [1, 2] } }`, arrays included (`{ $or: [{ f: [1, 2] }, { f: [3] }] }` is `{ f: { $in: [[1, 2], [3]] } }`),
 * and two equal ones are one equality (mongodb/mongo jstests/core/query/or/or_to_in.js). 6.0 and 7.0 rewrite an
 * `$or` whose branches are all equalities on one path; 8.0 also groups them among other branches
 * (`{ $or: [{ a: 1 }, { b: 2 }, { a: 3 }] }` is `{ $or: [{ b: 2 }, { a: { $in: [1, 3] } }] }`). The core groups as 8.0
 * does: on 6.0/7.0 it then calls the two spellings one index where the server keeps two, whose filters select the
 * same documents; the other way round it would show drift against every 8.0 server. An equality with a regular
 * expression value (`$eq: /x/`) matches that value and is not rewritten, and neither is an `$in` branch: only
 * EQ and REGEX branches are eligible (mongodb/mongo src/mongo/db/matcher/expression_tree.cpp, 8.x,
 * `ListOfMatchExpression::getOptimizer`), so `{ $or: [{ a: 1 }, { a: { $in: [2, 3] } }] }` stays an `$or`.
 */
function equalitiesAsIn(children: readonly FilterNode[]): FilterNode[] {
  const byPath = new Map<string, FilterNode[]>();
  for (const child of children) {
    if (inValues(child) === undefined) continue;
    byPath.set(child.path, [...(byPath.get(child.path) ?? []), child]);
  }
  const grouped = [...byPath.values()].filter((group) => group.length > 1);
  if (grouped.length === 0) return [...children];
  const merged = new Set(grouped.flat());
  const rest = children.filter((child) => !merged.has(child));
  const ins = grouped.map((group) =>
    normalizeIn(
      { ...group[0], kind: 'in', operator: '$in' },
      group.flatMap((child) => inValues(child) ?? []),
    ),
  );
  return [...rest, ...ins];
}

/** The value a branch contributes to an `$in` of its path, or undefined when it is no plain equality. */
function inValues(child: FilterNode): readonly unknown[] | undefined {
  if (child.path === '' || child.kind !== 'eq' || isRegexValue(child.value)) return undefined;
  return [child.value];
}

function normalizeIn(node: FilterNode, raw: readonly unknown[]): FilterNode {
  const byId = new Map<string, unknown>();
  for (const item of raw.map(canonicalValue)) byId.set(orderedStringify(item), item);
  const values = [...byId.keys()].sort(compareStrings).map((id) => byId.get(id));
  if (values.length === 1) {
    const only = values[0];
    return isRegexValue(only)
      ? { ...node, kind: 'regex', operator: '$regex', value: only }
      : { ...node, kind: 'eq', operator: '$eq', value: only };
  }
  return { ...node, kind: 'in', operator: '$in', value: values };
}

/** Dates and ids in every shape a driver or Extended JSON gives them. */
function canonicalValue(value: unknown): unknown {
  if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString() };
  if (isPlainObject(value) && Object.keys(value).length === 1 && '$date' in value) {
    const raw = normalizeNumbers(value.$date);
    const date = typeof raw === 'string' || typeof raw === 'number' ? new Date(raw) : undefined;
    return date && !Number.isNaN(date.getTime()) ? { $date: date.toISOString() } : value;
  }
  const id = value as { _bsontype?: unknown; toHexString?: unknown };
  if (typeof value === 'object' && value !== null && id._bsontype === 'ObjectId' && typeof id.toHexString === 'function') {
    return { $oid: (id.toHexString as () => string).call(value) };
  }
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (isPlainObject(value) && !('$oid' in value)) {
    const out: MutableRecord = {};
    for (const [key, item] of Object.entries(value)) defineOwn(out, key, canonicalValue(item));
    return out;
  }
  return value;
}

const KIND_ORDER: readonly FilterKind[] = [
  'and',
  'or',
  'lte',
  'lt',
  'eq',
  'gt',
  'gte',
  'regex',
  'exists',
  'in',
  'type',
  'geo',
  'nor',
  'not',
  'other',
];

/** The server's sort key: match type, path, number of children, then the children's keys; never a value. */
function compareShape(a: FilterNode, b: FilterNode): number {
  if (a.kind !== b.kind) return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
  const byPath = compareStrings(a.path, b.path);
  if (byPath !== 0) return byPath;
  if (a.children.length !== b.children.length) return a.children.length - b.children.length;
  for (let i = 0; i < a.children.length; i++) {
    const byChild = compareShape(a.children[i], b.children[i]);
    if (byChild !== 0) return byChild;
  }
  return 0;
}

/** Array.prototype.sort is stable (ES2019): predicates of the same shape keep the order they were written in. */
function stableSort(children: readonly FilterNode[]): FilterNode[] {
  return [...children].sort(compareShape);
}

function render(node: FilterNode): MutableRecord {
  if (node.kind === 'and') return renderAnd(node.children);
  if (node.kind === 'or' || node.kind === 'nor') return sortedRecord([[node.operator, node.children.map(render)]]);
  if (node.path === '') return sortedRecord([[node.operator, node.value]]);
  return sortedRecord([[node.path, condition([node])]]);
}

/**
 * An AND whose predicates all differ in path or type writes as one document (`{ a: 'x', z: { $gt: 5 } }`):
 * its order is then fixed by the predicates themselves. Two of the same shape keep their written
 * order, which only an explicit `$and` array can carry.
 */
function renderAnd(children: readonly FilterNode[]): MutableRecord {
  const shapes = new Set(children.map((child) => `${child.kind}\u0000${child.path}`));
  const flat = shapes.size === children.length && children.every((child) => child.kind !== 'and');
  if (!flat) return { $and: children.map(render) };
  const byPath = new Map<string, FilterNode[]>();
  for (const child of children) {
    const key = child.path === '' ? child.operator : child.path;
    byPath.set(key, [...(byPath.get(key) ?? []), child]);
  }
  return sortedRecord(
    [...byPath.entries()].map(([key, nodes]): [string, unknown] => {
      const only = nodes[0];
      if (only.path === '') return [key, only.kind === 'or' || only.kind === 'nor' ? only.children.map(render) : only.value];
      return [key, condition(nodes)];
    }),
  );
}

/** A path's conditions: a bare value for a lone equality that reads as one, otherwise an operator document. */
function condition(nodes: readonly FilterNode[]): unknown {
  if (nodes.length === 1 && nodes[0].kind === 'eq' && !isOperatorObject(nodes[0].value) && !isRegexValue(nodes[0].value))
    return nodes[0].value;
  return sortedRecord(nodes.map((node): [string, unknown] => [node.kind === 'eq' ? '$eq' : node.operator, node.value]));
}
