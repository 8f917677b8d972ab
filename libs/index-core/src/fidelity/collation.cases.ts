import type { KeyEntry } from '../types';

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

/** What listIndexes shows for `{ locale }` alone: every setting filled in with the locale's defaults, and ICU's version. */
const filled = (locale: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  locale,
  caseLevel: false,
  caseFirst: 'off',
  strength: 3,
  numericOrdering: false,
  alternate: 'non-ignorable',
  maxVariable: 'punct',
  normalization: false,
  backwards: false,
  version: '57.1',
  ...overrides,
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
  identity('the filled-in form listIndexes returns is the locale alone', { locale: 'fr' }, filled('fr'), 'same'),
  identity('a default given explicitly', { locale: 'fr', strength: 3, caseLevel: false }, filled('fr'), 'same'),
  identity('another strength', { locale: 'fr', strength: 2 }, filled('fr'), 'different'),
  identity('fr_CA fills backwards: true', { locale: 'fr_CA' }, filled('fr_CA', { backwards: true }), 'same', LOCALES),
  identity(
    'fr_CA with backwards off is another collation',
    { locale: 'fr_CA', backwards: false },
    filled('fr_CA', { backwards: true }),
    'different',
  ),
  identity('da fills caseFirst: upper', { locale: 'da' }, filled('da', { caseFirst: 'upper' }), 'same', LOCALES),
  identity(
    'a search variant fills normalization: true',
    { locale: 'de@collation=search' },
    filled('de@collation=search', { normalization: true }),
    'same',
    LOCALES,
  ),
  identity(
    'hi fills normalization: true',
    { locale: 'hi' },
    filled('hi', { normalization: true }),
    'same',
    'unicode-org/icu icu4c/source/data/coll/hi.txt ([normalization on]; the collator the server builds fills it)',
  ),
  identity('en and en_US are two collators', { locale: 'en' }, filled('en_US'), 'different'),
  identity('simple is no collation at all', { locale: 'simple' }, undefined, 'same', SIMPLE),
  identity('simple with a setting is still simple', { locale: 'simple', strength: 2 }, undefined, 'same', SIMPLE),
  identity('simple is not en', { locale: 'simple' }, filled('en', { strength: 1 }), 'different', SIMPLE),
];
