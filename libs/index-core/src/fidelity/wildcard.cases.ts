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
    source: `${VALIDATION}: any excluded path, _id too, must cover every regular field (7246210); ${VALIDATION_LATER} exempts a lone _id`,
    versions: '7.0 refuses, later servers build',
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
