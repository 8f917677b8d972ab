import { isWildcardField } from './key-kinds';
import { asNumber } from './numbers';
import { isPlainObject, sortedRecord, type MutableRecord } from './records';
import { requiresVersionMessage, rulesAtLeast, type RuleContext } from './rule-version';
import type { KeyEntry } from './types';

/**
 * `wildcardProjection`: its normal form (an index's identity) and its rules, as MongoDB applies them
 * (mongodb/mongo src/mongo/db/index/wildcard_validation.cpp, jstests/core/index/index_signature.js,
 * jstests/core/index/wildcard/compound_wildcard_index_validation.js).
 */

type Sink = (field: string, rule: string, message: string) => void;

const FIELD = 'options.wildcard_projection';

/** One path of a projection, flattened: `{ a: { b: 1 } }` and `{ 'a.b': 1 }` are both `a.b` → included. */
interface ProjectionPath {
  readonly path: string;
  readonly included: boolean;
  /** Whether the value is one of 1, 0, true, false (what a definition may write; the server takes any number). */
  readonly plain: boolean;
}

/**
 * The paths of a projection with nested documents flattened into dotted paths, or a reason why the
 * projection is not one. Values are numbers or booleans: any non-zero number or `true` includes.
 */
function flattenProjection(projection: Readonly<Record<string, unknown>>, prefix = ''): ProjectionPath[] | string {
  const out: ProjectionPath[] = [];
  for (const [name, value] of Object.entries(projection)) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    // A number first: EJSON writes one as a document (`{ $numberInt: '1' }`), which is no nested projection.
    const number = asNumber(value);
    if (number !== undefined) {
      if (Number.isNaN(number)) return `the projection of "${path}" must be 1 (include) or 0 (exclude)`;
      out.push({ path, included: number !== 0, plain: number === 0 || number === 1 });
    } else if (isPlainObject(value)) {
      if (Object.keys(value).length === 0) return `"${path}" is an empty document`;
      const nested = flattenProjection(value, path);
      if (typeof nested === 'string') return nested;
      out.push(...nested);
    } else if (typeof value === 'boolean') {
      out.push({ path, included: value, plain: true });
    } else {
      return `the projection of "${path}" must be 1 (include) or 0 (exclude)`;
    }
  }
  return out;
}

/** `a` covers `a` and `a.b`, not `ab`. */
export function covers(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/**
 * The normal form of a `wildcardProjection` (an index's identity, 5.0+): nested documents become
 * dotted paths, `true`/non-zero numbers become 1 and `false`/0 become 0, paths are sorted, and
 * `_id: 0` is dropped because a wildcard index leaves `_id` out unless told otherwise
 * (index_signature.js: `{_id: 0, a: 1}` is the same index as `{a: 1}`, `{_id: 1, a: 1}` is not).
 * Servers before 6.3/6.0.5 listed the projection in that normalized shape, later ones as submitted;
 * both compare equal here. A value that is no projection is returned as it came, visibly different.
 */
export function canonicalWildcardProjection(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const paths = flattenProjection(value);
  if (typeof paths === 'string') return value;
  const meaningful = paths.filter((p) => !(p.path === '_id' && !p.included));
  // `{_id: 0}` alone still says something (it is all a compound index on `_id` may give); keep it.
  const kept = meaningful.length > 0 ? meaningful : paths;
  return sortedRecord(kept.map((p): [string, number] => [p.path, p.included ? 1 : 0])) as MutableRecord;
}

export function validateProjection(
  wildcard: KeyEntry | undefined,
  regular: readonly string[],
  projection: unknown,
  add: Sink,
  context: RuleContext | undefined,
): void {
  if (!wildcard || wildcard.field !== '$**') {
    // BadValue without a wildcard key, 7246206 / FailedToParse with `path.$**`.
    add(FIELD, 'wildcard_projection_requires_root_wildcard', 'wildcard_projection needs a wildcard key on "$**" (not on a path.$**)');
  }
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) {
    // TypeMismatch for a non-document, 7246205 / FailedToParse for `{}`.
    add(FIELD, 'wildcard_projection_values', 'wildcard_projection must list at least one path');
    return;
  }
  const paths = flattenProjection(projection);
  if (typeof paths === 'string') {
    // 51271 / 7246207: computed fields (strings, expressions) are not projections of paths.
    add(FIELD, 'wildcard_projection_values', paths);
    return;
  }
  for (const { path, plain } of paths) {
    // Deliberately stricter than the server, which reads any non-zero number as 1: a definition says 1 or 0.
    if (!plain) add(`${FIELD}.${path}`, 'wildcard_projection_values', `the projection of "${path}" must be 1 (include) or 0 (exclude)`);
    if (isWildcardField(path) || path.split('.').some((part) => part === '' || part.startsWith('$'))) {
      add(`${FIELD}.${path}`, 'wildcard_projection_values', `"${path}" is not a plain field path`);
    }
  }
  const nonId = paths.filter((p) => p.path !== '_id');
  // 31254 / 7246211: inclusion and exclusion do not mix, except for `_id`.
  if (new Set(nonId.map((p) => p.included)).size > 1) {
    add(FIELD, 'wildcard_projection_mixed', 'wildcard_projection either includes or excludes paths, not both (only _id may differ)');
    return;
  }
  validateOverlaps(paths, add);
  if (regular.length > 0 && wildcard?.field === '$**') {
    validateAgainstRegularFields(paths, nonId, regular, add, context);
    validateCompoundProjectionShape(projection, add, context);
  }
}

/**
 * The 7.0 validation of a compound wildcard projection (wildcard_validation.cpp at 13671a30) takes only a
 * number or a boolean at its top level (7246207): a nested document (`{ a: { b: 1 } }`) is refused there,
 * built by later servers (compound_wildcard_index_validation.js). Its dotted form says the same and builds on 7.0.
 */
function validateCompoundProjectionShape(projection: Readonly<Record<string, unknown>>, add: Sink, context: RuleContext | undefined): void {
  if (rulesAtLeast(context, 8, 0)) return;
  const nested = Object.entries(projection).find(([, value]) => isPlainObject(value) && asNumber(value) === undefined);
  if (!nested) return;
  const what = `a nested document ("${nested[0]}") in the projection of a compound wildcard index`;
  add(FIELD, 'requires_version', `${requiresVersionMessage(what, [8, 0], context)}; write its paths dotted ("${nested[0]}.<field>")`);
}

/** 7246200: two included (or two excluded) paths where one contains the other, such as `a.b` and `a.b.c`. */
function validateOverlaps(paths: readonly ProjectionPath[], add: Sink): void {
  for (const included of [true, false]) {
    const same = paths.filter((p) => p.included === included).map((p) => p.path);
    for (let i = 0; i < same.length; i += 1) {
      for (let j = i + 1; j < same.length; j += 1) {
        if (covers(same[i], same[j]) || covers(same[j], same[i])) {
          add(FIELD, 'wildcard_projection_overlap', `"${same[i]}" and "${same[j]}" overlap`);
        }
      }
    }
  }
}

/**
 * A compound wildcard index's regular fields must stay out of the wildcard's paths: an inclusion
 * projection may not include them (7246208); an exclusion projection must exclude every one of them
 * (7246209 / 7246210). Whether the projection includes or excludes is read from its paths other than
 * `_id`, or from `_id` when it is the only one (compound_wildcard_index_validation.js, r8.x).
 */
function validateAgainstRegularFields(
  paths: readonly ProjectionPath[],
  nonId: readonly ProjectionPath[],
  regular: readonly string[],
  add: Sink,
  context: RuleContext | undefined,
): void {
  const inclusion = (nonId.length > 0 ? nonId : paths)[0].included;
  for (const field of regular) {
    if (inclusion) {
      const clash = paths.find((p) => p.included && covers(p.path, field));
      if (clash)
        add(
          FIELD,
          'compound_wildcard_projection_overlap',
          `the key field "${field}" is also included by the projection path "${clash.path}"`,
        );
    } else if (!paths.some((p) => !p.included && covers(p.path, field))) {
      add(FIELD, 'compound_wildcard_projection_excludes_fields', `the projection must exclude the key field "${field}"`);
    }
  }
  // The 7.0 validation (wildcard_validation.cpp at 13671a30) reads an excluded `_id` beside included paths
  // as an exclusion that must cover every regular field; later servers take it as leaving `_id` out.
  const idExcluded = paths.some((p) => p.path === '_id' && !p.included);
  if (inclusion && idExcluded && regular.some((field) => !covers('_id', field)) && !rulesAtLeast(context, 8, 0)) {
    const what = '"_id: 0" in the projection of a compound wildcard index';
    // Leaving `_id` out says the same (a wildcard index excludes it by default) and builds on 7.0.
    add(FIELD, 'requires_version', `${requiresVersionMessage(what, [8, 0], context)}; leave "_id" out, it is excluded by default`);
  }
}
