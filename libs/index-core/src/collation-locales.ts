/**
 * The collation locales MongoDB 6.0, 7.0 and 8.0 accept, each with the `@collation=` variants it
 * accepts. The server (src/mongo/db/query/collation/collator_factory_icu.cpp) builds an ICU collator
 * for the locale and refuses the locale unless ICU's own name for the collator it found is exactly the
 * string given: an alias (`iw`, `zh_CN`), a region ICU has no tailoring for (`en_GB`), another spelling
 * (`EN`, `de-u-co-phonebk`) or a locale's default variant written out (`zh@collation=pinyin`,
 * `de@collation=standard`) are all refused with "Did you mean ...?". So the list is ICU's collation
 * locales as the server's ICU (57.1) names them, not a pattern.
 *
 * Base locales: mongodb/mongo src/mongo/db/query/collation/collator_factory_icu_locales_test.cpp (one
 * test per accepted locale); variants: the locale's own collation types in ICU 57.1's data
 * (unicode-org/icu release-57-1 icu4c/source/data/coll/<locale>.txt), each checked by asking ICU for the
 * collator's valid locale as the server does. The manual's table ("Supported Languages and Locales")
 * lists most of them, not `zh@collation=stroke` or the root variants (ROOT_VARIANTS), which the
 * server accepts all the same.
 */
export const COLLATION_LOCALES: Readonly<Record<string, readonly string[]>> = {
  af: [],
  am: [],
  ar: ['compat'],
  as: [],
  az: ['search'],
  be: [],
  bg: [],
  bn: ['traditional'],
  bo: [],
  bs: ['search'],
  bs_Cyrl: [],
  ca: ['search'],
  chr: [],
  cs: ['search'],
  cy: [],
  da: ['search'],
  de: ['search', 'eor', 'phonebook'],
  de_AT: ['phonebook'],
  dsb: [],
  dz: [],
  ee: [],
  el: [],
  en: [],
  en_US: [],
  en_US_POSIX: [],
  eo: [],
  es: ['search', 'traditional'],
  et: [],
  fa: [],
  fa_AF: [],
  fi: ['search', 'traditional'],
  fil: [],
  fo: [],
  fr: [],
  fr_CA: [],
  ga: [],
  gl: ['search'],
  gu: [],
  ha: [],
  haw: [],
  he: ['search'],
  hi: [],
  hr: ['search'],
  hsb: [],
  hu: [],
  hy: [],
  id: [],
  ig: [],
  is: ['search'],
  it: [],
  ja: ['unihan'],
  ka: [],
  kk: [],
  kl: ['search'],
  km: [],
  kn: ['traditional'],
  ko: ['search', 'searchjl', 'unihan'],
  kok: [],
  ky: [],
  lb: [],
  lkt: [],
  ln: ['phonetic'],
  lo: [],
  lt: [],
  lv: [],
  mk: [],
  ml: [],
  mn: [],
  mr: [],
  ms: [],
  mt: [],
  my: [],
  nb: ['search'],
  ne: [],
  nl: [],
  nn: ['search'],
  om: [],
  or: [],
  pa: [],
  pl: [],
  ps: [],
  pt: [],
  ro: [],
  ru: [],
  se: ['search'],
  si: ['dictionary'],
  sk: ['search'],
  sl: [],
  smn: ['search'],
  sq: [],
  sr: [],
  sr_Latn: ['search'],
  // ICU 57.1's Swedish default is `reformed` (written out, it is refused); `standard` is the variant.
  sv: ['search', 'standard'],
  sw: [],
  ta: [],
  te: [],
  th: [],
  to: [],
  tr: ['search'],
  ug: [],
  uk: [],
  ur: [],
  vi: ['traditional'],
  wae: [],
  yi: ['search'],
  yo: [],
  // zh sorts by pinyin by default; `standard` is root's order (ICU 57.1 zh.txt has no `standard` of its own).
  zh: ['big5han', 'gb2312han', 'standard', 'stroke', 'unihan', 'zhuyin'],
  // zh_Hant sorts by stroke by default, so pinyin is a variant it names (collator_factory_icu_test.cpp
  // ChineseTraditionalLocaleWithCollationPinyinAllowed); `zh_Hant@collation=stroke` is its default written out.
  // The other zh types reach it through ICU's fallback to zh.
  zh_Hant: ['big5han', 'gb2312han', 'pinyin', 'standard', 'unihan', 'zhuyin'],
  zu: [],
};

/**
 * Collation types of ICU 57.1's root (unicode-org/icu release-57-1 icu4c/source/data/coll/root.txt:
 * `emoji`, `eor`, `search`, beside `standard`). ICU's collator loader looks a requested type up with
 * fallback to root and names the valid locale `<locale>@collation=<type>` when it finds it there, so
 * the server (which only compares that name with the string given) accepts these on every locale:
 * `en@collation=search` builds. They take root's settings, not the locale's (`fr_CA@collation=search`
 * is not backwards): see `collationDefaults`.
 */
export const ROOT_VARIANTS: readonly string[] = ['emoji', 'eor', 'search'];

/** The `@collation=` variants the server accepts on `base` (undefined: a locale it refuses). */
export function variantsOf(base: string): readonly string[] | undefined {
  if (!Object.prototype.hasOwnProperty.call(COLLATION_LOCALES, base)) return undefined;
  return [...new Set([...COLLATION_LOCALES[base], ...ROOT_VARIANTS])];
}

/** Whether `variant` of `base` is root's, inherited (its settings are root's), rather than the locale's own. */
export function isRootVariant(base: string, variant: string): boolean {
  const own = Object.prototype.hasOwnProperty.call(COLLATION_LOCALES, base) ? COLLATION_LOCALES[base] : [];
  return ROOT_VARIANTS.includes(variant) && !own.includes(variant);
}

/**
 * Legacy ICU language codes and region ids the server answers with another locale. Only a hint for
 * the message (the server names the locale it would have used); the refusal does not depend on it.
 */
export const LOCALE_ALIASES: Readonly<Record<string, string>> = {
  iw: 'he',
  in: 'id',
  no: 'nb',
  tl: 'fil',
  zh_CN: 'zh',
  zh_Hans: 'zh',
  zh_SG: 'zh',
  zh_TW: 'zh_Hant',
  zh_HK: 'zh_Hant',
  sr_Cyrl: 'sr',
  bs_Latn: 'bs',
};
