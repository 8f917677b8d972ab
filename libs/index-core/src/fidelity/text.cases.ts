import type { IndexDefinition, KeyEntry, ListIndexesEntry } from '../types';
import type { FidelityCase, IndexSide } from './case-shape';

/**
 * Text indexes: what MongoDB's createIndexes accepts and refuses (weights, languages, language_override,
 * textIndexVersion, collation, compound text keys), and which text indexes it treats as one. Commits are
 * those of the files read in mongodb/mongo.
 */

const SPEC =
  'mongodb/mongo src/mongo/db/fts/fts_spec.cpp (FTSSpec::fixSpec; commit b6a71bf1, rules unchanged at 73612fec, master after 8.0)';
const LANGUAGES = 'mongodb/mongo src/mongo/db/fts/fts_language.cpp (language list, case-insensitive lookup, commit b6a71bf1)';
const FTS_INDEX = 'mongodb/mongo jstests/core/index/fts/fts_index.js (commit 110950fe)';
const VERSION_1 = 'mongodb/mongo jstests/core/fts_index_version1.js';
const COLLATION = 'mongodb/mongo jstests/core/collation.js (commit 131e03e5)';
const WEIGHT_WILDCARD = 'mongodb/mongo jstests/core/index/fts/fts_index_wildcard_and_weight.js (commit 591928c6)';

const k = (field: string, value: KeyEntry['value'] = 'text'): KeyEntry => ({ field, value });
const def = (keys: KeyEntry[], options?: IndexDefinition['options']): IndexDefinition => (options ? { keys, options } : { keys });
const TITLE = [k('title')];
const side = (definition: IndexDefinition): IndexSide => ({ definition });
/** A text index as listIndexes gives it: `_fts`/`_ftsx` where the text fields stand, the defaults filled in. */
const listed = (key: Record<string, unknown>, name: string, extra: Record<string, unknown>): IndexSide => ({
  listed: {
    v: 2,
    key,
    name,
    default_language: 'english',
    language_override: 'language',
    textIndexVersion: 3,
    ...extra,
  } as ListIndexesEntry,
});
const FTS = { _fts: 'text', _ftsx: 1 };
const SPEC_LATEST =
  'mongodb/mongo src/mongo/db/fts/fts_spec.cpp FTSSpec::fixSpec (commit of the stored version, id 67718769: the CannotCreateIndex statuses)';
const FTS_INDEX_LATEST = 'mongodb/mongo jstests/core/index/fts/fts_index.js (commit 110950fe): sections 1, 3 and 6';

export const TEXT_CASES: readonly FidelityCase[] = [
  // ── keys ──
  { title: 'text on one field', input: { definition: def(TITLE) }, expect: { accepts: true }, source: FTS_INDEX },
  { title: 'text on every string field', input: { definition: def([k('$**')]) }, expect: { accepts: true }, source: FTS_INDEX },
  {
    title: 'text on a subtree wildcard',
    input: { definition: def([k('a.$**')]) },
    expect: { refuses: 'key_value', field: 'keys.0.value', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX,
  },
  {
    title: 'text on a $-prefixed field',
    input: { definition: def([k('a.$custom')]) },
    expect: { refuses: 'field_name', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX,
  },
  {
    title: 'compound text with prefix and suffix fields',
    input: { definition: def([k('a', 1), k('b'), k('c', -1)]) },
    expect: { accepts: true },
    source: FTS_INDEX,
  },
  {
    title: 'compound text on every string field after a prefix field',
    input: { definition: def([k('a', 1), k('$**')]) },
    expect: { accepts: true },
    source: 'mongodb/mongo jstests/core/index/wildcard/wildcard_and_text_indexes.js (commit 0778c597)',
  },
  {
    title: 'an ordinary field below _fts in a text index',
    input: { definition: def([k('a'), k('_fts.x', 1)]) },
    expect: { accepts: true },
    source: `${SPEC_LATEST}: only _fts and _ftsx themselves are reserved`,
  },
  {
    title: 'four dotted prefix fields before a text field',
    input: { definition: def([k('a.x', 1), k('a.y', 1), k('b.x', 1), k('b.y', 1), k('words')]) },
    expect: { accepts: true },
    source: 'mongodb/mongo jstests/core/index/fts/fts_dotted_prefix_fields.js (commit 73612fec)',
  },
  {
    title: 'a dotted suffix field after a text field',
    input: { definition: def([k('a', 1), k('b'), k('c.d', 1)]) },
    expect: { accepts: true },
    source: 'mongodb/mongo jstests/core/index/fts/fts_trailing_fields.js (commit 73612fec)',
  },
  {
    title: 'text fields apart',
    input: { definition: def([k('a'), k('b', 1), k('c')]) },
    expect: { refuses: 'text_contiguous', serverCode: "CannotCreateIndex: 'text' fields in index must all be adjacent" },
    source: SPEC,
  },
  {
    title: 'text beside 2dsphere',
    input: { definition: def([k('a'), k('b', '2dsphere')]) },
    expect: { refuses: 'mixed_index_types', serverCode: 'CannotCreateIndex: expected value 1 or -1 for non-text key' },
    source: SPEC,
  },
  {
    title: 'a non-text field of 2 in a compound text index',
    input: { definition: def([k('a'), k('b', 2)]) },
    expect: { refuses: 'text_key_direction', serverCode: 'CannotCreateIndex: expected value 1 or -1 for non-text key in compound index' },
    source: SPEC_LATEST,
  },
  {
    title: 'a non-text field of Number.MAX_VALUE in a compound text index',
    input: { definition: def([k('a'), k('b', Number.MAX_VALUE)]) },
    expect: { refuses: 'text_key_direction', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX_LATEST,
  },
  {
    title: 'a non-text field of -Number.MAX_VALUE in a compound text index',
    input: { definition: def([k('a'), k('b', -Number.MAX_VALUE)]) },
    expect: { refuses: 'text_key_direction', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX_LATEST,
  },
  {
    title: 'a non-text prefix field of 0.5 in a compound text index',
    input: { definition: def([k('p', 0.5), k('a')]) },
    expect: { refuses: 'text_key_direction', serverCode: 'CannotCreateIndex (67)' },
    source: `${SPEC_LATEST}: the value read as an int (0.5 → 0)`,
  },
  {
    title: 'a non-text field of -1 in a compound text index',
    input: { definition: def([k('a'), k('b', -1)]) },
    expect: { accepts: true },
    source: SPEC_LATEST,
  },
  {
    title: 'a non-text field of 1.5 in a compound text index (read as the int 1)',
    input: { definition: def([k('a'), k('b', 1.5)]) },
    expect: { accepts: true },
    source: `${SPEC_LATEST}: the value read as an int`,
  },
  {
    title: 'a text index on _fts alone',
    input: { definition: def([k('_fts')]) },
    expect: { refuses: 'field_name', serverCode: 'CannotCreateIndex (SERVER-19519)' },
    source: FTS_INDEX_LATEST,
  },
  {
    title: 'the stored _fts/_ftsx form without weights',
    input: { definition: def([k('a', 1), k('_fts'), k('_ftsx', 1), k('c', 1)]) },
    expect: { refuses: 'field_name', serverCode: "CannotCreateIndex: text index option 'weights' must specify fields or the wildcard" },
    source: FTS_INDEX_LATEST,
  },
  {
    title: 'the stored _fts/_ftsx form with weights',
    input: { definition: def([k('a', 1), k('_fts'), k('_ftsx', 1), k('c', 1)], { weights: { b: 1 } }) },
    expect: { accepts: true },
    deliberate: {
      core: { refuses: 'field_name' },
      why: 'the key of a definition names its text fields (b: "text"); _fts/_ftsx is the form the server stores, which an import writes back as the text fields',
    },
    source: `${FTS_INDEX_LATEST} (the spec is valid: a second text index beside another fails with IndexOptionsConflict, not for its form)`,
  },
  {
    title: 'a prefix field named _ftsx in a text index',
    input: { definition: def([k('_ftsx', 1), k('a')]) },
    expect: { refuses: 'text_reserved_field', serverCode: 'CannotCreateIndex: text index with reserved fields _fts/_ftsx not allowed' },
    source: SPEC_LATEST,
  },
  {
    title: 'a suffix field named _ftsx in a text index',
    input: { definition: def([k('a'), k('_ftsx', -1)]) },
    expect: { refuses: 'text_reserved_field', serverCode: 'CannotCreateIndex: text index with reserved fields _fts/_ftsx not allowed' },
    source: SPEC_LATEST,
  },
  {
    title: 'a text field named _ftsx',
    input: { definition: def([k('_ftsx')]) },
    expect: { refuses: 'text_reserved_field', serverCode: 'CannotCreateIndex: text index with reserved fields _fts/_ftsx not allowed' },
    source: SPEC_LATEST,
  },
  {
    title: 'an ordinary index on _ftsx',
    input: { definition: def([k('_ftsx', 1)]) },
    expect: { accepts: true },
    source: 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp validateKeyPattern (only _fts is reserved outside text indexes)',
  },
  {
    title: 'empty weights on a non-text index',
    input: { definition: def([k('a', 1), k('c', 1)], { weights: {} }) },
    expect: { refuses: 'weights_require_text', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX_LATEST,
  },
  // ── weights ──
  {
    title: 'weights within range',
    input: { definition: def(TITLE, { weights: { title: 99999 } }) },
    expect: { accepts: true },
    source: SPEC,
  },
  {
    title: 'weight of 100000',
    input: { definition: def(TITLE, { weights: { title: 100000 } }) },
    expect: { refuses: 'text_weight_range', field: 'options.weights.title', serverCode: 'CannotCreateIndex (67)' },
    source: SPEC,
  },
  {
    title: 'weight of Number.MAX_VALUE',
    input: { definition: def([k('a')], { weights: { b: Number.MAX_VALUE } }) },
    expect: { refuses: 'text_weight_range', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX,
  },
  {
    title: 'negative weight',
    input: { definition: def([k('a')], { weights: { b: -Number.MAX_VALUE } }) },
    expect: { refuses: 'text_weight_range', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX,
  },
  {
    title: 'weight 0.5 (stored as 0)',
    input: { definition: def(TITLE, { weights: { title: 0.5 } }) },
    expect: { refuses: 'text_weight_range', serverCode: 'CannotCreateIndex (67)' },
    source: SPEC,
  },
  {
    title: 'fractional weight',
    input: { definition: def(TITLE, { weights: { title: 2.5 } }) },
    expect: { accepts: true },
    deliberate: {
      core: { refuses: 'text_weight_integer', field: 'options.weights.title' },
      why: 'the server truncates the weight to 2 without a word; a whole number says what will be stored',
    },
    source: SPEC,
  },
  {
    title: 'weights adding a field that is not in the key',
    input: { definition: def(TITLE, { weights: { keywords: 5 } }) },
    expect: { accepts: true },
    source: SPEC,
  },
  {
    title: 'weights on a text index over every field',
    input: { definition: def([k('$**')], { weights: { name: 500, tag: 250 } }) },
    expect: { accepts: true },
    source: WEIGHT_WILDCARD,
  },
  { title: 'weight on $**', input: { definition: def(TITLE, { weights: { '$**': 2 } }) }, expect: { accepts: true }, source: SPEC },
  {
    title: 'weight on an empty path part',
    input: { definition: def(TITLE, { weights: { 'a..b': 2 } }) },
    expect: { refuses: 'text_weight_field', serverCode: 'CannotCreateIndex: weight cannot have empty path component' },
    source: SPEC,
  },
  {
    title: 'weight on a $-prefixed path part',
    input: { definition: def(TITLE, { weights: { 'a.$b': 2 } }) },
    expect: { refuses: 'text_weight_field', serverCode: 'CannotCreateIndex: weight cannot have path component with $ prefix' },
    source: SPEC,
  },
  {
    title: 'weights on a non-text index',
    input: { definition: def([k('a', 1), k('c', 1)], { weights: { d: 1 } }) },
    expect: { refuses: 'weights_require_text', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX,
  },
  {
    title: 'weights as the string "$**" on a text index',
    input: { definition: { keys: TITLE, options: { weights: '$**' } } as unknown as IndexDefinition },
    expect: { accepts: true },
    deliberate: {
      core: { refuses: 'text_weight_range', field: 'options.weights' },
      why: 'the string is an old shorthand for { "$**": 1 }, which listIndexes shows and an import writes; a definition writes the object',
    },
    source: SPEC_LATEST,
  },
  {
    title: 'weights as the string "$**" on a non-text index',
    input: { definition: { keys: [k('a', 1), k('c', 1)], options: { weights: '$**' } } as unknown as IndexDefinition },
    expect: { refuses: 'weights_require_text', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX_LATEST,
  },
  {
    title: 'weights as the string "$foo" on a non-text index',
    input: { definition: { keys: [k('a', 1), k('c', 1)], options: { weights: '$foo' } } as unknown as IndexDefinition },
    expect: { refuses: 'weights_require_text', serverCode: 'CannotCreateIndex (67)' },
    source: FTS_INDEX_LATEST,
  },
  {
    title: 'empty weights on a text index (its text fields weigh 1)',
    input: { definition: def(TITLE, { weights: {} }) },
    expect: { accepts: true },
    source: SPEC_LATEST,
  },
  {
    title: 'a weight that is no number',
    input: { definition: { keys: TITLE, options: { weights: { title: 'high' } } } as unknown as IndexDefinition },
    expect: { refuses: 'text_weight_range', serverCode: 'CannotCreateIndex: weight for text index needs numeric type' },
    source: SPEC_LATEST,
  },
  {
    title: 'language_override that is no string',
    input: { definition: { keys: TITLE, options: { language_override: 1 } } as unknown as IndexDefinition },
    expect: { refuses: 'text_language_override', serverCode: 'TypeMismatch' },
    source: `${SPEC_LATEST}; mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp validateIndexSpec (default_language and language_override must be strings)`,
  },
  {
    title: 'default_language that is no string',
    input: { definition: { keys: TITLE, options: { default_language: 1 } } as unknown as IndexDefinition },
    expect: { refuses: 'text_language', serverCode: 'TypeMismatch' },
    source:
      'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp validateIndexSpec (default_language and language_override must be strings)',
  },
  // ── languages ──
  {
    title: 'default_language spanish',
    input: { definition: def(TITLE, { default_language: 'spanish' }) },
    expect: { accepts: true },
    source: FTS_INDEX,
  },
  {
    title: 'default_language spanglish',
    input: { definition: def(TITLE, { default_language: 'spanglish' }) },
    expect: { refuses: 'text_language', field: 'options.default_language', serverCode: 'CannotCreateIndex: default_language is not valid' },
    source: FTS_INDEX,
  },
  {
    title: 'default_language by ISO code',
    input: { definition: def(TITLE, { default_language: 'pt' }) },
    expect: { accepts: true },
    source: LANGUAGES,
  },
  {
    title: 'default_language in capitals',
    input: { definition: def(TITLE, { default_language: 'English' }) },
    expect: { accepts: true },
    source: LANGUAGES,
  },
  {
    title: 'ISO code in capitals',
    input: { definition: def(TITLE, { default_language: 'EN' }) },
    expect: { accepts: true },
    source: LANGUAGES,
  },
  {
    title: 'default_language none',
    input: { definition: def(TITLE, { default_language: 'none' }) },
    expect: { accepts: true },
    source: LANGUAGES,
  },
  {
    title: 'three-letter code on a version 3 index',
    input: { definition: def(TITLE, { default_language: 'eng' }) },
    expect: { refuses: 'text_language', serverCode: 'CannotCreateIndex: default_language is not valid' },
    source: LANGUAGES,
  },
  {
    title: 'three-letter code on a version 1 index',
    input: { definition: def(TITLE, { default_language: 'eng', text_index_version: 1 }) },
    expect: { accepts: true },
    source: VERSION_1,
  },
  {
    title: 'default_language on a non-text index',
    input: { definition: def([k('a', 1)], { default_language: 'english' }) },
    expect: { refuses: 'text_options_require_text', serverCode: 'CannotCreateIndex (67)' },
    source: 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp (fields allowed by index type)',
  },
  // ── language_override ──
  {
    title: 'language_override idioma',
    input: { definition: def(TITLE, { language_override: 'idioma' }) },
    expect: { accepts: true },
    source: FTS_INDEX,
  },
  {
    title: 'language_override with a $ prefix',
    input: { definition: def(TITLE, { language_override: '$lang' }) },
    expect: { refuses: 'text_language_override', serverCode: 'CannotCreateIndex: language_override is not valid' },
    source: SPEC,
  },
  {
    title: 'language_override with a dot',
    input: { definition: def(TITLE, { language_override: 'meta.lang' }) },
    expect: { refuses: 'text_language_override', serverCode: 'CannotCreateIndex: language_override is not valid' },
    source: SPEC,
  },
  {
    title: 'empty language_override',
    input: { definition: def(TITLE, { language_override: '' }) },
    expect: { refuses: 'text_language_override', serverCode: 'CannotCreateIndex: language_override is not valid' },
    source: SPEC,
  },
  // ── textIndexVersion ──
  {
    title: 'textIndexVersion 1',
    input: { definition: def(TITLE, { text_index_version: 1 }) },
    expect: { accepts: true },
    source: FTS_INDEX,
  },
  {
    title: 'textIndexVersion 2',
    input: { definition: def(TITLE, { text_index_version: 2 }) },
    expect: { accepts: true },
    source: FTS_INDEX,
  },
  {
    title: 'textIndexVersion 3',
    input: { definition: def(TITLE, { text_index_version: 3 }) },
    expect: { accepts: true },
    source: FTS_INDEX,
  },
  {
    title: 'textIndexVersion 4',
    input: { definition: def(TITLE, { text_index_version: 4 }) },
    expect: { refuses: 'text_index_version', serverCode: 'CannotCreateIndex: bad textIndexVersion' },
    source: SPEC,
  },
  // ── collation ──
  {
    title: 'text index with a collation',
    input: { definition: def(TITLE, { collation: { locale: 'en' } }) },
    expect: { refuses: 'collation_unsupported', field: 'options.collation', serverCode: 'CannotCreateIndex' },
    source: COLLATION,
  },
  {
    title: 'text index with the simple collation',
    input: { definition: def(TITLE, { collation: { locale: 'simple' } }) },
    expect: { accepts: true },
    source: `${COLLATION}: needed on a collection whose default collation is not simple`,
  },
  // ── identity: which text indexes the server treats as one ──
  {
    title: 'a definition and the defaults listIndexes fills in',
    input: { a: side(def([k('a', 1), k('b'), k('c', 1)])), b: listed({ a: 1, ...FTS, c: 1 }, 'a_1_b_text_c_1', { weights: { b: 1 } }) },
    expect: 'same',
    source: FTS_INDEX,
  },
  {
    title: 'a live compound text index whose other fields are 1.5 and -1',
    input: {
      a: side(def([k('a', 1.5), k('b'), k('c', -1)])),
      b: listed({ a: 1.5, ...FTS, c: -1 }, 'a_1.5_b_text_c_-1', { weights: { b: 1 } }),
    },
    expect: 'same',
    source: `${SPEC_LATEST}: the other fields kept as given once read as 1 or -1`,
  },
  {
    title: 'default_language english written out',
    input: { a: side(def([k('a', 1), k('b'), k('c', 1)])), b: side(def([k('a', 1), k('b'), k('c', 1)], { default_language: 'english' })) },
    expect: 'same',
    source: FTS_INDEX,
  },
  {
    title: 'language_override language written out',
    input: { a: side(def([k('b')])), b: side(def([k('b')], { language_override: 'language' })) },
    expect: 'same',
    source: FTS_INDEX,
  },
  {
    title: 'weight 1 written out',
    input: { a: side(def(TITLE)), b: side(def(TITLE, { weights: { title: 1 } })) },
    expect: 'same',
    source: SPEC,
  },
  {
    title: 'weights in another order',
    input: { a: side(def([k('a'), k('b')], { weights: { a: 2, b: 3 } })), b: side(def([k('b'), k('a')], { weights: { b: 3, a: 2 } })) },
    expect: 'same',
    source: SPEC,
  },
  {
    title: 'a weight and the whole number the server stores',
    input: { a: listed(FTS, 'title_text', { weights: { title: 2 } }), b: side(def(TITLE, { weights: { title: 2.9 } })) },
    expect: 'same',
    source: `${SPEC}: weights read as int`,
  },
  {
    title: 'a weight the definition adds for a field outside the key',
    input: { a: side(def(TITLE, { weights: { keywords: 5 } })), b: listed(FTS, 'title_text', { weights: { keywords: 5, title: 1 } }) },
    expect: 'same',
    source: SPEC,
  },
  {
    title: 'another language_override',
    input: { a: side(def([k('a', 1), k('b'), k('c', 1)])), b: side(def([k('a', 1), k('b'), k('c', 1)], { language_override: 'idioma' })) },
    expect: 'conflict',
    source: FTS_INDEX,
  },
  {
    title: 'another default_language',
    input: { a: side(def([k('a', 1), k('b'), k('c', 1)])), b: side(def([k('a', 1), k('b'), k('c', 1)], { default_language: 'none' })) },
    expect: 'conflict',
    source: FTS_INDEX,
  },
  {
    title: 'another weighted field',
    input: { a: side(def([k('a', 1), k('b'), k('c', 1)])), b: side(def([k('a', 1), k('b'), k('c', 1)], { weights: { d: 1 } })) },
    expect: 'conflict',
    source: FTS_INDEX,
  },
  {
    title: 'another text field',
    input: { a: side(def([k('a', 1), k('b'), k('c', 1)])), b: side(def([k('b')])) },
    expect: 'conflict',
    source: FTS_INDEX,
  },
  {
    title: 'another suffix field',
    input: { a: side(def([k('a', 1), k('b'), k('c', 1)])), b: side(def([k('a', 1), k('b'), k('d', 1)])) },
    expect: 'conflict',
    source: FTS_INDEX,
  },
  {
    title: 'a language by its code and by its name',
    input: {
      a: side(def(TITLE, { default_language: 'en' })),
      b: listed(FTS, 'title_text', { weights: { title: 1 }, default_language: 'english' }),
    },
    expect: 'conflict',
    deliberate: {
      core: 'same',
      why: 'the server compares the strings; both name the same stemmer and stop words, so a rebuild would change nothing',
    },
    source: `${LANGUAGES}; mongodb/mongo src/mongo/db/index/index_descriptor.cpp (other options compared as BSON)`,
  },
  {
    title: 'textIndexVersion 2 and 3',
    input: { a: side(def(TITLE, { text_index_version: 2 })), b: side(def(TITLE, { text_index_version: 3 })) },
    expect: 'same',
    deliberate: {
      core: 'conflict',
      why: 'createIndexes takes them as one (no-op), but version 2 and 3 tokenize differently: the index is not the one the design wants',
    },
    source: FTS_INDEX,
  },
];
