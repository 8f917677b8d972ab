import type { IndexDefinition, ListIndexesEntry } from '../types';
import { filledCollation } from '../testing/fixtures';

/**
 * The `_id` index, case by case, as the server decides it. `validate`: createIndexes accepts the
 * definition (`expect: []`) or refuses it (the rules the core reports). `identity`: the same index to the
 * server (`same`) or not (`different`). `name`: the name the index has on the server.
 */
export type IdIndexCase =
  | {
      readonly title: string;
      readonly input: { readonly validate: IndexDefinition };
      readonly expect: readonly string[];
      readonly source: string;
    }
  | {
      readonly title: string;
      readonly input: { readonly a: IndexDefinition | ListIndexesEntry; readonly b: IndexDefinition | ListIndexesEntry };
      readonly expect: 'same' | 'different';
      readonly source: string;
    }
  | {
      readonly title: string;
      readonly input: { readonly name: IndexDefinition };
      readonly expect: { readonly name: string };
      readonly source: string;
    };

const JSTEST = 'mongodb/mongo jstests/core/index/index_id_options.js (master, commit 4be00f9a)';
const ID_SPEC = 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp validateIdIndexSpec (r7.0, commit 6b0141d1)';
const PATTERN =
  'mongodb/mongo src/mongo/db/index/index_descriptor.h isIdIndexPattern (r8.0) + src/mongo/db/commands/create_indexes_cmd.cpp (validateIdIndexSpec for every _id pattern)';
const TTL_ID =
  'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp (r7.0): parseAndValidateIndexSpecs runs validateIdIndexSpec only for an isIdIndexPattern key ("The field \'expireAfterSeconds\' is not valid for an _id index specification", 197); validateIndexSpecTTL asks only for one field';
const CLUSTERED = 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp allowedClusteredIndexFieldNames (r7.0)';
const NAMING =
  'mongodb/mongo src/mongo/db/catalog/index_catalog_impl.cpp (the _id index is named _id_), jstests/core/index/index_id_options.js';

/** The collation listIndexes shows, every field filled in, on a collection created with `{ locale: "en_US" }`. */
const EN_US = filledCollation('en_US');

const id = (value: IndexDefinition['keys'][number]['value'], rest: Omit<IndexDefinition, 'keys'> = {}): IndexDefinition => ({
  ...rest,
  keys: [{ field: '_id', value }],
});

export const ID_INDEX_CASES: readonly IdIndexCase[] = [
  // ── options the _id index may carry ──
  { title: '{_id: 1} alone', input: { validate: id(1) }, expect: [], source: ID_SPEC },
  { title: '{_id: 1} named _id_', input: { validate: id(1, { name: '_id_' }) }, expect: [], source: JSTEST },
  { title: 'a collation', input: { validate: id(1, { options: { collation: { locale: 'simple' } } }) }, expect: [], source: JSTEST },
  {
    title: 'unique: true is refused',
    input: { validate: id(1, { options: { is_unique: true } }) },
    expect: ['id_index_options'],
    source: JSTEST,
  },
  {
    title: 'unique: false is refused',
    input: { validate: id(1, { options: { is_unique: false } }) },
    expect: ['id_index_options'],
    source: JSTEST,
  },
  {
    title: 'sparse: false is refused',
    input: { validate: id(1, { options: { sparse: false } }) },
    expect: ['id_index_options'],
    source: JSTEST,
  },
  {
    title: 'a partial filter is refused',
    input: { validate: id(1, { options: { partial_filter_expression: { a: 1 } } }) },
    expect: ['id_index_options'],
    source: JSTEST,
  },
  {
    title: 'a TTL is refused',
    input: { validate: id(1, { options: { expire_after_seconds: 3600 } }) },
    expect: ['ttl_not_id'],
    source: JSTEST,
  },
  {
    title: 'a TTL on {_id: -1} is refused (an _id pattern, held to the _id index fields)',
    input: { validate: id(-1, { options: { expire_after_seconds: 3600 } }) },
    expect: ['id_index_key', 'ttl_not_id'],
    source: TTL_ID,
  },
  {
    title: 'a TTL on {_id: "hashed"} builds: an ordinary single-field key',
    input: { validate: id('hashed', { options: { expire_after_seconds: 3600 } }) },
    expect: [],
    source: TTL_ID,
  },
  {
    title: 'a TTL on {_id: 2} builds: not an _id pattern (integer part 2)',
    input: { validate: id(2, { options: { expire_after_seconds: 3600 } }) },
    expect: [],
    source: TTL_ID,
  },
  { title: 'hidden: true is refused', input: { validate: id(1, { options: { hidden: true } }) }, expect: ['hidden_id'], source: ID_SPEC },
  {
    title: 'hidden: false is refused too',
    input: { validate: id(1, { options: { hidden: false } }) },
    expect: ['hidden_id'],
    source: ID_SPEC,
  },
  // ── key patterns that count as an _id index ──
  { title: '{_id: -1} is an _id pattern and refused', input: { validate: id(-1) }, expect: ['id_index_key'], source: PATTERN },
  {
    title: '{_id: 1.5} is an _id pattern (integer part 1) and refused',
    input: { validate: id(1.5) },
    expect: ['id_index_key'],
    source: PATTERN,
  },
  { title: '{_id: -1.9} is an _id pattern and refused', input: { validate: id(-1.9) }, expect: ['id_index_key'], source: PATTERN },
  {
    title: '{_id: 2} is an ordinary index',
    input: { validate: id(2, { options: { is_unique: true, hidden: true } }) },
    expect: [],
    source: PATTERN,
  },
  { title: '{_id: 0.5} is an ordinary index', input: { validate: id(0.5) }, expect: [], source: PATTERN },
  { title: '{_id: "hashed"} is an ordinary index', input: { validate: id('hashed') }, expect: [], source: PATTERN },
  {
    title: '{_id: "hashed"} may not be named _id_',
    input: { validate: id('hashed', { name: '_id_' }) },
    expect: ['id_index_name'],
    source: JSTEST,
  },
  {
    title: '{a: 1} may not be named _id_',
    input: { validate: { name: '_id_', keys: [{ field: 'a', value: 1 }] } },
    expect: ['id_index_name'],
    source: JSTEST,
  },
  {
    title: '{_id: 1, a: 1} is an ordinary compound index',
    input: {
      validate: {
        keys: [
          { field: '_id', value: 1 },
          { field: 'a', value: 1 },
        ],
        options: { is_unique: true },
      },
    },
    expect: [],
    source: PATTERN,
  },
  {
    // Stricter on purpose: the server renames such a spec to _id_; a definition says what the server will hold.
    title: '{_id: 1} under another name is refused (the server would rename it _id_)',
    input: { validate: id(1, { name: 'primary' }) },
    expect: ['id_index_name'],
    source: JSTEST,
  },
  {
    title: '{_id: -1} named _id_ is refused',
    input: { validate: id(-1, { name: '_id_' }) },
    // Refused for its key; the name `_id_` belongs to `{ _id: 1 }` alone, a second reason.
    expect: ['id_index_key', 'id_index_name'],
    source: JSTEST,
  },
  {
    // index_id_options.js: "Non-_id indexes can have direction values outside the range for the integer type".
    title: '{_id: Number.MAX_VALUE} is an ordinary index',
    input: { validate: id(Number.MAX_VALUE) },
    expect: [],
    source: JSTEST,
  },
  { title: '{_id: -Number.MAX_VALUE} is an ordinary index', input: { validate: id(-Number.MAX_VALUE) }, expect: [], source: JSTEST },
  {
    title: '{_id: 1} with a collation and every field the server allows on it (key, name, collation)',
    input: { validate: id(1, { name: '_id_', options: { collation: { locale: 'simple' } } }) },
    expect: [],
    source: `${JSTEST}; ${ID_SPEC} (allowedIdIndexFieldNames: collation, name, v, key, ns)`,
  },
  {
    title: 'sparse: true is refused',
    input: { validate: id(1, { options: { sparse: true } }) },
    expect: ['id_index_options'],
    source: `${ID_SPEC} (allowedIdIndexFieldNames)`,
  },
  // ── names and identity ──
  { title: 'the _id index is named _id_', input: { name: id(1) }, expect: { name: '_id_' }, source: NAMING },
  { title: '{_id: 2} takes the generated name', input: { name: id(2) }, expect: { name: '_id_2' }, source: NAMING },
  {
    title: 'a definition of {_id: 1} is the live _id_',
    input: { a: id(1), b: { v: 2, key: { _id: 1 }, name: '_id_' } },
    expect: 'same',
    source: ID_SPEC,
  },
  {
    title: 'a live _id index with NumberLong(1) is {_id: 1}',
    input: { a: id(1), b: { v: 2, key: { _id: { $numberLong: '1' } }, name: '_id_' } },
    expect: 'same',
    source: ID_SPEC,
  },
  {
    title: "a clustered collection's _id index (clustered, unique) is still the _id index",
    input: { a: id(1), b: { v: 2, key: { _id: 1 }, name: '_id_', unique: true, clustered: true } },
    expect: 'same',
    source: CLUSTERED,
  },
  {
    // index_id_options.js: on a collection created with en_US, createIndex({_id: 1}, {collation: {locale: "en_US", strength: 3}}) is the _id index.
    title: "a definition of the _id index with the collection's collation is the live _id_ listed with it in full",
    input: {
      a: id(1, { options: { collation: { locale: 'en_US', strength: 3 } } }),
      b: { v: 2, key: { _id: 1 }, name: '_id_', collation: EN_US },
    },
    expect: 'same',
    source: JSTEST,
  },
  {
    // index_id_options.js: the same collection refuses {_id: 1} with the simple collation; the difference is real drift
    // (the plan never rebuilds _id_, it warns: plan-rebuild.ts).
    title: 'a definition of the _id index with the simple collation is not the live _id_ of an en_US collection',
    input: { a: id(1, { options: { collation: { locale: 'simple' } } }), b: { v: 2, key: { _id: 1 }, name: '_id_', collation: EN_US } },
    expect: 'different',
    source: JSTEST,
  },
  {
    title: '{_id: 1} and {_id: 2} are two indexes',
    input: { a: id(1), b: { v: 2, key: { _id: 2 }, name: '_id_2' } },
    expect: 'different',
    source: PATTERN,
  },
  { title: '{_id: 1} and {_id: "hashed"} are two indexes', input: { a: id(1), b: id('hashed') }, expect: 'different', source: PATTERN },
];
