import type { KeyEntry } from '../types';
import { filledCollation } from '../testing/fixtures';

/**
 * Index collations, case by case, as the server decides them (6.0, 7.0 and 8.0 alike: they embed
 * the same ICU 57.1 and the same collator factory). `validate`: createIndexes accepts the collation
 * on the key given (default `{ x: 1 }`) (`expect: []`) or refuses it (the rules the core reports).
 * `identity`: a definition's collation `a` and the collation listIndexes shows `b` (absent: none)
 * are the same index to the server (`same`) or two indexes (`different`).
 */
export type CollationCase =
  | {
      readonly title: string;
      readonly input: { readonly collation: unknown; readonly keys?: readonly KeyEntry[] };
      readonly expect: readonly string[];
      readonly source: string;
    }
  | {
      readonly title: string;
      readonly input: { readonly a: unknown; readonly b: unknown };
      readonly expect: 'same' | 'different';
      readonly source: string;
    };

const FACTORY =
  'mongodb/mongo src/mongo/db/query/collation/collator_factory_icu.cpp makeFromBSON/parseToCollationSpec/validateLocaleID (SSPL 2018+, commit 1041dd84; same on r6.0–r8.0)';
const COMBINATIONS =
  'mongodb/mongo src/mongo/db/query/collation/collator_factory_icu.cpp validateCollationSpec (commit 1041dd84, and the IDL-based factory of newer servers)';
const LOCALES =
  'mongodb/mongo src/mongo/db/query/collation/collator_factory_icu_locales_test.cpp + MongoDB manual "Collation Locales and Default Parameters" (v6.0/v7.0/v8.0)';
const FACTORY_TEST =
  'mongodb/mongo src/mongo/db/query/collation/collator_factory_icu_test.cpp (commit 7648ee6b; the same assertions in every later version read, r3.6–r8.0)';
const ICU_TH =
  'unicode-org/icu icu4c/source/data/coll/th.txt ("[normalization on][alternate shifted][reorder Thai]", CLDR th.xml; ICU 54–57, the 57.1 MongoDB embeds) + collator_factory_icu.cpp parseToCollationSpec (an absent field takes the collator\'s own value)';
const ICU57 =
  'unicode-org/icu release-57-1 (the ICU 57.1 MongoDB 6.0–8.0 embed; CLDR 29) icu4c/source/data/coll/, checked with ucol_getAttribute on the 57.1 data + collator_factory_icu.cpp parseToCollationSpec:';
const ROOT_TYPES =
  'unicode-org/icu release-57-1 icu4c/source/data/coll/root.txt (collations emoji, eor, search, standard) + icu4c/source/i18n/ucol_res.cpp CollationLoader::loadFromCollations (type looked up with fallback to root; the valid locale gets @collation=<type> unless it is the default; searchjl falls back to search), checked with the 57.1 data';
/** Locales whose filled-in `normalization` the core had wrong: the value ICU 57.1 reports, and the rules that decide it. */
const ICU57_NORMALIZATION: Readonly<Record<string, readonly [boolean, string]>> = {
  el: [true, '[normalization on][reorder Grek]'],
  fa: [true, '[normalization on][reorder Arab]'],
  fa_AF: [true, '[import ps]: [normalization on][reorder Arab]'],
  he: [true, '[normalization on][reorder Hebr]'],
  ig: [true, '[normalization on]&B<ch...'],
  ps: [true, '[normalization on][reorder Arab]'],
  yi: [true, '[normalization on][reorder Hebr]'],
  yo: [true, '[normalization on]&E<ẹ...'],
  bo: [false, 'no tailoring in 57.1: root; [normalization on] came with CLDR 30'],
  ml: [false, '[reorder Mlym Latn Deva ...] only'],
  ne: [false, '[reorder Deva] only'],
};
const COLLATION_JS = 'mongodb/mongo jstests/core/collation.js (invalid collations are refused)';
const KINDS =
  'mongodb/mongo src/mongo/db/catalog/index_catalog_impl.cpp _isSpecOk (collation only on btree, 2dsphere, hashed, wildcard; commit 873861d7)';
const SIGNATURE =
  'mongodb/mongo src/mongo/db/index/index_descriptor.cpp compareIndexOptions (CollatorInterface::collatorsMatch: the full filled-in spec) + jstests/core/index_signature.js';
const SIMPLE =
  'mongodb/mongo src/mongo/db/catalog/index_catalog_impl.cpp _isSpecOk ("the collation {locale: \\"simple\\"} ... should instead be implied by omitting the collation field": createIndexes strips it) + jstests/core/index_signature.js';

const ok = (title: string, collation: unknown, source = FACTORY, keys?: readonly KeyEntry[]): CollationCase => ({
  title,
  input: { collation, keys },
  expect: [],
  source,
});
const refused = (
  title: string,
  collation: unknown,
  rules: readonly string[],
  source = FACTORY,
  keys?: readonly KeyEntry[],
): CollationCase => ({
  title,
  input: { collation, keys },
  expect: rules,
  source,
});
const identity = (title: string, a: unknown, b: unknown, expect: 'same' | 'different', source = SIGNATURE): CollationCase => ({
  title,
  input: { a, b },
  expect,
  source,
});

export const COLLATION_CASES: readonly CollationCase[] = [
  // ── locales: ICU's names exactly ──
  ok('a language', { locale: 'fr' }, LOCALES),
  ok('a language and region ICU tailors', { locale: 'fr_CA' }, LOCALES),
  ok('en_US', { locale: 'en_US' }, LOCALES),
  ok('en_US_POSIX', { locale: 'en_US_POSIX' }, LOCALES),
  ok('a script', { locale: 'zh_Hant' }, LOCALES),
  ok('a variant: German phonebook', { locale: 'de@collation=phonebook' }, LOCALES),
  ok('a variant: Chinese unihan', { locale: 'zh@collation=unihan' }, LOCALES),
  ok('a variant: Arabic compat', { locale: 'ar@collation=compat' }, LOCALES),
  ok('simple', { locale: 'simple' }, SIMPLE),
  refused('a region ICU has no tailoring for (did you mean "en")', { locale: 'en_GB' }, ['collation_locale'], FACTORY),
  refused('another spelling of a locale', { locale: 'EN' }, ['collation_locale'], FACTORY),
  refused('a BCP 47 tag', { locale: 'de-u-co-phonebk' }, ['collation_locale'], FACTORY),
  refused('a legacy alias (iw is he)', { locale: 'iw' }, ['collation_locale'], FACTORY),
  // ICU 57.1 data, asked as validateLocaleID does (the collator's valid locale must be the string given).
  ok('zh@collation=stroke: a zh type the manual does not list', { locale: 'zh@collation=stroke' }, `${ICU57} zh.txt (collations/stroke)`),
  ok("zh@collation=standard: root order, not zh's default (pinyin)", { locale: 'zh@collation=standard' }, `${ICU57} zh.txt, root.txt`),
  ok('zh_Hant@collation=unihan: a zh type reached through the fallback to zh', { locale: 'zh_Hant@collation=unihan' }, `${ICU57} zh.txt`),
  ok(
    "sv@collation=standard: 57.1's Swedish default is reformed",
    { locale: 'sv@collation=standard' },
    `${ICU57} sv.txt (default reformed)`,
  ),
  refused(
    'sv@collation=reformed: the 57.1 default written out',
    { locale: 'sv@collation=reformed' },
    ['collation_locale'],
    `${ICU57} sv.txt`,
  ),
  ok('en@collation=search: a root type every locale inherits', { locale: 'en@collation=search' }, ROOT_TYPES),
  ok('fr_CA@collation=eor: a root type', { locale: 'fr_CA@collation=eor' }, ROOT_TYPES),
  ok('ja@collation=emoji: a root type', { locale: 'ja@collation=emoji' }, ROOT_TYPES),
  refused(
    'en@collation=searchjl: ICU falls back to search and names that',
    { locale: 'en@collation=searchjl' },
    ['collation_locale'],
    ROOT_TYPES,
  ),
  refused('en@collation=standard: the default type written out', { locale: 'en@collation=standard' }, ['collation_locale'], ROOT_TYPES),
  refused('the default variant written out (pinyin is zh)', { locale: 'zh@collation=pinyin' }, ['collation_locale'], FACTORY),
  refused('a variant the locale does not have', { locale: 'fr@collation=phonebook' }, ['collation_locale'], FACTORY),
  refused('not a locale', { locale: 'xx' }, ['collation_locale'], COLLATION_JS),
  refused('a language name', { locale: 'French' }, ['collation_locale'], FACTORY),
  refused('an empty locale', { locale: '' }, ['collation_locale'], FACTORY),
  refused('no locale', { strength: 2 }, ['collation_locale'], COLLATION_JS),
  refused('an empty document', {}, ['collation_locale'], COLLATION_JS),
  refused('not a document', 'fr', ['collation_locale'], COLLATION_JS),
  // The pre-IDL factory refuses settings on `simple` (FailedToParse); the IDL-based factory of newer servers returns the
  // simple collator without looking at them. Settings on `simple` mean nothing: the core refuses them on purpose, and a
  // live index can only be simple (no collation), which it compares as such.
  refused('simple with a setting', { locale: 'simple', strength: 2 }, ['collation_locale'], FACTORY),

  // ── the factory's unit test, assertion by assertion ──
  ok('en_US_POSIX: language, country and variant', { locale: 'en_US_POSIX' }, FACTORY_TEST),
  ok("zh_Hant@collation=pinyin: a variant other than zh_Hant's default (stroke)", { locale: 'zh_Hant@collation=pinyin' }, FACTORY_TEST),
  ok('de@collation=phonebook', { locale: 'de@collation=phonebook' }, FACTORY_TEST),
  refused('root (the fallback ICU answers with) is refused', { locale: 'root' }, ['collation_locale'], FACTORY_TEST),
  refused('ROOT@collation=search', { locale: 'ROOT@collation=search' }, ['collation_locale'], FACTORY_TEST),
  refused('garbage', { locale: 'garbage' }, ['collation_locale'], FACTORY_TEST),
  refused('a locale longer than ICU reads', { locale: 'x'.repeat(33) }, ['collation_locale'], FACTORY_TEST),
  refused('a long keyword', { locale: `en_US@${'x'.repeat(40)}=y` }, ['collation_locale'], FACTORY_TEST),
  refused('a trailing underscore', { locale: 'en_' }, ['collation_locale'], FACTORY_TEST),
  refused('a trailing underscore after the country', { locale: 'en_US_' }, ['collation_locale'], FACTORY_TEST),
  refused('two trailing underscores', { locale: 'en__' }, ['collation_locale'], FACTORY_TEST),
  refused('a leading underscore', { locale: '_en' }, ['collation_locale'], FACTORY_TEST),
  refused('a leading underscore before a country', { locale: '_en_US' }, ['collation_locale'], FACTORY_TEST),
  refused('two leading underscores', { locale: '__en' }, ['collation_locale'], FACTORY_TEST),
  refused('an empty component', { locale: 'en__US_POSIX' }, ['collation_locale'], FACTORY_TEST),
  refused('an extra component', { locale: 'en_Comp_US_POSIX' }, ['collation_locale'], FACTORY_TEST),
  refused('an unknown language with a country', { locale: 'xx_US' }, ['collation_locale'], FACTORY_TEST),
  refused('an unknown country', { locale: 'en_ZZ' }, ['collation_locale'], FACTORY_TEST),
  refused('an invalid three-letter country', { locale: 'en_USX' }, ['collation_locale'], FACTORY_TEST),
  refused('a valid three-letter country (ICU canonicalizes it)', { locale: 'en_USA' }, ['collation_locale'], FACTORY_TEST),
  refused('an unknown script', { locale: 'zh_Blah' }, ['collation_locale'], FACTORY_TEST),
  refused('a five-letter second component', { locale: 'zh_Blahh' }, ['collation_locale'], FACTORY_TEST),
  refused('an unknown variant', { locale: 'en_US_FOO' }, ['collation_locale'], FACTORY_TEST),
  refused('no country and an unknown variant', { locale: 'en__FOO' }, ['collation_locale'], FACTORY_TEST),
  refused('a known variant without its country', { locale: 'en__POSIX' }, ['collation_locale'], FACTORY_TEST),
  refused('a keyword and no language', { locale: '@collation=phonebook' }, ['collation_locale'], FACTORY_TEST),
  refused('a hyphen between language and country', { locale: 'en-US' }, ['collation_locale'], FACTORY_TEST),
  refused('a hyphen between country and variant', { locale: 'en_US-POSIX' }, ['collation_locale'], FACTORY_TEST),
  refused('a lower-case country', { locale: 'en_us' }, ['collation_locale'], FACTORY_TEST),
  refused('a mixed-case country', { locale: 'en_uS' }, ['collation_locale'], FACTORY_TEST),
  refused('a lower-case country and variant', { locale: 'en_us_posix' }, ['collation_locale'], FACTORY_TEST),
  refused('an upper-case script', { locale: 'zh_HANT' }, ['collation_locale'], FACTORY_TEST),
  refused('an upper-case language', { locale: 'ZH_hant' }, ['collation_locale'], FACTORY_TEST),
  refused('a keyword without a value', { locale: 'de@collation' }, ['collation_locale'], FACTORY_TEST),
  refused('a keyword with a trailing semicolon', { locale: 'de@collation=phonebook;' }, ['collation_locale'], FACTORY_TEST),
  refused('a keyword with a leading semicolon', { locale: 'de@;collation=phonebook' }, ['collation_locale'], FACTORY_TEST),
  refused(
    'zh_TW@collation=stroke (an alias, and the default variant)',
    { locale: 'zh_TW@collation=stroke' },
    ['collation_locale'],
    FACTORY_TEST,
  ),
  refused(
    'a variant the language does not have: en_US@collation=phonebook',
    { locale: 'en_US@collation=phonebook' },
    ['collation_locale'],
    FACTORY_TEST,
  ),
  refused('a null byte in the locale', { locale: 'en_US\0' }, ['collation_locale'], FACTORY_TEST),
  refused('a locale that is no string (TypeMismatch)', { locale: 3 }, ['collation_locale'], FACTORY_TEST),
  refused('simple with other fields (FailedToParse)', { locale: 'simple', caseLevel: true }, ['collation_locale'], FACTORY_TEST),
  refused('an unknown field (FailedToParse)', { locale: 'en_US', unknown: 'field' }, ['collation_option'], FACTORY_TEST),
  ok('strength 1.0 (a whole double)', { locale: 'en_US', strength: 1.0 }, FACTORY_TEST),
  ok('every strength, 1 to 5', { locale: 'en_US', strength: 5 }, FACTORY_TEST),
  refused('strength 2147483648', { locale: 'en_US', strength: 2147483648 }, ['collation_strength'], FACTORY_TEST),
  refused('strength 0.5 (BadValue)', { locale: 'en_US', strength: 0.5 }, ['collation_strength'], FACTORY_TEST),
  refused('strength -1', { locale: 'en_US', strength: -1 }, ['collation_strength'], FACTORY_TEST),
  refused('strength "garbage" (TypeMismatch)', { locale: 'en_US', strength: 'garbage' }, ['collation_strength'], FACTORY_TEST),
  refused('caseLevel "garbage" (TypeMismatch)', { locale: 'en_US', caseLevel: 'garbage' }, ['collation_option'], FACTORY_TEST),
  refused('caseFirst 1 (TypeMismatch)', { locale: 'en_US', caseFirst: 1 }, ['collation_option'], FACTORY_TEST),
  refused('caseFirst "invalid"', { locale: 'en_US', caseFirst: 'invalid' }, ['collation_option'], FACTORY_TEST),
  refused('numericOrdering "garbage"', { locale: 'en_US', numericOrdering: 'garbage' }, ['collation_option'], FACTORY_TEST),
  refused('alternate 1', { locale: 'en_US', alternate: 1 }, ['collation_option'], FACTORY_TEST),
  refused('alternate "invalid"', { locale: 'en_US', alternate: 'invalid' }, ['collation_option'], FACTORY_TEST),
  refused('maxVariable 1', { locale: 'en_US', maxVariable: 1 }, ['collation_option'], FACTORY_TEST),
  refused('maxVariable "invalid"', { locale: 'en_US', maxVariable: 'invalid' }, ['collation_option'], FACTORY_TEST),
  refused('normalization "garbage"', { locale: 'en_US', normalization: 'garbage' }, ['collation_option'], FACTORY_TEST),
  refused('backwards "garbage"', { locale: 'en_US', backwards: 'garbage' }, ['collation_option'], FACTORY_TEST),
  ok('version "57.1"', { locale: 'en_US', version: '57.1' }, FACTORY_TEST),
  refused('version 3 (TypeMismatch)', { locale: 'en_US', version: 3 }, ['collation_version'], FACTORY_TEST),
  refused(
    'an unknown version (IncompatibleCollationVersion)',
    { locale: 'en_US', version: 'unknownVersion' },
    ['collation_version'],
    FACTORY_TEST,
  ),
  ok('strength 1 with caseLevel on', { locale: 'en_US', strength: 1, caseLevel: true }, FACTORY_TEST),
  ok('strength 1, caseLevel on, caseFirst upper', { locale: 'en_US', strength: 1, caseLevel: true, caseFirst: 'upper' }, FACTORY_TEST),
  ok(
    'strength 1 with alternate shifted and maxVariable space',
    { locale: 'en_US', strength: 1, alternate: 'shifted', maxVariable: 'space' },
    FACTORY_TEST,
  ),
  ok('strength 2 with backwards', { locale: 'en_US', strength: 2, backwards: true }, FACTORY_TEST),

  // ── fields ──
  ok('every setting', {
    locale: 'en',
    caseLevel: true,
    caseFirst: 'upper',
    strength: 4,
    numericOrdering: true,
    alternate: 'shifted',
    maxVariable: 'space',
    normalization: true,
    backwards: true,
  }),
  ok('version equal to the server ICU version', { locale: 'en', version: '57.1' }),
  refused('another ICU version (IncompatibleCollationVersion)', { locale: 'en', version: '58.1' }, ['collation_version']),
  refused('an unknown field', { locale: 'en', blah: 1 }, ['collation_option'], COLLATION_JS),
  refused('strength 0', { locale: 'en', strength: 0 }, ['collation_strength']),
  refused('strength 6', { locale: 'en', strength: 6 }, ['collation_strength']),
  refused('strength not whole', { locale: 'en', strength: 2.5 }, ['collation_strength']),
  refused('strength as a string', { locale: 'en', strength: '2' }, ['collation_strength']),
  refused('a boolean given as a string', { locale: 'en', numericOrdering: 'true' }, ['collation_option']),
  refused('caseFirst in capitals', { locale: 'en', caseFirst: 'UPPER' }, ['collation_option']),
  refused('alternate unknown', { locale: 'en', alternate: 'blanked' }, ['collation_option']),
  refused('maxVariable unknown', { locale: 'en', maxVariable: 'symbol' }, ['collation_option']),

  // ── combinations, judged with the locale's defaults filled in ──
  refused('backwards with strength 1', { locale: 'en', strength: 1, backwards: true }, ['collation_combination'], COMBINATIONS),
  refused('fr_CA (backwards by default) with strength 1', { locale: 'fr_CA', strength: 1 }, ['collation_combination'], COMBINATIONS),
  ok('fr_CA with strength 1 and backwards off', { locale: 'fr_CA', strength: 1, backwards: false }, COMBINATIONS),
  refused('caseFirst upper with strength 2', { locale: 'en', strength: 2, caseFirst: 'upper' }, ['collation_combination'], COMBINATIONS),
  ok('caseFirst upper with strength 2 and caseLevel on', { locale: 'en', strength: 2, caseFirst: 'upper', caseLevel: true }, COMBINATIONS),
  ok('caseFirst off with strength 1', { locale: 'en', strength: 1, caseFirst: 'off' }, COMBINATIONS),
  refused('da (caseFirst upper by default) with strength 1', { locale: 'da', strength: 1 }, ['collation_combination'], COMBINATIONS),
  ok('da with strength 1 and caseFirst off', { locale: 'da', strength: 1, caseFirst: 'off' }, COMBINATIONS),
  ok('backwards with strength 2', { locale: 'en', strength: 2, backwards: true }, COMBINATIONS),
  ok('maxVariable without alternate: shifted (the server accepts it)', { locale: 'en', maxVariable: 'space' }),

  // ── index kinds ──
  refused('a text index', { locale: 'en' }, ['collation_unsupported'], KINDS, [{ field: 'body', value: 'text' }]),
  refused('a 2d index', { locale: 'en' }, ['collation_unsupported'], KINDS, [{ field: 'pos', value: '2d' }]),
  ok('a 2d index with the simple collation', { locale: 'simple' }, SIMPLE, [{ field: 'pos', value: '2d' }]),
  ok('a 2dsphere index', { locale: 'en' }, KINDS, [{ field: 'pos', value: '2dsphere' }]),
  ok('a hashed index', { locale: 'en' }, KINDS, [{ field: 'h', value: 'hashed' }]),
  ok('a wildcard index', { locale: 'en' }, KINDS, [{ field: '$**', value: 1 }]),

  // ── identity ──
  identity('the filled-in form listIndexes returns is the locale alone', { locale: 'fr' }, filledCollation('fr'), 'same'),
  identity('a default given explicitly', { locale: 'fr', strength: 3, caseLevel: false }, filledCollation('fr'), 'same'),
  identity('another strength', { locale: 'fr', strength: 2 }, filledCollation('fr'), 'different'),
  identity('fr_CA fills backwards: true', { locale: 'fr_CA' }, filledCollation('fr_CA', { backwards: true }), 'same', LOCALES),
  identity(
    'fr_CA with backwards off is another collation',
    { locale: 'fr_CA', backwards: false },
    filledCollation('fr_CA', { backwards: true }),
    'different',
  ),
  identity('da fills caseFirst: upper', { locale: 'da' }, filledCollation('da', { caseFirst: 'upper' }), 'same', LOCALES),
  identity(
    'a search variant fills normalization: true',
    { locale: 'de@collation=search' },
    filledCollation('de@collation=search', { normalization: true }),
    'same',
    LOCALES,
  ),
  identity(
    'hi fills normalization: true',
    { locale: 'hi' },
    filledCollation('hi', { normalization: true }),
    'same',
    'unicode-org/icu icu4c/source/data/coll/hi.txt ([normalization on]; the collator the server builds fills it)',
  ),
  // ICU 57.1's own tailorings (CLDR 29), read back through ICU's API as the factory does: where the locale's
  // rules turn normalization on, listIndexes shows `normalization: true`, and where they do not, `false`.
  ...Object.entries(ICU57_NORMALIZATION).flatMap(([locale, [on, rules]]) => [
    identity(
      `${locale} fills normalization: ${on}`,
      { locale },
      filledCollation(locale, { normalization: on }),
      'same',
      `${ICU57} ${locale}.txt (${rules})`,
    ),
    identity(
      `${locale} with normalization ${on ? 'off' : 'on'} is another collation`,
      { locale, normalization: !on },
      filledCollation(locale, { normalization: on }),
      'different',
      `${ICU57} ${locale}.txt (${rules})`,
    ),
  ]),
  identity(
    "a root search variant fills root's settings (normalization on), not fr_CA's backwards",
    { locale: 'fr_CA@collation=search' },
    filledCollation('fr_CA@collation=search', { normalization: true }),
    'same',
    ROOT_TYPES,
  ),
  identity(
    "a root eor variant of th fills the base defaults, not th's shifted",
    { locale: 'th@collation=eor' },
    filledCollation('th@collation=eor'),
    'same',
    ROOT_TYPES,
  ),
  identity(
    'zh@collation=stroke fills the base defaults',
    { locale: 'zh@collation=stroke' },
    filledCollation('zh@collation=stroke'),
    'same',
    `${ICU57} zh.txt`,
  ),
  identity('en_US fills the base defaults (DefaultsSetSuccessfully)', { locale: 'en_US' }, filledCollation('en_US'), 'same', FACTORY_TEST),
  identity(
    'fr_CA fills backwards: true (LanguageDependentDefaultsSetSuccessfully)',
    { locale: 'fr_CA' },
    filledCollation('fr_CA', { backwards: true }),
    'same',
    FACTORY_TEST,
  ),
  identity(
    'th fills alternate: shifted and normalization: true',
    { locale: 'th' },
    filledCollation('th', { alternate: 'shifted', normalization: true }),
    'same',
    ICU_TH,
  ),
  identity(
    'th with alternate non-ignorable is another collation',
    { locale: 'th', alternate: 'non-ignorable' },
    filledCollation('th', { alternate: 'shifted', normalization: true }),
    'different',
    ICU_TH,
  ),
  identity(
    'zh_Hant@collation=pinyin fills the base defaults',
    { locale: 'zh_Hant@collation=pinyin' },
    filledCollation('zh_Hant@collation=pinyin'),
    'same',
    FACTORY_TEST,
  ),
  identity('en and en_US are two collators', { locale: 'en' }, filledCollation('en_US'), 'different'),
  identity('simple is no collation at all', { locale: 'simple' }, undefined, 'same', SIMPLE),
  identity('simple with a setting is still simple', { locale: 'simple', strength: 2 }, undefined, 'same', SIMPLE),
  identity('simple is not en', { locale: 'simple' }, filledCollation('en', { strength: 1 }), 'different', SIMPLE),
];
