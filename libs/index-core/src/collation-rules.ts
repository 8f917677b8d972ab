import { collationDefaults, isOneOf, localeChain, type CollationSettings } from './collation';
import { LOCALE_ALIASES, variantsOf } from './collation-locales';
import { isRecord } from './records';
import { hasKind } from './key-kinds';
import type { IndexIssue, KeyEntry } from './types';

const UNCOLLATED_KINDS = ['text', '2d'] as const;

/** The ICU version MongoDB 6.0–8.0 embed: what listIndexes reports as a collation's `version`. */
export const ICU_COLLATION_VERSION = '57.1';

/** Whether the server accepts `locale` as it is written (see collation-locales.ts). */
export function isSupportedLocale(locale: string): boolean {
  const at = locale.indexOf('@collation=');
  const base = at >= 0 ? locale.slice(0, at) : locale;
  const variants = variantsOf(base);
  if (variants === undefined) return false;
  return at < 0 || variants.includes(locale.slice(at + '@collation='.length));
}

/**
 * The locale the server would have used instead, for the message (it answers "Did you mean ...?"):
 * dashes as underscores, a known alias, a default variant dropped, then ICU's fallback chain.
 */
export function suggestedLocale(locale: string): string | undefined {
  const tagged = /^([A-Za-z_-]+?)-u-co-([a-z0-9]+)$/.exec(locale);
  const written = tagged
    ? `${tagged[1]}@collation=${Object.prototype.hasOwnProperty.call(BCP47_COLLATIONS, tagged[2]) ? BCP47_COLLATIONS[tagged[2]] : tagged[2]}`
    : locale;
  const at = written.indexOf('@');
  const base = (at >= 0 ? written.slice(0, at) : written).replace(/-/g, '_');
  const variant = at >= 0 ? written.slice(at) : '';
  const candidates = [`${base}${variant}`, ...localeChain(base)];
  for (const candidate of candidates) {
    const aliased = Object.prototype.hasOwnProperty.call(LOCALE_ALIASES, candidate) ? LOCALE_ALIASES[candidate] : candidate;
    if (aliased !== locale && isSupportedLocale(aliased)) return aliased;
    const lower = aliased.toLowerCase();
    if (lower !== locale && isSupportedLocale(lower)) return lower;
  }
  return undefined;
}

/** BCP 47 `-u-co-` collation types and ICU's keyword values for them. */
const BCP47_COLLATIONS: Readonly<Record<string, string>> = {
  phonebk: 'phonebook',
  trad: 'traditional',
  dict: 'dictionary',
  gb2312: 'gb2312han',
};

type CollationField = keyof CollationSettings | 'locale' | 'version';
const CHOICES: Readonly<Record<Exclude<CollationField, 'locale' | 'version' | 'strength'>, readonly unknown[]>> = {
  caseLevel: [true, false],
  caseFirst: ['upper', 'lower', 'off'],
  numericOrdering: [true, false],
  alternate: ['non-ignorable', 'shifted'],
  maxVariable: ['punct', 'space'],
  normalization: [true, false],
  backwards: [true, false],
};
const KNOWN_FIELDS: ReadonlySet<string> = new Set(['locale', 'version', 'strength', ...Object.keys(CHOICES)]);

/**
 * What `createIndexes` refuses in a collation, by the server's collator factory
 * (mongodb/mongo src/mongo/db/query/collation/collator_factory_icu.cpp, the same on 6.0–8.0):
 * a locale that is a string the server's ICU names exactly as given (or `simple`, alone); booleans
 * that are booleans; `strength` a whole number 1–5; the listed strings; `version`, if given, the
 * server's ICU version; no other field. Then the combinations that mean nothing, judged with the
 * locale's defaults filled in as the server does: `backwards` with strength 1, and a `caseFirst`
 * other than `off` with strength 1 or 2 unless `caseLevel` is on (so `{ locale: 'fr_CA', strength: 1 }`
 * is refused: fr_CA sorts accents backwards by default).
 */
export function collationIssues(collation: unknown, base: string, keys: readonly KeyEntry[] = []): IndexIssue[] {
  const issues: IndexIssue[] = [];
  const add = (field: string, rule: string, message: string): void => {
    issues.push({ field, rule, message });
  };
  if (!isRecord(collation)) {
    add(base, 'collation_locale', 'collation must be a document with a locale');
    return issues;
  }
  const locale = collation.locale;
  if (typeof locale !== 'string' || locale === '' || locale.includes('\0')) {
    add(`${base}.locale`, 'collation_locale', 'collation needs a locale: an ICU locale id such as "en" or "fr_CA", or "simple"');
  } else if (locale === 'simple') {
    // `{ locale: 'simple' }` is removed from the spec before the index type is checked: any index may carry it.
    if (Object.keys(collation).some((name) => name !== 'locale'))
      add(base, 'collation_locale', 'the "simple" locale takes no other collation settings');
    return issues;
  } else if (!isSupportedLocale(locale)) {
    const suggestion = suggestedLocale(locale);
    const hint = suggestion !== undefined ? `; did you mean "${suggestion}"?` : '';
    add(`${base}.locale`, 'collation_locale', `collation locale ${JSON.stringify(locale)} is not one MongoDB supports${hint}`);
  }
  for (const name of Object.keys(collation)) {
    if (!KNOWN_FIELDS.has(name)) add(`${base}.${name}`, 'collation_option', `"${name}" is not a collation setting`);
  }
  const strength = collation.strength;
  if (strength !== undefined && !isOneOf(strength, [1, 2, 3, 4, 5])) {
    add(`${base}.strength`, 'collation_strength', 'collation strength is 1, 2, 3, 4 or 5');
  }
  for (const [name, allowed] of Object.entries(CHOICES)) {
    if (collation[name] !== undefined && !allowed.includes(collation[name])) {
      add(`${base}.${name}`, 'collation_option', `collation ${name} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
    }
  }
  if (collation.version !== undefined && collation.version !== ICU_COLLATION_VERSION) {
    add(`${base}.version`, 'collation_version', `collation version is the server's ICU version ("${ICU_COLLATION_VERSION}"); leave it out`);
  }
  if (issues.length === 0 && typeof locale === 'string') combinationIssues(collation, locale, base, add);
  // Only btree, 2dsphere, hashed and wildcard indexes take a collation (index_catalog_impl.cpp `_isSpecOk`):
  // text and 2d indexes compare strings binarily.
  const binary = UNCOLLATED_KINDS.filter((kind) => hasKind(keys, kind));
  if (binary.length > 0) add(base, 'collation_unsupported', `${binary.join(' and ')} indexes take no collation but { locale: "simple" }`);
  return issues;
}

function combinationIssues(
  collation: Readonly<Record<string, unknown>>,
  locale: string,
  base: string,
  add: (field: string, rule: string, message: string) => void,
): void {
  const settings = { ...collationDefaults(locale), ...(collation as Partial<CollationSettings>) };
  if (settings.backwards && settings.strength === 1) {
    const given = collation.backwards !== undefined ? '' : ` (${locale}'s default)`;
    add(`${base}.backwards`, 'collation_combination', `backwards${given} orders accents (the second level); it is invalid with strength 1`);
  }
  if (settings.caseFirst !== 'off' && !settings.caseLevel && (settings.strength === 1 || settings.strength === 2)) {
    const given = collation.caseFirst !== undefined ? '' : ` (${locale}'s default)`;
    add(
      `${base}.caseFirst`,
      'collation_combination',
      `caseFirst "${settings.caseFirst}"${given} is invalid with strength ${settings.strength} unless caseLevel is on`,
    );
  }
}
