import { isPlainObject } from './records';
import { parsePartialFilter, PARTIAL_FILTER_RULE, type FilterNode } from './partial-filter-tree';
import { requiresVersionMessage, rulesAtLeast, type RuleContext } from './rule-version';
import type { IndexIssue } from './types';

export { canonicalPartialFilter } from './partial-filter-normal';

/**
 * What `createIndexes` accepts in a partialFilterExpression
 * (mongodb/mongo src/mongo/db/catalog/index_catalog_impl.cpp, `_checkValidFilterExpressions`, the
 * same on 6.0, 7.0 and 8.0; jstests/core/index/index_partial_create_drop.js): the parsed filter may
 * hold only AND, OR, equality (`$eq`, including an equality with a regular expression as its value),
 * `$lt/$lte/$gt/$gte`, `$exists: true`, `$type`, `$in` (whatever its values) and `$geoWithin` /
 * `$geoIntersects`, at most 4 levels deep (`internalPartialFilterExpressionMaxDepth`). Before 6.0
 * (the `TimeseriesMetricIndexes` feature) `$or`, `$in` and geo predicates were refused and `$and`
 * was allowed at the top level only; a target older than 6.0 gets `requires_version` for them.
 */
const ALLOWED: ReadonlySet<FilterNode['kind']> = new Set(['and', 'or', 'eq', 'lt', 'lte', 'gt', 'gte', 'exists', 'type', 'in', 'geo']);
const SINCE_6_0: ReadonlySet<FilterNode['kind']> = new Set(['or', 'in', 'geo']);
export const PARTIAL_FILTER_MAX_DEPTH = 4;
const ALLOWED_LIST = 'equality, $eq, $exists: true, $gt, $gte, $lt, $lte, $type, $in, $geoWithin, $geoIntersects, $and, $or';

export function validatePartialFilter(expression: unknown, path: string, context?: RuleContext): IndexIssue[] {
  if (!isPlainObject(expression)) return [{ field: path, rule: PARTIAL_FILTER_RULE, message: `${path} must be a document` }];
  const { root, issues } = parsePartialFilter(expression, path);
  const modern = rulesAtLeast(context, 6, 0);
  checkNode(root, 0, modern, context, issues);
  const depth = depthOf(root);
  if (modern && depth > PARTIAL_FILTER_MAX_DEPTH) {
    issues.push({
      field: path,
      rule: 'partial_filter_depth',
      message: `the filter nests ${depth} levels deep; MongoDB allows at most ${PARTIAL_FILTER_MAX_DEPTH}`,
    });
  }
  return issues;
}

function checkNode(node: FilterNode, level: number, modern: boolean, context: RuleContext | undefined, issues: IndexIssue[]): void {
  if (!ALLOWED.has(node.kind)) {
    const message = node.refusal ?? `${node.operator} is not allowed in a partial filter (allowed: ${ALLOWED_LIST})`;
    issues.push({ field: node.source, rule: PARTIAL_FILTER_RULE, message });
    return;
  }
  if (!modern && (SINCE_6_0.has(node.kind) || (node.kind === 'and' && level > 0))) {
    const what = node.kind === 'and' ? 'a nested $and in a partial filter' : `${node.operator} in a partial filter`;
    issues.push({ field: node.source, rule: 'requires_version', message: requiresVersionMessage(what, [6, 0], context) });
  }
  for (const child of node.children) checkNode(child, level + 1, modern, context, issues);
}

/** Levels of the parsed tree: a leaf is 1, a logical node one more than its deepest child. */
function depthOf(node: FilterNode): number {
  return node.children.reduce((deepest, child) => Math.max(deepest, depthOf(child) + 1), 1);
}
