import type { RuleVersion } from '../rule-version';
import type { Collation } from '../types';
import type { Deliberate } from './case-shape';

/**
 * Partial filter expressions, case by case, as the server decides them.
 * `validate`: createIndexes accepts the filter (`expect: []`) or refuses it (the rules the core
 * reports), on the target version given (absent: the newest rules). `identity`: two indexes on the
 * same key whose filters are `a` (a definition's) and `b` (as listIndexes returns it) are the same
 * index to the server (`same`: the second createIndexes is a no-op or IndexOptionsConflict) or two
 * indexes (`different`).
 */
export type PartialFilterCase =
  | {
      readonly title: string;
      readonly input: { readonly filter: unknown; readonly version?: RuleVersion };
      readonly expect: readonly string[];
      readonly source: string;
      readonly versions?: string;
    }
  | {
      readonly title: string;
      /** `collation`: the collation both indexes have (absent: none, binary comparison). */
      readonly input: { readonly a: Record<string, unknown>; readonly b: Record<string, unknown>; readonly collation?: Collation };
      readonly expect: 'same' | 'different';
      readonly source: string;
      readonly versions?: string;
      /** Where the core does not (yet) do what the server does: what it does instead, and why. */
      readonly deliberate?: Deliberate<'same' | 'different'>;
    };

const CHECK =
  'mongodb/mongo src/mongo/db/catalog/index_catalog_impl.cpp _checkValidFilterExpressions (master, 8.x; commit 873861d7): AND, OR, EQ, LT, LTE, GT, GTE, EXISTS, TYPE, MATCH_IN, GEO; depth ≤ internalPartialFilterExpressionMaxDepth (4)';
const CHECK_60 =
  'mongodb/mongo src/mongo/db/catalog/index_catalog_impl.cpp _checkValidFilterExpressions (6.0 development: $or, $in, geo and nested $and behind featureFlagTimeseriesMetricIndexes, enabled from 6.0)';
const JSTEST = 'mongodb/mongo jstests/core/index/index_partial_create_drop.js (master; commit 6fdbf4c4)';
const PARSER =
  'mongodb/mongo src/mongo/db/matcher/expression_parser.cpp (6.0–8.0): operators → match types ($ne/$nin/$not/$exists:false are NOT, $all an AND of EQ)';
const SIGNATURE =
  'mongodb/mongo src/mongo/db/index/index_descriptor.cpp compareIndexOptions (r6.0–8.0: parseAndNormalize, then MatchExpression::equivalent) + jstests/core/index_signature.js';
const NORMALIZE =
  'mongodb/mongo src/mongo/db/matcher/expression_tree.cpp ListOfMatchExpression optimizer (flatten, single child, $or of equalities → $in) + expression_leaf.cpp InMatchExpression (values a set; one value → $eq), r6.0–8.0';

const OR_TO_IN_70 =
  'mongodb/mongo jstests/core/query/or/or_to_in.js (requires_fcv_70; the rewrite since 4.9): an $or of equalities on one path is an $in, arrays and null included; $eq with a regular expression and range branches are not rewritten; mixed paths are not rewritten';
const OR_TO_IN_80 =
  'mongodb/mongo jstests/core/query/or/or_to_in.js (requires_fcv_80, commit 07c8efab: "The $or -> $in optimization was expanded in 8.0"): equalities on one path are grouped among other branches; two equal branches are one';

const READ_OPS =
  'mongodb/mongo jstests/core/index/index_partial_read_ops.js (requires_fcv_51; the $in/$or part behind TimeseriesMetricIndexes, on from 6.0)';
const DOWNGRADE =
  'mongodb/mongo jstests/multiVersion/targetedTestsLastLtsFeatures/partial_indexes_downgrade.js (commit e83a498b): a 6.0 partial index with $or/$in/$geoWithin blocks the FCV downgrade to 5.0, which refuses them';
const PBT_REPRO =
  'mongodb/mongo index_catalog_impl.cpp _checkValidFilterExpressions (OR of EQ, LT/LTE, AND) + the partial indexes of the SERVER-102825 property-test repro, built on 8.x';

const OR_TO_IN_SOURCE =
  'mongodb/mongo src/mongo/db/matcher/expression_tree.cpp ListOfMatchExpression::getOptimizer (8.x, tassert 8619402: a grouped branch is EQ or REGEX; $eq to a regular expression and other match types are not eligible)';

const COLLATED_73 =
  'mongodb/mongo jstests/core/index/index_signature.js (commit e03276d5, requires_fcv_73: "We take collation into account when checking partialFilterExpression equivalence") + src/mongo/db/matcher/expression_leaf.cpp ComparisonMatchExpressionBase::equivalent (BSONElementComparator with the collator; field names ignored)';
const COLLATED_IN =
  'mongodb/mongo src/mongo/db/matcher/expression_leaf.cpp InMatchExpression::equivalent (elements compared with woCompare(..., collator), r5.0–8.x) + index_descriptor.cpp compareIndexOptions (the filter parsed with the index collator)';

const ok = (title: string, filter: unknown, source = CHECK, versions?: string): PartialFilterCase => ({
  title,
  input: { filter },
  expect: [],
  source,
  versions,
});
const refused = (title: string, filter: unknown, rules: readonly string[], source = CHECK): PartialFilterCase => ({
  title,
  input: { filter },
  expect: rules,
  source,
});
const identity = (
  title: string,
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  expect: 'same' | 'different',
  source = SIGNATURE,
): PartialFilterCase => ({
  title,
  input: { a, b },
  expect,
  source,
});

const NESTED_4 = { $and: [{ $and: [{ $and: [{ x: 3 }] }] }] };
const NESTED_5 = { $and: [NESTED_4] };

export const PARTIAL_FILTER_CASES: readonly PartialFilterCase[] = [
  // ── operators the server accepts (6.0, 7.0, 8.0 alike) ──
  ok('equality', { a: 5 }),
  ok('equality with null', { deletedAt: null }),
  ok('$eq', { a: { $eq: 5 } }),
  ok('$eq with a regular expression value is an equality, not a regex match', { a: { $eq: /abc/ } }, PARSER),
  ok('range operators together', { a: { $gt: 0, $lt: 10 }, b: { $gte: 1, $lte: 9 } }),
  ok('$exists: true', { a: { $exists: true } }),
  ok('$exists: 1 is $exists: true', { a: { $exists: 1 } }, PARSER),
  ok('$type by alias, number and array', { a: { $type: 'string' }, b: { $type: 16 }, c: { $type: ['int', 'long'] } }),
  ok('$in', { status: { $in: ['active', 'inactive'] } }),
  ok('$in with a regular expression among its values (MATCH_IN is allowed whatever it holds)', { a: { $in: [/^x/, 'y'] } }),
  ok('$or', { $or: [{ a: 1 }, { b: { $gt: 2 } }] }),
  ok('$and nested in $or', { $or: [{ $and: [{ a: 1 }, { b: 2 }] }, { c: 3 }] }),
  ok('$geoWithin', { loc: { $geoWithin: { $centerSphere: [[0, 0], 1] } } }),
  ok('$geoIntersects', { loc: { $geoIntersects: { $geometry: { type: 'Point', coordinates: [0, 0] } } } }),
  ok('$all of plain values is an AND of equalities', { tags: { $all: ['a', 'b'] } }, PARSER),
  ok('$comment is ignored by the parser', { a: 1, $comment: 'why' }, PARSER),
  ok('depth 4 is allowed', NESTED_4, JSTEST),

  // ── what it refuses ──
  refused('a regular expression value is a $regex match', { x: /abc/ }, ['partial_filter_operators'], JSTEST),
  refused('$regex', { x: { $regex: '^a' } }, ['partial_filter_operators']),
  refused('$ne is a negation', { status: { $ne: 'done' } }, ['partial_filter_operators'], PARSER),
  refused('$nin is a negation', { status: { $nin: ['done'] } }, ['partial_filter_operators'], PARSER),
  refused('$not', { a: { $not: { $gt: 1 } } }, ['partial_filter_operators']),
  refused('$exists: false is a negation', { a: { $exists: false } }, ['partial_filter_operators'], PARSER),
  refused('$nor', { $nor: [{ a: 1 }] }, ['partial_filter_operators']),
  refused('$expr is banned in a partial filter', { $expr: { $eq: ['$x', 5] } }, ['partial_filter_operators'], JSTEST),
  refused('$where', { $where: 'true' }, ['partial_filter_operators']),
  refused('$elemMatch', { a: { $elemMatch: { b: 1 } } }, ['partial_filter_operators']),
  refused('$size', { a: { $size: 2 } }, ['partial_filter_operators']),
  refused('$mod', { a: { $mod: [2, 0] } }, ['partial_filter_operators']),
  refused('$near is not a geo predicate a filter may hold', { loc: { $near: [0, 0] } }, ['partial_filter_operators']),
  refused('an empty $all matches nothing', { a: { $all: [] } }, ['partial_filter_operators'], PARSER),
  refused('an unknown operator', { x: { $asdasd: 3 } }, ['partial_filter_operators'], JSTEST),
  refused('$and not an array', { $and: 5 }, ['partial_filter_operators'], JSTEST),
  refused('not a document', 5, ['partial_filter_operators'], JSTEST),
  refused('$type with no type', { a: { $type: [] } }, ['partial_filter_operators'], PARSER),
  refused('$type with an unknown alias', { a: { $type: 'text' } }, ['partial_filter_operators'], PARSER),
  refused('$gt with a regular expression', { a: { $gt: /x/ } }, ['partial_filter_operators'], PARSER),
  refused('depth 5 is refused', NESTED_5, ['partial_filter_depth'], JSTEST),

  refused('an empty $and (the parser wants a nonempty array)', { $and: [] }, ['partial_filter_operators'], PARSER),
  refused('an empty $or', { $or: [] }, ['partial_filter_operators'], PARSER),
  refused('$exists: 0 is $exists: false, a negation', { a: { $exists: 0 } }, ['partial_filter_operators'], PARSER),
  refused('$not of a regular expression', { a: { $not: /x/ } }, ['partial_filter_operators'], PARSER),
  refused('$alwaysTrue is no predicate the check allows', { $alwaysTrue: 1 }, ['partial_filter_operators'], CHECK),
  refused('$text is banned (kBanAllSpecialFeatures)', { $text: { $search: 'x' } }, ['partial_filter_operators'], CHECK),
  refused('$jsonSchema is no predicate the check allows', { $jsonSchema: {} }, ['partial_filter_operators'], CHECK),
  ok('a dotted path', { 'a.b': 1 }),
  ok('$exists with a range on one path', { a: { $exists: true, $gt: 5 } }),
  ok('$type "number"', { a: { $type: 'number' } }, PARSER),
  ok('$all of one value is that equality', { tags: { $all: ['a'] } }, PARSER),
  ok('$geoWithin a $box', {
    loc: {
      $geoWithin: {
        $box: [
          [0, 0],
          [1, 1],
        ],
      },
    },
  }),
  ok('$or under $and under $or, 4 levels', { $or: [{ $and: [{ $or: [{ a: 1 }, { b: 1 }] }, { c: 1 }] }, { d: 1 }] }, JSTEST),
  refused(
    '$or under $and under $or under $and, 5 levels',
    { $and: [{ $or: [{ $and: [{ $or: [{ a: 1 }, { b: 1 }] }, { c: 1 }] }, { d: 1 }] }, { e: 1 }] },
    ['partial_filter_depth'],
    JSTEST,
  ),

  ok('a bound with a double', { a: { $lte: 1.5 } }, READ_OPS),
  ok('$in of two numbers', { a: { $in: [3, 5] } }, READ_OPS, '6.0+'),
  ok('$or of an equality and an $and', { $or: [{ a: 3 }, { $and: [{ a: 5 }, { b: 5 }] }] }, READ_OPS, '6.0+'),
  ok('$or of $exists and $type on one path', { $or: [{ num: { $exists: true } }, { num: { $type: 'number' } }] }, CHECK, '6.0+'),
  ok('$or of an equality and a string bound', { $or: [{ a: 1 }, { a: { $lte: 'a string' } }] }, PBT_REPRO, '6.0+'),
  ok('$or with a two-field branch', { $or: [{ a: { $lt: '' } }, { _id: { $eq: 0 }, a: { $eq: 0 } }] }, PBT_REPRO, '6.0+'),
  {
    title: '$or of two ranges on a 5.0 target needs 6.0',
    input: { filter: { $or: [{ a: { $lt: 20 } }, { b: { $lt: 10 } }] }, version: [5, 0] },
    expect: ['requires_version'],
    source: DOWNGRADE,
    versions: '6.0+',
  },

  // ── versions: 6.0 brought $or, $in, geo and $and below the top ──
  {
    title: '$or on a 5.0 target needs 6.0',
    input: { filter: { $or: [{ a: 1 }, { b: 1 }] }, version: [5, 0] },
    expect: ['requires_version'],
    source: CHECK_60,
    versions: '6.0+',
  },
  {
    title: '$in on a 5.0 target needs 6.0',
    input: { filter: { a: { $in: [1, 2] } }, version: [5, 0] },
    expect: ['requires_version'],
    source: CHECK_60,
    versions: '6.0+',
  },
  {
    title: 'a top-level $and is fine on 5.0',
    input: { filter: { $and: [{ a: 1 }, { b: { $gt: 1 } }] }, version: [5, 0] },
    expect: [],
    source: CHECK_60,
  },
  {
    title: 'an $and under the top-level AND needs 6.0',
    input: { filter: { c: 1, $and: [{ a: 1 }, { b: 1 }] }, version: [5, 0] },
    expect: ['requires_version'],
    source: CHECK_60,
    versions: '6.0+',
  },
  {
    title: '$or on 6.0',
    input: { filter: { $or: [{ a: 1 }, { b: 1 }] }, version: [6, 0] },
    expect: [],
    source: CHECK_60,
    versions: '6.0+',
  },
  { title: 'no depth limit before 6.0', input: { filter: NESTED_5, version: [5, 0] }, expect: ['requires_version'], source: CHECK_60 },

  // ── identity: what the server treats as the same filter ──
  identity(
    'predicates in another order, written with $and (index_signature.js)',
    { a: { $gt: 0, $lt: 10 }, b: 'blah' },
    { $and: [{ b: 'blah' }, { a: { $lt: 10 } }, { a: { $gt: 0 } }] },
    'same',
  ),
  identity(
    'a different bound is a different index',
    { a: { $gt: 0, $lt: 10 }, b: 'blah' },
    { a: { $gt: 5, $lt: 10 }, b: 'blah' },
    'different',
  ),
  identity(
    'strings compare binarily without a collation',
    { a: { $gt: 0, $lt: 10 }, b: 'blah' },
    { a: { $gt: 0, $lt: 10 }, b: 'BLAH' },
    'different',
  ),
  {
    title: 'under a case-insensitive collation, 6.0 and 7.0 still compare an equality binarily (SERVER-47664)',
    input: {
      a: { a: { $gt: 0, $lt: 10 }, b: 'blah' },
      b: { a: { $gt: 0, $lt: 10 }, b: 'BLAH' },
      collation: { locale: 'en_US', strength: 1 },
    },
    expect: 'different',
    source: 'mongodb/mongo jstests/core/index/index_signature.js (commit 0778c597, 7.0: "partial_filter_collator_index" is a new index)',
    versions: '6.0–7.2',
    deliberate: {
      core: 'same',
      why: 'the core follows 7.3+ here (its canonical form has no server version): the two filters select the same documents under the collation, and the other way round every 8.0 server would show drift',
    },
  },
  {
    title: 'under a case-insensitive collation, 7.3+ compares an equality with the collation: the same index',
    input: {
      a: { a: { $gt: 0, $lt: 10 }, b: 'blah' },
      b: { a: { $gt: 0, $lt: 10 }, b: 'BLAH' },
      collation: { locale: 'en_US', strength: 1 },
    },
    expect: 'same',
    source: COLLATED_73,
    versions: '7.3+',
  },
  {
    title: 'an $in compares its values with the index collation (every version)',
    input: { a: { s: { $in: ['a', 'b'] } }, b: { s: { $in: ['A', 'b'] } }, collation: { locale: 'en_US', strength: 2 } },
    expect: 'same',
    source: COLLATED_IN,
  },
  {
    title: 'an $in whose values are one under the collation is that equality',
    input: { a: { s: { $in: ['a', 'A'] } }, b: { s: 'a' }, collation: { locale: 'en_US', strength: 2 } },
    expect: 'same',
    source: `${COLLATED_IN} + InMatchExpression::getOptimizer (one value: an equality)`,
    versions: '7.3+',
  },
  {
    title: 'strength 1 ignores accents in a bound',
    input: { a: { s: { $gte: 'é' } }, b: { s: { $gte: 'E' } }, collation: { locale: 'fr', strength: 1 } },
    expect: 'same',
    source: COLLATED_73,
    versions: '7.3+',
  },
  {
    title: 'strength 2 keeps accents apart',
    input: { a: { s: 'é' }, b: { s: 'e' }, collation: { locale: 'fr', strength: 2 } },
    expect: 'different',
    source: COLLATED_73,
  },
  {
    title: 'the default strength (3) keeps case apart',
    input: { a: { s: { $in: ['a', 'b'] } }, b: { s: { $in: ['A', 'b'] } }, collation: { locale: 'en_US' } },
    expect: 'different',
    source: COLLATED_IN,
  },
  {
    title: 'field names are no compared strings',
    input: { a: { s: { x: 'a' } }, b: { s: { X: 'a' } }, collation: { locale: 'en_US', strength: 2 } },
    expect: 'different',
    source: COLLATED_73,
  },
  identity(
    'two predicates of one shape keep their order (SERVER-47661)',
    { $and: [{ a: { $type: 1 } }, { a: { $type: 2 } }] },
    { $and: [{ a: { $type: 2 } }, { a: { $type: 1 } }] },
    'different',
  ),
  identity('$eq: v is v', { a: { $eq: 5 } }, { a: 5 }, 'same'),
  identity('numbers by value', { a: { $gt: 5 } }, { a: { $gt: { $numberLong: '5' } } }, 'same'),
  identity('$exists: 1 is $exists: true', { a: { $exists: 1 } }, { a: { $exists: true } }, 'same', PARSER),
  identity('$type alias is its number', { a: { $type: 'string' } }, { a: { $type: 2 } }, 'same'),
  identity('$type as an EJSON number', { a: { $type: { $numberInt: '2' } } }, { a: { $type: 'string' } }, 'same'),
  identity('$type set order', { a: { $type: ['int', 'long'] } }, { a: { $type: ['long', 'int'] } }, 'same'),
  identity('$in is a set', { a: { $in: [3, 1, 2, 1] } }, { a: { $in: [1, 2, 3] } }, 'same', NORMALIZE),
  identity('$in of one value is an equality', { a: { $in: [7] } }, { a: 7 }, 'same', NORMALIZE),
  identity('$or of equalities on one path is an $in', { $or: [{ a: 1 }, { a: 2 }] }, { a: { $in: [2, 1] } }, 'same', NORMALIZE),
  identity(
    '$or of three $eq on one path is their $in',
    { $or: [{ f1: { $eq: 5 } }, { f1: { $eq: 3 } }, { f1: { $eq: 7 } }] },
    { f1: { $in: [7, 3, 5] } },
    'same',
    OR_TO_IN_70,
  ),
  identity(
    '$or with null among the equalities',
    { $or: [{ f1: 42 }, { f1: null }, { f1: 99 }] },
    { f1: { $in: [42, 99, null] } },
    'same',
    OR_TO_IN_70,
  ),
  identity(
    '$or of array equalities is an $in of arrays',
    { $or: [{ f2: [32, 52] }, { f2: [42, [13, 11]] }] },
    {
      f2: {
        $in: [
          [32, 52],
          [42, [13, 11]],
        ],
      },
    },
    'same',
    OR_TO_IN_70,
  ),
  identity(
    'an $and of two such $or is an $and of two $in',
    { $and: [{ $or: [{ f1: 7 }, { f1: 3 }, { f1: 5 }] }, { $or: [{ f1: 1 }, { f1: 2 }, { f1: 3 }] }] },
    { $and: [{ f1: { $in: [7, 3, 5] } }, { f1: { $in: [1, 2, 3] } }] },
    'same',
    OR_TO_IN_70,
  ),
  identity(
    'an $or of two such $or is an $or of two $in (children are optimized first, and an $in branch is not merged)',
    { $or: [{ $or: [{ f1: 7 }, { f1: 3 }, { f1: 5 }] }, { $or: [{ f1: 1 }, { f1: 2 }, { f1: 3 }] }] },
    { $or: [{ f1: { $in: [7, 3, 5] } }, { f1: { $in: [1, 2, 3] } }] },
    'same',
    OR_TO_IN_70,
  ),
  identity(
    '... and not one $in',
    { $or: [{ $or: [{ f1: 7 }, { f1: 3 }, { f1: 5 }] }, { $or: [{ f1: 1 }, { f1: 2 }, { f1: 3 }] }] },
    { f1: { $in: [1, 2, 3, 5, 7] } },
    'different',
    OR_TO_IN_SOURCE,
  ),
  identity(
    'an $and branch stays beside the $in',
    { $or: [{ $and: [{ f1: 7 }, { f2: 7 }, { f1: 5 }] }, { $or: [{ f1: 1 }, { f1: 2 }, { f1: 3 }] }] },
    { $or: [{ $and: [{ f1: 7 }, { f2: 7 }, { f1: 5 }] }, { f1: { $in: [1, 2, 3] } }] },
    'same',
    OR_TO_IN_70,
  ),
  identity(
    '$eq with a regular expression is no $in of regular expressions',
    { $or: [{ f1: { $eq: /^x/ } }, { f1: { $eq: /ab/ } }] },
    { f1: { $in: [/^x/, /ab/] } },
    'different',
    OR_TO_IN_70,
  ),
  identity(
    'range branches stay an $or (in any order)',
    { $or: [{ f1: { $lt: 2 } }, { f1: { $gt: 3 } }] },
    { $or: [{ f1: { $gt: 3 } }, { f1: { $lt: 2 } }] },
    'same',
    OR_TO_IN_70,
  ),
  identity(
    'an $in branch is not merged with an equality (only EQ and REGEX branches are eligible)',
    { $or: [{ a: 1 }, { a: { $in: [2, 3] } }] },
    { a: { $in: [1, 2, 3] } },
    'different',
    OR_TO_IN_SOURCE,
  ),
  identity('two equal branches are one equality', { $or: [{ f1: 1 }, { f1: 1 }] }, { f1: 1 }, 'same', OR_TO_IN_80),
  {
    title:
      'equalities on one path grouped among other branches (8.0; 6.0/7.0 keep the two spellings apart, the core calls them one: they select the same documents)',
    input: { a: { $or: [{ f1: 1 }, { f2: 9 }, { f1: 99 }] }, b: { $or: [{ f2: 9 }, { f1: { $in: [1, 99] } }] } },
    expect: 'same',
    source: OR_TO_IN_80,
    versions: '8.0+',
  },
  identity(
    'two paths, two $in (8.0)',
    { $or: [{ f1: 1 }, { f2: 3 }, { f1: 2 }, { f2: 4 }, { f3: 5 }] },
    { $or: [{ f1: { $in: [1, 2] } }, { f2: { $in: [3, 4] } }, { f3: 5 }] },
    'same',
    OR_TO_IN_80,
  ),
  identity('$or branches in any order', { $or: [{ a: 1 }, { b: { $gt: 2 } }] }, { $or: [{ b: { $gt: 2 } }, { a: 1 }] }, 'same', NORMALIZE),
  identity('an $and of one predicate is the predicate', { $and: [{ a: 1 }] }, { a: 1 }, 'same', NORMALIZE),
  identity('nested $and flattens', { $and: [{ $and: [{ a: 1 }, { b: 2 }] }, { c: 3 }] }, { a: 1, b: 2, c: 3 }, 'same', NORMALIZE),
  identity('an embedded document keeps its field order', { a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } }, 'different'),
  identity('three bounds on one key are three indexes', { a: { $gte: 0 } }, { a: { $gte: 10 } }, 'different', READ_OPS),
  identity('$gte is not $gt', { a: { $gte: 1 } }, { a: { $gt: 1 } }, 'different'),
  identity(
    'an EJSON date is the driver Date',
    { at: { $gt: { $date: '2024-01-01T00:00:00Z' } } },
    { at: { $gt: new Date('2024-01-01T00:00:00.000Z') } },
    'same',
  ),
  identity('an empty filter is still a partial index', {}, {}, 'same'),
];
