import { EJSON_VALUE_WRAPPERS } from './ejson-wrappers';
import { normalizeNumbers } from './numbers';
import { typeCodes } from './bson-types';
import { isPlainObject } from './records';
import type { IndexIssue } from './types';

/**
 * A partial filter as the server's match-expression parser sees it
 * (mongodb/mongo src/mongo/db/matcher/expression_parser.cpp): a tree of logical nodes and
 * one leaf per operator. Several operators on one field are several leaves of the enclosing
 * `$and` (`{ a: { $gt: 0, $lt: 9 } }` is AND(a > 0, a < 9)); a document of several predicates
 * is an AND, of one predicate that predicate; `$all` is an AND of equalities; `$ne`, `$nin`,
 * `$not` and `$exists: false` are negations.
 */
export type FilterKind =
  'and' | 'or' | 'nor' | 'not' | 'eq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'exists' | 'type' | 'regex' | 'geo' | 'other';

export interface FilterNode {
  readonly kind: FilterKind;
  /** The field path of a leaf; '' for logical nodes. */
  readonly path: string;
  /** The operator as written (`$gt`, `$and`, `equality`...), for messages and rendering. */
  readonly operator: string;
  /** A leaf's operand, numbers plain. */
  readonly value?: unknown;
  readonly children: readonly FilterNode[];
  /** Where the definition wrote it (`options.partial_filter_expression.a.$gt`). */
  readonly source: string;
  /** Why the server refuses it, when the generic "not allowed" would mislead. */
  readonly refusal?: string;
}

export const PARTIAL_FILTER_RULE = 'partial_filter_operators';

const COMPARISONS: Readonly<Record<string, FilterKind>> = { $eq: 'eq', $lt: 'lt', $lte: 'lte', $gt: 'gt', $gte: 'gte' };
const NEGATIONS: ReadonlySet<string> = new Set(['$ne', '$nin', '$not']);
const GEO: ReadonlySet<string> = new Set(['$geoWithin', '$geoIntersects']);
/** Operators the parser knows that never make a partial filter (match types outside the allowed list, or banned features). */
const KNOWN_ELSEWHERE: ReadonlySet<string> = new Set([
  '$elemMatch',
  '$size',
  '$mod',
  '$bitsAllSet',
  '$bitsAllClear',
  '$bitsAnySet',
  '$bitsAnyClear',
  '$near',
  '$nearSphere',
  '$within',
  '$text',
  '$where',
  '$expr',
  '$jsonSchema',
  '$alwaysTrue',
  '$alwaysFalse',
  '$sampleRate',
]);

export function isRegexValue(value: unknown): boolean {
  if (value instanceof RegExp) return true;
  if (typeof value === 'object' && value !== null && (value as { _bsontype?: unknown })._bsontype === 'BSONRegExp') return true;
  return isPlainObject(value) && Object.keys(value).length === 1 && '$regularExpression' in value;
}

function isEjsonValue(value: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(value);
  return keys.length >= 1 && keys.length <= 2 && keys.every((key) => EJSON_VALUE_WRAPPERS.has(key));
}

/** `{ $gt: 1 }`: the parser reads an object whose first key starts with `$` as operators (EJSON values aside). */
export function isOperatorObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (!isPlainObject(value) || isEjsonValue(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith('$');
}

class Parser {
  readonly issues: IndexIssue[] = [];

  private issue(field: string, message: string): void {
    this.issues.push({ field, rule: PARTIAL_FILTER_RULE, message });
  }

  /** One document: its single predicate, or the AND of its predicates. */
  document(document: Readonly<Record<string, unknown>>, source: string): FilterNode {
    const nodes = Object.entries(document).flatMap(([key, value]) => this.predicate(key, value, `${source}.${key}`));
    return nodes.length === 1 ? nodes[0] : { kind: 'and', path: '', operator: '$and', children: nodes, source };
  }

  private predicate(key: string, value: unknown, source: string): FilterNode[] {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(value) || value.length === 0) {
        this.issue(source, `${key} takes a non-empty array of filter documents`);
        return [];
      }
      const children: FilterNode[] = [];
      value.forEach((child: unknown, i: number) => {
        if (isPlainObject(child)) children.push(this.document(child, `${source}.${i}`));
        else this.issue(`${source}.${i}`, `each ${key} element must be a filter document`);
      });
      return [{ kind: key.slice(1) as FilterKind, path: '', operator: key, children, source }];
    }
    if (key === '$comment') return []; // the parser ignores it
    if (key.startsWith('$')) return [{ kind: 'other', path: '', operator: key, value, children: [], source }];
    return this.condition(key, value, source);
  }

  private condition(path: string, condition: unknown, source: string): FilterNode[] {
    if (isRegexValue(condition)) {
      const refusal = 'a regular expression is a $regex match, which a partial filter does not allow';
      return [{ kind: 'regex', path, operator: '$regex', value: condition, children: [], source, refusal }];
    }
    if (!isOperatorObject(condition)) return [leaf('eq', path, 'equality', condition, source)];
    if (!Object.keys(condition).every((key) => key.startsWith('$'))) {
      this.issue(source, 'a condition mixes operators and field names');
      return [];
    }
    return Object.entries(condition).flatMap(([operator, operand]) => this.operator(path, operator, operand, `${source}.${operator}`));
  }

  private operator(path: string, operator: string, operand: unknown, source: string): FilterNode[] {
    const comparison = COMPARISONS[operator];
    if (comparison !== undefined) {
      if (comparison !== 'eq' && isRegexValue(operand)) {
        this.issue(source, `${operator} cannot take a regular expression`);
        return [];
      }
      return [leaf(comparison, path, operator, operand, source)];
    }
    switch (operator) {
      case '$in':
        if (!Array.isArray(operand)) {
          this.issue(source, '$in takes an array');
          return [];
        }
        if (operand.some((item: unknown) => isOperatorObject(item))) {
          this.issue(source, '$in values cannot be operator expressions');
          return [];
        }
        return [leaf('in', path, operator, operand, source)];
      case '$exists':
        return isTruthy(operand)
          ? [leaf('exists', path, operator, true, source)]
          : [{ ...leaf('not', path, operator, operand, source), refusal: 'only $exists: true is allowed in a partial filter' }];
      case '$type':
        if (typeCodes(operand) === undefined) {
          this.issue(source, '$type takes a BSON type name or number, or an array of them');
          return [];
        }
        return [leaf('type', path, operator, operand, source)];
      case '$regex':
      case '$options':
        return operator === '$options' ? [] : [leaf('regex', path, operator, operand, source)];
      case '$all':
        return this.all(path, operand, source);
      default:
        if (NEGATIONS.has(operator)) return [leaf('not', path, operator, operand, source)];
        if (GEO.has(operator)) return [leaf('geo', path, operator, operand, source)];
        return [
          {
            ...leaf('other', path, operator, operand, source),
            refusal: KNOWN_ELSEWHERE.has(operator) ? undefined : `${operator} is not a query operator`,
          },
        ];
    }
  }

  /** `$all: [x, y]` is AND(a = x, a = y); an empty `$all` matches nothing (a match type no partial filter allows). */
  private all(path: string, operand: unknown, source: string): FilterNode[] {
    if (!Array.isArray(operand)) {
      this.issue(source, '$all takes an array');
      return [];
    }
    if (operand.length === 0) return [leaf('other', path, '$all', operand, source)];
    const children = operand.map((item: unknown, i: number): FilterNode => {
      if (isRegexValue(item)) return leaf('regex', path, '$regex', item, `${source}.${i}`);
      if (isOperatorObject(item)) return leaf('other', path, Object.keys(item)[0], item, `${source}.${i}`);
      return leaf('eq', path, 'equality', item, `${source}.${i}`);
    });
    return [{ kind: 'and', path: '', operator: '$all', children, source }];
  }
}

function leaf(kind: FilterKind, path: string, operator: string, value: unknown, source: string): FilterNode {
  return { kind, path, operator, value: normalizeNumbers(value), children: [], source };
}

/** BSON truthiness, as the parser reads `$exists`: false, 0 and null are false, anything else true. */
function isTruthy(value: unknown): boolean {
  const plain = normalizeNumbers(value);
  return !(plain === false || plain === 0 || plain === null || plain === undefined);
}

/** The filter as the server parses it, and the structural mistakes that stop the parse. */
export function parsePartialFilter(
  expression: Readonly<Record<string, unknown>>,
  source: string,
): { root: FilterNode; issues: IndexIssue[] } {
  const parser = new Parser();
  const root = parser.document(expression, source);
  return { root, issues: parser.issues };
}
