import type { RuleVersion } from '../rule-version';
import type { IndexDefinition, ListIndexesEntry } from '../types';

/**
 * Key patterns, case by case, as the server decides them. `validate`: createIndexes accepts the
 * definition (`expect: []`) or refuses it (the rules the core reports). `identity`: two indexes the server
 * holds as one (`same`) or as two that may coexist (`different`); a live index is its listIndexes entry.
 */
export type KeyPatternCase =
  | {
      readonly title: string;
      readonly input: { readonly validate: IndexDefinition; readonly version?: RuleVersion };
      readonly expect: readonly string[];
      readonly source: string;
      readonly versions?: string;
    }
  | {
      readonly title: string;
      readonly input: { readonly a: IndexDefinition | ListIndexesEntry; readonly b: IndexDefinition | ListIndexesEntry };
      readonly expect: 'same' | 'different';
      readonly source: string;
      readonly versions?: string;
    };

const VALIDATE = 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp validateKeyPattern (r7.0, commit 6b0141d1)';
const SPEC = 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp validateIndexSpec (r7.0, commit 6b0141d1)';
const COMPARE = 'mongodb/mongo src/mongo/db/index/index_descriptor.cpp compareIndexOptions: SimpleBSONObjComparator on keyPattern (r6.0+)';
const LIMITS =
  'mongodb/mongo src/mongo/bson/ordering.h Ordering::make (13103, over the stored key) + jstests/core/index/compound_index_max_fields.js (commit 591928c6)';
const STORED_TEXT_KEY =
  'mongodb/mongo src/mongo/db/fts/fts_spec.cpp fixSpec (text fields stored as _fts, _ftsx) + src/mongo/bson/ordering.h (13103)';
const PLUGINS = 'mongodb/mongo jstests/core/index/index_plugins.js (commit 73612fec)';
const PLUGIN_NAME =
  'mongodb/mongo src/mongo/db/index_names.cpp findPluginName (the first string value, or a $** field, names the index type)';
const INDEXP = 'mongodb/mongo jstests/core/index/indexp.js (SERVER-11374: empty path parts, $-prefixed parts, DBRef names)';
const TWO_D = 'mongodb/mongo src/mongo/db/index/2d_common.cpp parse2dParams (16800: one 2d field; 16801: it comes first)';
const BAD_PLUGIN = 'mongodb/mongo jstests/core/bad_index_plugin.js (SERVER-5826)';
const special = (value: string): IndexDefinition['keys'][number]['value'] => value as never;

const def = (...keys: [string, IndexDefinition['keys'][number]['value']][]): IndexDefinition => ({
  keys: keys.map(([field, value]) => ({ field, value })),
});
const live = (key: Record<string, unknown>, name = 'x'): ListIndexesEntry => ({ v: 2, key, name });

export const KEY_PATTERN_CASES: readonly KeyPatternCase[] = [
  // ── values ──
  { title: 'a direction of 2 builds', input: { validate: def(['a', 2]) }, expect: [], source: VALIDATE },
  { title: 'a direction of 0.5 builds', input: { validate: def(['a', 0.5]) }, expect: [], source: VALIDATE },
  { title: 'a direction of -3 builds', input: { validate: def(['a', -3]) }, expect: [], source: VALIDATE },
  { title: '0 is refused ("cannot be 0")', input: { validate: def(['a', 0]) }, expect: ['key_value'], source: VALIDATE },
  { title: 'NaN is refused', input: { validate: def(['a', Number.NaN]) }, expect: ['key_value'], source: VALIDATE },
  {
    title: 'geoHaystack is refused since 5.0',
    input: { validate: { keys: [{ field: 'a', value: 'geoHaystack' as never }] } },
    expect: ['key_value'],
    source: VALIDATE,
    versions: '5.0+',
  },
  {
    title: 'an unknown plugin name is refused',
    input: { validate: { keys: [{ field: 'a', value: 'btree' as never }] } },
    expect: ['key_value'],
    source: VALIDATE,
  },
  {
    title: 'a wildcard key takes a number, not a string',
    input: { validate: def(['a.$**', 'hashed']) },
    expect: ['key_value'],
    source: VALIDATE,
  },
  {
    title: 'a descending wildcard key builds on 7.0',
    input: { validate: def(['$**', -1]), version: [7, 0] },
    expect: [],
    source: VALIDATE,
    versions: '7.0+',
  },
  {
    title: 'a descending wildcard key needs 7.0 ("must be positive" before compound wildcard indexes)',
    input: { validate: def(['$**', -1]), version: [6, 0] },
    expect: ['requires_version'],
    source: VALIDATE,
    versions: '6.0',
  },
  // ── field names ──
  { title: 'a DBRef $id below the first segment', input: { validate: def(['owner.$id', 1]) }, expect: [], source: VALIDATE },
  {
    title: 'DBRef $ref and $db below the first segment',
    input: { validate: def(['owner.$ref', 1], ['owner.$db', 1]) },
    expect: [],
    source: VALIDATE,
  },
  { title: 'a DBRef name as the first segment is refused', input: { validate: def(['$id', 1]) }, expect: ['field_name'], source: VALIDATE },
  { title: 'another $-prefixed segment is refused', input: { validate: def(['a.$b', 1]) }, expect: ['field_name'], source: VALIDATE },
  { title: '$ inside a segment is fine', input: { validate: def(['price$usd', 1]) }, expect: [], source: VALIDATE },
  { title: 'an empty segment is refused', input: { validate: def(['a..b', 1]) }, expect: ['field_name'], source: VALIDATE },
  { title: 'a trailing dot is refused', input: { validate: def(['a.', 1]) }, expect: ['field_name'], source: VALIDATE },
  { title: 'an empty name is refused', input: { validate: def(['', 1]) }, expect: ['field_name'], source: VALIDATE },
  { title: '_fts other than text is refused', input: { validate: def(['_fts', 1]) }, expect: ['field_name'], source: VALIDATE },
  { title: '$** ends a path only', input: { validate: def(['$**.a', 1]) }, expect: ['field_name'], source: VALIDATE },
  { title: 'a field appears once', input: { validate: def(['a', 1], ['a', -1]) }, expect: ['duplicate_field'], source: SPEC },
  // ── size ──
  {
    title: '32 fields',
    input: { validate: def(...Array.from({ length: 32 }, (_, i): [string, 1] => [`f${i}`, 1])) },
    expect: [],
    source: LIMITS,
  },
  {
    title: '33 fields are refused',
    input: { validate: def(...Array.from({ length: 33 }, (_, i): [string, 1] => [`f${i}`, 1])) },
    expect: ['max_compound_fields'],
    source: LIMITS,
  },
  {
    title: '40 text fields build (stored as _fts and _ftsx)',
    input: { validate: def(...Array.from({ length: 40 }, (_, i): [string, 'text'] => [`t${i}`, 'text'])) },
    expect: [],
    source: STORED_TEXT_KEY,
  },
  {
    title: '30 fields and three text fields build (32 stored)',
    input: {
      validate: def(...Array.from({ length: 30 }, (_, i): [string, 1] => [`f${i}`, 1]), ['t0', 'text'], ['t1', 'text'], ['t2', 'text']),
    },
    expect: [],
    source: STORED_TEXT_KEY,
  },
  {
    title: '31 fields and one text field are refused (33 stored)',
    input: { validate: def(...Array.from({ length: 31 }, (_, i): [string, 1] => [`f${i}`, 1]), ['t0', 'text']) },
    expect: ['max_compound_fields'],
    source: STORED_TEXT_KEY,
  },
  // 5 (document) + 1 + 2036 + 1 (name) + 4 (int32) = 2047; two more name bytes make 2049.
  { title: 'a 2047-byte key pattern builds', input: { validate: def(['a'.repeat(2036), 1]) }, expect: [], source: VALIDATE },
  {
    title: 'a key pattern over 2048 BSON bytes is refused ("Index key pattern too large")',
    input: { validate: def(['a'.repeat(2038), 1]) },
    expect: ['key_pattern_size'],
    source: VALIDATE,
  },
  {
    title: 'a long dotted path within 2048 bytes builds (depth has no limit of its own)',
    input: { validate: def([Array.from({ length: 100 }, (_, i) => `p${i % 10}`).join('.'), 1]) },
    expect: [],
    source: VALIDATE,
  },
  // ── special index types and how they combine (index_plugins.js) ──
  ...(['hashed', '2d', '2dsphere', 'text'] as const).map((type) => ({
    title: `{a: "${type}"} builds`,
    input: { validate: def(['a', type]) },
    expect: [] as string[],
    source: PLUGINS,
  })),
  { title: '2dsphere before an ascending field', input: { validate: def(['a', '2dsphere'], ['b', 1]) }, expect: [], source: PLUGINS },
  { title: '2dsphere after an ascending field', input: { validate: def(['a', 1], ['b', '2dsphere']) }, expect: [], source: PLUGINS },
  { title: 'text before an ascending field', input: { validate: def(['a', 'text'], ['b', 1]) }, expect: [], source: PLUGINS },
  { title: 'text after an ascending field', input: { validate: def(['a', 1], ['b', 'text']) }, expect: [], source: PLUGINS },
  { title: '2d before an ascending field', input: { validate: def(['a', '2d'], ['b', 1]) }, expect: [], source: PLUGINS },
  { title: 'hashed before an ascending field', input: { validate: def(['a', 'hashed'], ['b', 1]) }, expect: [], source: PLUGINS },
  { title: 'hashed after an ascending field', input: { validate: def(['a', 1], ['b', 'hashed']) }, expect: [], source: PLUGINS },
  {
    title: '2d after an ascending field is refused',
    input: { validate: def(['a', 1], ['b', '2d']) },
    expect: ['2d_single'],
    source: `${PLUGINS}; ${TWO_D}`,
  },
  { title: 'two 2dsphere fields build', input: { validate: def(['a', '2dsphere'], ['b', '2dsphere']) }, expect: [], source: PLUGINS },
  { title: 'two text fields build', input: { validate: def(['a', 'text'], ['b', 'text']) }, expect: [], source: PLUGINS },
  {
    title: 'two 2d fields are refused',
    input: { validate: def(['a', '2d'], ['b', '2d']) },
    expect: ['2d_single'],
    source: `${PLUGINS}; ${TWO_D}`,
  },
  {
    title: 'two hashed fields are refused (31303)',
    input: { validate: def(['a', 'hashed'], ['b', 'hashed']) },
    expect: ['one_hashed_field'],
    source: PLUGINS,
  },
  {
    title: 'two hashed fields after an ascending one are refused (31303)',
    input: { validate: def(['c', 1], ['a', 'hashed'], ['b', 'hashed']) },
    expect: ['one_hashed_field'],
    source: PLUGINS,
  },
  ...(['2d', '2dsphere', 'hashed', 'text'] as const).flatMap((one) =>
    (['2d', '2dsphere', 'hashed', 'text'] as const)
      .filter((other) => other !== one)
      .flatMap((other) => [
        {
          title: `{a: "${one}", b: "${other}"} is refused (CannotCreateIndex)`,
          input: { validate: def(['a', one], ['b', other]) },
          // A 2d field that does not come first is a second reason the core gives.
          expect: other === '2d' ? ['2d_single', 'mixed_index_types'] : ['mixed_index_types'],
          source: `${PLUGINS}; ${PLUGIN_NAME}`,
        },
        {
          title: `{a: "${one}", c: 1, b: "${other}"} is refused (CannotCreateIndex)`,
          input: { validate: def(['a', one], ['c', 1], ['b', other]) },
          expect: other === '2d' ? ['2d_single', 'mixed_index_types'] : ['mixed_index_types'],
          source: PLUGINS,
        },
      ]),
  ),
  ...(['2d', '2dsphere', 'hashed'] as const).map((type) => ({
    title: `{"$**": 1, b: "${type}"} is refused (CannotCreateIndex)`,
    input: { validate: def(['$**', 1], ['b', type]) },
    expect: type === '2d' ? ['2d_single', 'mixed_index_types'] : ['mixed_index_types'],
    source: PLUGINS,
  })),
  {
    // `{ "$**": 1, b: "text" }`: a wildcard and a text field; the server names the plugin by the first one and refuses the other.
    title: '{"$**": 1, b: "text"} is refused (CannotCreateIndex)',
    input: { validate: def(['$**', 1], ['b', 'text']) },
    expect: ['mixed_index_types'],
    source: PLUGINS,
  },
  {
    title: 'an unknown plugin ("bad") is refused',
    input: { validate: def(['bad', special('bad')]) },
    expect: ['key_value'],
    source: BAD_PLUGIN,
  },
  {
    title: 'an empty string value is refused ("cannot be empty strings")',
    input: { validate: def(['a', special('')]) },
    expect: ['key_value'],
    source: SPEC,
  },
  {
    title: 'the plugin name "wildcard" is refused as a value',
    input: { validate: def(['a', special('wildcard')]) },
    expect: ['key_value'],
    source: VALIDATE,
  },
  {
    title: 'a document as a key value is refused',
    input: { validate: def(['instances', special({ pool: 1 } as never)]) },
    expect: ['key_value'],
    source: `mongodb/mongo jstests/core/index/index4.js; ${VALIDATE} (v2: only numbers and strings)`,
  },
  {
    title: 'a boolean key value is refused',
    input: { validate: def(['a', special(true as never)]) },
    expect: ['key_value'],
    source: VALIDATE,
  },
  {
    title: 'a null key value is refused',
    input: { validate: def(['a', special(null as never)]) },
    expect: ['key_value'],
    source: VALIDATE,
  },
  {
    title: 'a number written as a string is an unknown plugin',
    input: { validate: def(['a', special('1')]) },
    expect: ['key_value'],
    source: `${VALIDATE}; ${PLUGIN_NAME}`,
  },
  // ── field names (indexp.js) ──
  { title: 'a leading dot is refused', input: { validate: def(['.a', 1]) }, expect: ['field_name'], source: INDEXP },
  { title: 'a lone dot is refused', input: { validate: def(['.', 1]) }, expect: ['field_name'], source: INDEXP },
  { title: 'a $-prefixed first segment is refused', input: { validate: def(['$a', 1]) }, expect: ['field_name'], source: INDEXP },
  { title: '$db as the first segment is refused', input: { validate: def(['$db', 1]) }, expect: ['field_name'], source: INDEXP },
  { title: 'a dotted path builds', input: { validate: def(['a.b', 1]) }, expect: [], source: INDEXP },
  {
    title: 'numeric path parts build (a.0, a.-1, a.00)',
    input: { validate: def(['a.0', 1], ['a.-1', 1], ['a.00', 1]) },
    expect: [],
    source: 'mongodb/mongo jstests/core/indexu.js (SERVER-2902)',
  },
  {
    title: 'a DBRef name in the middle of a path builds',
    input: { validate: def(['owner.$id.part', 1]) },
    expect: [],
    source: `${VALIDATE}: a $id, $ref or $db part anywhere but first`,
  },
  {
    title: '{_fts: "text"} alone is refused (SERVER-19519)',
    input: { validate: def(['_fts', 'text']) },
    expect: ['field_name'],
    source: 'mongodb/mongo jstests/core/index/fts/fts_index.js (commit 110950fe)',
  },
  {
    title: '$** alone with a string other than text is refused',
    input: { validate: def(['$**', '2dsphere']) },
    expect: ['key_value'],
    source: VALIDATE,
  },
  // ── identity: key patterns compared by value ──
  {
    title: '1 and 1.0 are one index',
    input: { a: live({ a: 1 }), b: live({ a: { $numberDouble: '1.0' } }) },
    expect: 'same',
    source: COMPARE,
  },
  {
    title: '1 and NumberLong(1) are one index',
    input: { a: live({ a: 1 }), b: live({ a: { $numberLong: '1' } }) },
    expect: 'same',
    source: COMPARE,
  },
  {
    title: '-1 and Decimal128("-1.0") are one index',
    input: { a: live({ a: -1 }), b: live({ a: { $numberDecimal: '-1.0' } }) },
    expect: 'same',
    source: COMPARE,
  },
  { title: '1 and 2 are two indexes', input: { a: live({ a: 1 }), b: live({ a: 2 }) }, expect: 'different', source: COMPARE },
  { title: '-1 and -0.5 are two indexes', input: { a: live({ a: -1 }), b: live({ a: -0.5 }) }, expect: 'different', source: COMPARE },
  {
    title: 'a definition of 2 is the live 2.0',
    input: { a: def(['a', 2]), b: live({ a: { $numberDouble: '2.0' } }) },
    expect: 'same',
    source: COMPARE,
  },
  { title: 'a definition of 1 is not the live 2', input: { a: def(['a', 1]), b: live({ a: 2 }) }, expect: 'different', source: COMPARE },
  { title: 'field order matters', input: { a: live({ a: 1, b: -1 }), b: live({ b: -1, a: 1 }) }, expect: 'different', source: COMPARE },
];
