import type { IndexDefinition, KeyEntry, ListIndexesEntry } from '../types';
import type { FidelityCase, IndexSide } from './case-shape';

/**
 * Wildcard and compound wildcard indexes: what MongoDB's createIndexes accepts and refuses, and which
 * wildcard indexes it treats as one. Commits are those of the files read in mongodb/mongo.
 */

const VALIDATION = 'mongodb/mongo src/mongo/db/index/wildcard_validation.cpp (7.0 line, commit 13671a30)';
const VALIDATION_LATER = 'mongodb/mongo src/mongo/db/index/wildcard_validation.cpp (master after 8.0, commit 73612fec)';
const VALID_INDEX = 'mongodb/mongo jstests/core/index/wildcard/wildcard_index_validindex.js (r7.x, commit 0778c597)';
const COMPOUND =
  'mongodb/mongo jstests/core/index/wildcard/compound_wildcard_index_validation.js (requires_fcv_70, r8.x formatting, commit 2708c693)';
const SIGNATURE = 'mongodb/mongo jstests/core/index/index_signature.js (r7.x, commit 0778c597)';
const SIGNATURE_60 = 'mongodb/mongo jstests/core/index_signature.js (5.0/6.0 line, commit 05a0f8e9)';
const STORED_FORM =
  'MongoDB docs "Wildcard Index Signature" (stored as submitted since 6.3/6.0.5, normalized before); mongodb/mongo jstests/core/index/wildcard/wildcard_index_projection.js (SERVER-52814, commit 014d6873)';

const k = (field: string, value: KeyEntry['value'] = 1): KeyEntry => ({ field, value });
const def = (keys: KeyEntry[], options?: IndexDefinition['options']): IndexDefinition => (options ? { keys, options } : { keys });
/** A definition outside the options' declared type (what a server accepts but the type does not say). */
const loose = (value: unknown): IndexDefinition => value as IndexDefinition;
const side = (keys: KeyEntry[], projection?: Record<string, unknown>, name?: string): IndexSide => ({
  definition: {
    ...(name ? { name } : {}),
    keys,
    ...(projection ? { options: { wildcard_projection: projection as Record<string, 0 | 1> } } : {}),
  },
});
const listed = (key: Record<string, unknown>, name: string, extra: Record<string, unknown> = {}): IndexSide => ({
  listed: { v: 2, key, name, ...extra } as ListIndexesEntry,
});
const ROOT = [k('$**')];
const VALIDATE_KEYS = 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp validateKeyPattern (r7.0, commit 6b0141d1)';
const AND_TEXT = 'mongodb/mongo jstests/core/index/wildcard/wildcard_and_text_indexes.js (commit 0778c597)';
const DESCRIPTOR =
  'mongodb/mongo src/mongo/db/index/index_descriptor.cpp compareIndexOptions (the normalized projections compared with UnorderedFieldsBSONObjComparator; none without a projection; stored version 3887964572)';
const VALID_INDEX_LATEST =
  'mongodb/mongo jstests/core/index/wildcard/wildcard_index_validindex.js (commit 0778c597; the same asserts at 6631daf4)';
const COMPOUND_70 =
  'mongodb/mongo jstests/core/index/wildcard/compound_wildcard_index_validation.js (requires_fcv_70, before the _id-only cases, commit 4ec8752d)';
/** A key value outside the definition's type (a string the server refuses), as a client could send it. */
const raw = (value: string): KeyEntry['value'] => value as never;

export const WILDCARD_CASES: readonly FidelityCase[] = [
  // ── options a wildcard index may and may not have ──
  { title: 'wildcard on every field', input: { definition: def(ROOT) }, expect: { accepts: true }, source: VALID_INDEX },
  { title: 'wildcard on a subtree', input: { definition: def([k('a.$**')]) }, expect: { accepts: true }, source: VALID_INDEX },
  { title: 'descending wildcard', input: { definition: def([k('$**', -1)]) }, expect: { accepts: true }, source: VALID_INDEX },
  {
    title: 'wildcard with a partial filter',
    input: { definition: def(ROOT, { partial_filter_expression: { a: { $gt: 0 } } }) },
    expect: { accepts: true },
    source: VALID_INDEX,
  },
  {
    title: 'wildcard with a collation',
    input: { definition: def(ROOT, { collation: { locale: 'fr' } }) },
    expect: { accepts: true },
    source: VALID_INDEX,
  },
  {
    title: 'sparse wildcard',
    input: { definition: def(ROOT, { sparse: true }) },
    expect: { refuses: 'wildcard_not_sparse', field: 'options.sparse', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX,
  },
  {
    title: 'unique wildcard',
    input: { definition: def(ROOT, { is_unique: true }) },
    expect: { refuses: 'wildcard_not_unique', field: 'options.is_unique', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX,
  },
  {
    title: 'TTL wildcard',
    input: { definition: def(ROOT, { expire_after_seconds: 3600 }) },
    expect: { refuses: 'wildcard_not_ttl', field: 'options.expire_after_seconds', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX,
  },
  {
    title: 'hashed wildcard',
    input: { definition: def([k('$**', 'hashed')]) },
    expect: { refuses: 'key_value', field: 'keys.0.value', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX,
  },
  {
    title: 'text on a subtree wildcard',
    input: { definition: def([k('a.$**', 'text')]) },
    expect: { refuses: 'key_value', field: 'keys.0.value', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX,
  },
  // ── wildcardProjection ──
  {
    title: 'inclusion projection',
    input: { definition: def(ROOT, { wildcard_projection: { a: 1, b: 1, c: 1 } }) },
    expect: { accepts: true },
    source: VALID_INDEX,
  },
  {
    title: 'exclusion projection',
    input: { definition: def(ROOT, { wildcard_projection: { a: 0, b: 0, c: 0 } }) },
    expect: { accepts: true },
    source: VALID_INDEX,
  },
  {
    title: '_id included in an exclusion',
    input: { definition: def(ROOT, { wildcard_projection: { _id: 1, a: 0, b: 0, c: 0 } }) },
    expect: { accepts: true },
    source: VALID_INDEX,
  },
  {
    title: '_id excluded in an inclusion',
    input: { definition: def(ROOT, { wildcard_projection: { _id: 0, a: 1, b: 1, c: 1 } }) },
    expect: { accepts: true },
    source: VALID_INDEX,
  },
  {
    title: 'nested projection document',
    input: { definition: loose({ keys: ROOT, options: { wildcard_projection: { a: { b: 1, c: 1 } } } }) },
    expect: { accepts: true },
    source: SIGNATURE,
  },
  {
    title: 'inclusion mixed with exclusion',
    input: { definition: def(ROOT, { wildcard_projection: { a: 1, b: 0 } }) },
    expect: { refuses: 'wildcard_projection_mixed', serverCode: 31254 },
    source: VALID_INDEX,
  },
  {
    title: 'projection value 2 in a definition',
    input: { definition: loose({ keys: ROOT, options: { wildcard_projection: { a: 2 } } }) },
    expect: { accepts: true },
    deliberate: {
      core: { refuses: 'wildcard_projection_values', field: 'options.wildcard_projection.a' },
      why: 'the server reads any non-zero number as "include"; a definition says 1 or 0, and a live {a: 2} still compares equal to {a: 1}',
    },
    source: VALIDATION,
  },
  {
    title: 'computed projection value',
    input: { definition: loose({ keys: ROOT, options: { wildcard_projection: { a: 1, b: 'string' } } }) },
    expect: { refuses: 'wildcard_projection_values', serverCode: 51271 },
    source: VALID_INDEX,
  },
  {
    title: 'empty projection',
    input: { definition: def(ROOT, { wildcard_projection: {} }) },
    expect: { refuses: 'wildcard_projection_values', serverCode: 'FailedToParse (7246205)' },
    source: `${VALID_INDEX}; ${VALIDATION}`,
  },
  {
    title: 'projection on a non-wildcard index',
    input: { definition: def([k('a')], { wildcard_projection: { a: 1, b: 1 } }) },
    expect: { refuses: 'wildcard_projection_requires_root_wildcard', serverCode: 'BadValue' },
    source: VALID_INDEX,
  },
  {
    title: 'projection on a text index',
    input: { definition: def([k('$**', 'text')], { wildcard_projection: { a: 1, b: 1 } }) },
    expect: { refuses: 'wildcard_projection_requires_root_wildcard', serverCode: 'BadValue' },
    source: VALID_INDEX,
  },
  {
    title: 'projection on a subtree wildcard',
    input: { definition: def([k('a.$**')], { wildcard_projection: { a: 1 } }) },
    expect: { refuses: 'wildcard_projection_requires_root_wildcard', serverCode: 'FailedToParse (7246206)' },
    source: `${VALID_INDEX}; ${VALIDATION}`,
  },
  {
    title: 'projection that is no document',
    input: { definition: loose({ keys: ROOT, options: { wildcard_projection: 'string' } }) },
    expect: { refuses: 'wildcard_projection_values', serverCode: 'TypeMismatch' },
    source: VALID_INDEX,
  },
  {
    title: 'overlapping included paths',
    input: { definition: def([k('$**'), k('c')], { wildcard_projection: { 'a.b': 1, 'a.b.c': 1 } }) },
    expect: { refuses: 'wildcard_projection_overlap', serverCode: 7246200 },
    source: `${COMPOUND}; ${VALIDATION}`,
    versions: '7.0+',
  },
  // ── compound wildcard indexes (7.0+) ──
  {
    title: 'compound wildcard, regular field first',
    input: { definition: def([k('a'), k('b.$**')]) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'compound wildcard, wildcard first',
    input: { definition: def([k('a.$**'), k('b')]) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'compound wildcard on a 6.0 server',
    input: { definition: def([k('a'), k('b.$**')]), version: [6, 0] },
    expect: { requiresVersion: [7, 0] },
    source: COMPOUND,
    versions: '6.0 refuses, 7.0+ builds',
  },
  {
    title: 'compound wildcard on a 7.0 server',
    input: { definition: def([k('a'), k('b.$**', -1), k('c')]), version: [7, 0] },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'all-fields compound wildcard excluding its regular field',
    input: { definition: def([k('a'), k('$**')], { wildcard_projection: { a: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'all-fields compound wildcard without a projection',
    input: { definition: def([k('a'), k('$**')]) },
    expect: { refuses: 'compound_wildcard_projection_required', serverCode: 'CannotCreateIndex (67)' },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'regular field inside the wildcard subtree',
    input: { definition: def([k('a'), k('a.$**')]) },
    expect: { refuses: 'compound_wildcard_overlap', serverCode: 7246204 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'dotted regular field inside the wildcard subtree',
    input: { definition: def([k('a.b.c'), k('a.b.$**')]) },
    expect: { refuses: 'compound_wildcard_overlap', serverCode: 7246204 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'two wildcard fields',
    input: { definition: def([k('a.$**'), k('b.$**')]) },
    expect: { refuses: 'one_wildcard_field', serverCode: 7246201 },
    source: COMPOUND,
  },
  {
    title: 'compound wildcard with a text field',
    input: { definition: def([k('a.$**'), k('b', 'text')]) },
    expect: { refuses: 'mixed_index_types', serverCode: 'CannotCreateIndex (67)' },
    source: COMPOUND,
  },
  {
    title: 'compound wildcard with a hashed field',
    input: { definition: def([k('a.$**'), k('b', 'hashed')]) },
    expect: { refuses: 'mixed_index_types', serverCode: 'CannotCreateIndex (67)' },
    source: COMPOUND,
  },
  {
    title: 'unique compound wildcard',
    input: { definition: def([k('a.$**'), k('b')], { is_unique: true }) },
    expect: { refuses: 'wildcard_not_unique', serverCode: 'CannotCreateIndex (67)' },
    source: COMPOUND,
  },
  {
    title: 'sparse compound wildcard',
    input: { definition: def([k('a.$**'), k('b')], { sparse: true }) },
    expect: { refuses: 'wildcard_not_sparse', serverCode: 'CannotCreateIndex (67)' },
    source: COMPOUND,
  },
  {
    title: 'projection including a regular field',
    input: { definition: def([k('a'), k('$**'), k('b')], { wildcard_projection: { a: 1, b: 1 } }) },
    expect: { refuses: 'compound_wildcard_projection_overlap', serverCode: 7246208 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'projection including _id beside an _id key field',
    input: { definition: def([k('_id'), k('$**')], { wildcard_projection: { _id: 1 } }) },
    expect: { refuses: 'compound_wildcard_projection_overlap', serverCode: 7246208 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'inclusion projection with _id excluded',
    input: { definition: def([k('$**'), k('c')], { wildcard_projection: { _id: 0, b: 1 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'inclusion projection with _id excluded, on a 7.0 server',
    input: { definition: def([k('$**'), k('c')], { wildcard_projection: { _id: 0, b: 1 } }), version: [7, 0] },
    expect: { requiresVersion: [8, 0] },
    // The boundary: the 7.0 line's validation (13671a30) refuses it; the same test file while it still ran on
    // FCV 7.0 (4ec8752d) builds it, so some 7.0.x builds may too. Which 7.0 patch release changed it is not in
    // the stored sources; the core asks for 8.0, the first release that builds it for certain, because leaving
    // `_id` out says the same (a wildcard index excludes it by default) and builds on every 7.0.
    source: `${VALIDATION}: any excluded path, _id too, must cover every regular field (7246210); ${VALIDATION_LATER} exempts a lone _id; ${COMPOUND_70} builds it`,
    versions: '7.0 (early builds) refuses, 8.0 builds',
  },
  {
    title: 'exclusion projection with _id included',
    input: { definition: def([k('$**'), k('e')], { wildcard_projection: { _id: 1, e: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'exclusion projection that leaves the _id key field in',
    input: { definition: def([k('$**'), k('_id'), k('e')], { wildcard_projection: { _id: 1, e: 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246209 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding only _id beside another regular field',
    input: { definition: def([k('a'), k('$**')], { wildcard_projection: { _id: 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246210 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding only _id beside an _id key field',
    input: { definition: def([k('_id'), k('$**')], { wildcard_projection: { _id: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'projection mixing modes beside _id',
    input: { definition: def([k('$**'), k('c')], { wildcard_projection: { _id: 0, a: 0, b: 1 } }) },
    expect: { refuses: 'wildcard_projection_mixed', serverCode: 7246211 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding a parent of a dotted key field',
    input: { definition: def([k('_id'), k('a.b'), k('$**')], { wildcard_projection: { _id: 0, a: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding a child of a key field',
    input: { definition: def([k('a'), k('$**')], { wildcard_projection: { _id: 0, 'a.b': 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246209 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding a sibling of a dotted key field',
    input: { definition: def([k('$**'), k('e.c')], { wildcard_projection: { _id: 1, 'e.b': 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246210 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'including a path beside a dotted key field',
    input: { definition: def([k('b.d'), k('$**')], { wildcard_projection: { _id: 0, 'a.b': 1 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  // ── key values and paths a wildcard index refuses (wildcard_index_validindex.js) ──
  {
    title: 'wildcard with the value 0',
    input: { definition: def([k('$**', 0)]) },
    expect: { refuses: 'key_value', field: 'keys.0.value', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: '2dsphere on $**',
    input: { definition: def([k('$**', '2dsphere')]) },
    expect: { refuses: 'key_value', field: 'keys.0.value', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: '2d on $**',
    input: { definition: def([k('$**', '2d')]) },
    expect: { refuses: 'key_value', field: 'keys.0.value', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: 'the plugin named by string on a field',
    input: { definition: def([k('a', raw('wildcard'))]) },
    expect: { refuses: 'key_value', serverCode: 'CannotCreateIndex (67) or 7246202' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: 'the plugin named by string on $**',
    input: { definition: def([k('$**', raw('wildcard'))]) },
    expect: { refuses: 'key_value', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: 'an unknown string on $**',
    input: { definition: def([k('$**', raw('hello'))]) },
    expect: { refuses: 'key_value', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: 'two $** parts in a subtree path',
    input: { definition: def([k('a.$**.$**')]) },
    expect: { refuses: 'field_name', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: '$** followed by $**',
    input: { definition: def([k('$**.$**')]) },
    expect: { refuses: 'field_name', serverCode: 'CannotCreateIndex (67)' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: 'an exclusion projection on a subtree wildcard',
    input: { definition: def([k('a.$**')], { wildcard_projection: { b: 0 } }) },
    expect: { refuses: 'wildcard_projection_requires_root_wildcard', serverCode: 'FailedToParse' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: 'a projection that is no document on a subtree wildcard',
    input: { definition: loose({ keys: [k('a.$**')], options: { wildcard_projection: 'string' } }) },
    expect: { refuses: 'wildcard_projection_values', serverCode: 'TypeMismatch' },
    source: VALID_INDEX_LATEST,
  },
  {
    title: 'a descending all-fields compound wildcard excluding its regular field',
    input: { definition: def([k('pre'), k('$**', -1)], { wildcard_projection: { pre: 0 } }) },
    expect: { accepts: true },
    source: AND_TEXT,
    versions: '7.0+',
  },
  {
    title: 'a wildcard index below a field named _fts',
    input: { definition: def([k('_fts.$**')]) },
    expect: { accepts: true },
    source: `${VALIDATE_KEYS}: only a key field named exactly _fts is reserved`,
  },
  // ── compound wildcard indexes: the rest of compound_wildcard_index_validation.js ──
  {
    title: 'descending all-fields wildcard between two excluded regular fields',
    input: { definition: def([k('a'), k('$**', -1), k('b')], { wildcard_projection: { a: 0, b: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'wildcard first, then the excluded regular field',
    input: { definition: def([k('$**'), k('a')], { wildcard_projection: { a: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: '_id included in an exclusion that excludes the regular field',
    input: { definition: def([k('$**'), k('another')], { wildcard_projection: { _id: 1, a: 0, another: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'a projection of _id alone, included',
    input: { definition: def([k('$**'), k('yetAnother')], { wildcard_projection: { _id: 1 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'an inclusion with _id included beside another regular field',
    input: { definition: def([k('e'), k('$**')], { wildcard_projection: { _id: 1, f: 1 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'a nested projection document in a compound wildcard',
    input: { definition: loose({ keys: [k('$**'), k('d')], options: { wildcard_projection: { a: { b: 1, c: 1 } } } }) },
    expect: { accepts: true },
    source: `${COMPOUND_70}; ${COMPOUND}`,
    versions: '7.0+ (see the 7.0 case)',
  },
  {
    title: 'a nested projection document in a compound wildcard, on a 7.0 server',
    input: {
      definition: loose({ keys: [k('$**'), k('d')], options: { wildcard_projection: { a: { b: 1, c: 1 } } } }),
      version: [7, 0],
    },
    expect: { requiresVersion: [8, 0] },
    source: `${VALIDATION}: every top-level projection value must be a number or a boolean (7246207); ${COMPOUND_70} builds it, so a later 7.0 build may too; the dotted form builds everywhere`,
    versions: '7.0 (early builds) refuses; 8.0 builds',
  },
  {
    title: 'excluding only _id beside an _id key field, on a 7.0 server',
    input: { definition: def([k('_id'), k('$**')], { wildcard_projection: { _id: 0 } }), version: [7, 0] },
    expect: { accepts: true },
    source: VALIDATION,
    versions: '7.0+',
  },
  {
    title: 'an exclusion with _id excluded too, on a 7.0 server',
    input: { definition: def([k('a'), k('$**')], { wildcard_projection: { _id: 0, a: 0 } }), version: [7, 0] },
    expect: { accepts: true },
    source: VALIDATION,
    versions: '7.0+',
  },
  {
    title: '_id included beside excluded paths, on a 7.0 server',
    input: { definition: def([k('$**'), k('another')], { wildcard_projection: { _id: 1, a: 0, another: 0 } }), version: [7, 0] },
    expect: { accepts: true },
    source: VALIDATION,
    versions: '7.0+',
  },
  {
    title: 'an _id key field and another, _id excluded, a path included, on a 7.0 server',
    input: { definition: def([k('$**'), k('_id'), k('e')], { wildcard_projection: { _id: 0, a: 1 } }), version: [7, 0] },
    expect: { requiresVersion: [8, 0] },
    source: `${VALIDATION}: the excluded _id must cover "e" too (7246210)`,
    versions: '7.0 (early builds) refuses, 8.0 builds',
  },
  {
    title: 'the dotted form of that projection on a 7.0 server',
    input: { definition: def([k('$**'), k('d')], { wildcard_projection: { 'a.b': 1, 'a.c': 1 } }), version: [7, 0] },
    expect: { accepts: true },
    source: VALIDATION,
    versions: '7.0+',
  },
  {
    title: 'an empty projection on a compound wildcard',
    input: { definition: def([k('a'), k('$**')], { wildcard_projection: {} }) },
    expect: { refuses: 'wildcard_projection_values', serverCode: 'FailedToParse' },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'a projection on a compound index without a wildcard',
    input: { definition: def([k('a'), k('b')], { wildcard_projection: { c: 1 } }) },
    expect: { refuses: 'wildcard_projection_requires_root_wildcard', serverCode: 'BadValue' },
    source: COMPOUND,
  },
  {
    title: 'a computed projection value on a compound wildcard',
    input: { definition: loose({ keys: [k('st'), k('$**')], options: { wildcard_projection: { a: 'something' } } }) },
    expect: { refuses: 'wildcard_projection_values', serverCode: 51271 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'compound wildcard with a 2dsphere field',
    input: { definition: def([k('a.$**'), k('b', '2dsphere')]) },
    expect: { refuses: 'mixed_index_types', serverCode: 'CannotCreateIndex (67)' },
    source: COMPOUND,
  },
  {
    title: 'TTL compound wildcard',
    input: { definition: def([k('a.$**'), k('b')], { expire_after_seconds: 60 }) },
    expect: { refuses: 'ttl_single_field', serverCode: 'CannotCreateIndex (67)' },
    source: COMPOUND,
  },
  {
    title: 'an inclusion projection including a regular field among others',
    input: { definition: def([k('a'), k('$**')], { wildcard_projection: { a: 1, b: 1 } }) },
    expect: { refuses: 'compound_wildcard_projection_overlap', serverCode: 7246208 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'an inclusion with _id excluded that includes the regular field',
    input: { definition: def([k('a'), k('$**')], { wildcard_projection: { _id: 0, a: 1 } }) },
    expect: { refuses: 'compound_wildcard_projection_overlap', serverCode: 7246208 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'an inclusion with _id included that includes the regular field',
    input: { definition: def([k('a'), k('$**')], { wildcard_projection: { _id: 1, a: 1 } }) },
    expect: { refuses: 'compound_wildcard_projection_overlap', serverCode: 7246208 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'an _id key field included by the projection beside another path',
    input: { definition: def([k('_id'), k('$**')], { wildcard_projection: { _id: 1, a: 1 } }) },
    expect: { refuses: 'compound_wildcard_projection_overlap', serverCode: 7246208 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: '_id included beside an excluded path and an included one',
    input: { definition: def([k('$**'), k('c')], { wildcard_projection: { _id: 1, a: 0, b: 1 } }) },
    expect: { refuses: 'wildcard_projection_mixed', serverCode: 7246211 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'an _id key field beside a regular one, _id excluded, another path included',
    input: { definition: def([k('$**'), k('_id'), k('e')], { wildcard_projection: { _id: 0, a: 1 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '8.0+ (7.0: see the _id: 0 cases)',
  },
  {
    title: 'excluding only _id, wildcard first',
    input: { definition: def([k('$**'), k('a')], { wildcard_projection: { _id: 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246210 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding only _id between two regular fields',
    input: { definition: def([k('b'), k('$**'), k('a')], { wildcard_projection: { _id: 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246210 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding only _id, wildcard before an _id key field',
    input: { definition: def([k('$**'), k('_id')], { wildcard_projection: { _id: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding only _id beside an _id key field and another one',
    input: { definition: def([k('_id'), k('$**'), k('a')], { wildcard_projection: { _id: 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246210 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding _id and a, both key fields',
    input: { definition: def([k('_id'), k('a'), k('$**')], { wildcard_projection: { _id: 0, a: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'an exclusion that leaves an _id key field in',
    input: { definition: def([k('a'), k('_id'), k('$**')], { wildcard_projection: { a: 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246209 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'an exclusion that leaves one of two regular fields in',
    input: { definition: def([k('a'), k('b'), k('$**')], { wildcard_projection: { b: 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246209 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding _id and the regular field',
    input: { definition: def([k('a'), k('$**')], { wildcard_projection: { _id: 0, a: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding _id and a path that is not the regular field',
    input: { definition: def([k('b'), k('$**')], { wildcard_projection: { _id: 0, a: 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246210 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: '_id included, another path excluded, the regular field left in',
    input: { definition: def([k('$**'), k('d')], { wildcard_projection: { _id: 1, e: 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246209 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding a parent of a dotted key field, without _id',
    input: { definition: def([k('a.b'), k('$**')], { wildcard_projection: { _id: 0, a: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding a child of a key field beside an _id key field',
    input: { definition: def([k('_id'), k('a'), k('$**')], { wildcard_projection: { _id: 0, 'a.b': 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246209 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'an _id key field and a dotted one, a dotted path included',
    input: { definition: def([k('$**'), k('_id'), k('e.b')], { wildcard_projection: { _id: 0, 'a.b': 1 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '8.0+ (7.0: see the _id: 0 cases)',
  },
  {
    title: 'a dotted key field beside an included top-level path',
    input: { definition: def([k('b.c'), k('$**')], { wildcard_projection: { _id: 0, a: 1 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '8.0+ (7.0: see the _id: 0 cases)',
  },
  {
    title: 'excluding the parent of a dotted key field, _id included',
    input: { definition: def([k('$**'), k('e.b')], { wildcard_projection: { _id: 1, e: 0 } }) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'excluding a child of the key field, _id included',
    input: { definition: def([k('$**'), k('e')], { wildcard_projection: { _id: 1, 'e.b': 0 } }) },
    expect: { refuses: 'compound_wildcard_projection_excludes_fields', serverCode: 7246209 },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'subtree compound wildcards of three fields and of two',
    input: { definition: def([k('a'), k('b.$**'), k('str')]) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  {
    title: 'a subtree wildcard first, then a regular field',
    input: { definition: def([k('b.$**'), k('str')]) },
    expect: { accepts: true },
    source: COMPOUND,
    versions: '7.0+',
  },
  // ── identity: which wildcard indexes the server treats as one (5.0+: the projection is in the signature) ──
  { title: 'no projection vs an inclusion', input: { a: side(ROOT), b: side(ROOT, { a: 1 }) }, expect: 'coexist', source: SIGNATURE },
  {
    title: 'including vs excluding the same path',
    input: { a: side(ROOT, { a: 1 }), b: side(ROOT, { a: 0 }) },
    expect: 'coexist',
    source: SIGNATURE,
  },
  {
    title: '_id: 0 is the default (inclusion)',
    input: { a: side(ROOT, { a: 1 }), b: side(ROOT, { _id: 0, a: 1 }) },
    expect: 'same',
    source: SIGNATURE,
  },
  {
    title: '_id: 0 is the default (exclusion)',
    input: { a: side(ROOT, { a: 0 }), b: side(ROOT, { _id: 0, a: 0 }) },
    expect: 'same',
    source: SIGNATURE_60,
  },
  {
    title: '_id: 1 makes another index',
    input: { a: side(ROOT, { a: 1 }), b: side(ROOT, { _id: 1, a: 1 }) },
    expect: 'coexist',
    source: SIGNATURE,
  },
  {
    title: 'exclusion with _id: 1 makes another index',
    input: { a: side(ROOT, { a: 0 }), b: side(ROOT, { a: 0, _id: 1 }) },
    expect: 'coexist',
    source: SIGNATURE,
  },
  {
    title: 'subpaths vs their parent',
    input: { a: side(ROOT, { a: 1 }), b: side(ROOT, { 'a.b': 1, 'a.c': 1 }) },
    expect: 'coexist',
    source: SIGNATURE,
  },
  {
    title: 'nested vs dotted paths',
    input: { a: side(ROOT, { 'a.b': 1, 'a.c': 1 }), b: side(ROOT, { a: { b: 1, c: 1 } }) },
    expect: 'same',
    source: SIGNATURE,
  },
  {
    title: 'path order',
    input: { a: side(ROOT, { 'a.b': 1, 'a.c': 1 }), b: side(ROOT, { 'a.c': 1, 'a.b': 1 }) },
    expect: 'same',
    source: SIGNATURE,
  },
  {
    title: 'compound wildcard: _id: 0 is the default',
    input: { a: side([k('$**'), k('other')], { a: 0, other: 0 }), b: side([k('$**'), k('other')], { _id: 0, a: 0, other: 0 }) },
    expect: 'same',
    source: SIGNATURE,
    versions: '7.0+',
  },
  {
    title: 'compound wildcard: including vs excluding',
    input: { a: side([k('$**'), k('other')], { a: 1 }), b: side([k('$**'), k('other')], { a: 0, other: 0 }) },
    expect: 'coexist',
    source: SIGNATURE,
    versions: '7.0+',
  },
  {
    title: 'nested paths in another order vs dotted',
    input: { a: side(ROOT, { 'a.b': 1, 'a.c': 1 }), b: side(ROOT, { a: { c: 1, b: 1 } }) },
    expect: 'same',
    source: SIGNATURE,
  },
  {
    title: 'compound wildcard: dotted paths in another order',
    input: { a: side([k('$**'), k('other')], { 'a.b': 1, 'a.c': 1 }), b: side([k('$**'), k('other')], { 'a.c': 1, 'a.b': 1 }) },
    expect: 'same',
    source: SIGNATURE,
    versions: '7.0+',
  },
  {
    title: 'compound wildcard: a path vs its subpaths',
    input: { a: side([k('$**'), k('other')], { a: 1 }), b: side([k('$**'), k('other')], { 'a.b': 1, 'a.c': 1 }) },
    expect: 'coexist',
    source: SIGNATURE,
    versions: '7.0+',
  },
  {
    title: 'a wildcard index and a text index on every field',
    input: { a: side(ROOT), b: side([k('$**', 'text')]) },
    expect: 'coexist',
    source: AND_TEXT,
  },
  {
    title: 'a projection of _id: 0 alone vs none',
    input: { a: side(ROOT), b: side(ROOT, { _id: 0 }) },
    expect: 'coexist',
    source: `${DESCRIPTOR}: {} vs {_id: false}`,
  },
  {
    title: '_id: 0 and _id: false alone',
    input: { a: side(ROOT, { _id: 0 }), b: listed({ '$**': 1 }, '$**_1', { wildcardProjection: { _id: false } }) },
    expect: 'same',
    source: DESCRIPTOR,
  },
  {
    title: 'a projection of _id: 1 alone vs none',
    input: { a: side(ROOT), b: side(ROOT, { _id: 1 }) },
    expect: 'coexist',
    source: DESCRIPTOR,
  },
  {
    title: 'two subtree wildcard indexes on different paths',
    input: { a: side([k('a.$**')]), b: side([k('b.$**')]) },
    expect: 'coexist',
    source: `${DESCRIPTOR}: the key patterns differ`,
  },
  {
    title: 'a subtree wildcard and the all-fields wildcard projecting that subtree',
    input: { a: side([k('a.$**')]), b: side(ROOT, { a: 1 }) },
    expect: 'coexist',
    source: `${DESCRIPTOR}: the key patterns differ, though both index the same paths`,
  },
  {
    title: 'ascending and descending wildcard',
    input: { a: side(ROOT), b: side([k('$**', -1)]) },
    expect: 'coexist',
    source: `${DESCRIPTOR}: the key patterns differ`,
    versions: '7.0+',
  },
  {
    title: 'a definition and the normalized form a pre-6.0.5 server lists',
    input: {
      a: side(ROOT, { 'author.name': 1, 'author.website': 1 }),
      b: listed({ '$**': 1 }, '$**_1', { wildcardProjection: { author: { website: true, name: true }, _id: false } }),
    },
    expect: 'same',
    source: STORED_FORM,
  },
  {
    title: 'a definition and the booleans a server lists',
    input: {
      a: side(ROOT, { name: 0, type: 0, _id: 1 }),
      b: listed({ '$**': 1 }, '$**_1', { wildcardProjection: { name: false, type: false, _id: true } }),
    },
    expect: 'same',
    source: STORED_FORM,
  },
  {
    title: 'a projection in EJSON numbers',
    input: {
      a: side(ROOT, { a: 1, b: 1 }),
      b: listed({ '$**': 1 }, '$**_1', { wildcardProjection: { a: { $numberInt: '1' }, b: { $numberDouble: '1.0' } } }),
    },
    expect: 'same',
    source: `${VALIDATION}: any number or boolean, read by its truth value`,
  },
  {
    title: 'a projection value other than 1 on a live index',
    input: { a: side(ROOT, { a: 1 }), b: listed({ '$**': 1 }, '$**_1', { wildcardProjection: { a: 2 } }) },
    expect: 'same',
    source: `${VALIDATION}: any number or boolean, read by its truth value`,
  },
];
