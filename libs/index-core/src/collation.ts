import { asNumber, normalizeNumbers } from './numbers';
import { isRecord, sortedRecord, type MutableRecord } from './records';
import { COLLATION_LOCALES, isRootVariant } from './collation-locales';
import type { Collation } from './types';

export type CollationSettings = Required<Omit<Collation, 'locale'>>;

/**
 * What the server fills in when a collation gives only its locale (MongoDB
 * docs, "Collation Locales and Default Parameters": caseLevel false,
 * strength 3, numericOrdering false and maxVariable 'punct' hold for every
 * locale; caseFirst, alternate, normalization and backwards vary).
 */
export const BASE_COLLATION_DEFAULTS: CollationSettings = {
  caseLevel: false,
  caseFirst: 'off',
  strength: 3,
  numericOrdering: false,
  alternate: 'non-ignorable',
  maxVariable: 'punct',
  normalization: false,
  backwards: false,
};

/**
 * Locale tailorings that change a default. The server fills an absent field with what the ICU
 * collator for the locale reports (collator_factory_icu.cpp `parseToCollationSpec`: `getAttribute`),
 * and MongoDB 6.0–8.0 embed ICU 57.1 (the `version` it reports), whose tailorings are CLDR 29's
 * (unicode-org/icu tag release-57-1, icu4c/source/data/coll/<locale>.txt). Read there, and checked
 * by asking ICU's API for every locale and variant of collation-locales.ts with the 57.1 data
 * (strength, caseLevel, numericOrdering and maxVariable are the base defaults everywhere):
 *  - fr_CA `[backwards 2]`; da and mt `[caseFirst upper]` (da's `search` variant ends with
 *    `[caseFirst off]`);
 *  - th: `[normalization on][alternate shifted][reorder Thai]`;
 *  - `[normalization on]`: the Indic-script and Khmer/Burmese tailorings (as, bn, gu, hi, km, kn,
 *    kok, mr, my, or, pa, si, ta, te), vi (both variants), el (`[normalization on][reorder Grek]`),
 *    he and yi (`[normalization on][reorder Hebr]`), fa and ps (`[normalization on][reorder Arab]`;
 *    fa_AF is `[import ps]`), ig and yo; and every `search` variant, which imports the root `search`
 *    rules that turn it on;
 *  - not bo (ICU 57.1 has no Tibetan tailoring: bo sorts as root; `[normalization on]` came with
 *    CLDR 30), ml (`[reorder Mlym ...]` only) or ne (`[reorder Deva]` only);
 *  - every other locale uses the base defaults. If a server reports a filled value that differs from
 *    this table, the comparison shows it as a difference, which is visible rather than silently wrong.
 */
const NORMALIZING = [
  ...['as', 'bn', 'gu', 'hi', 'km', 'kn', 'kok', 'mr', 'my', 'or', 'pa', 'si', 'ta', 'te', 'vi'],
  ...['el', 'fa', 'he', 'ig', 'ps', 'yi', 'yo'],
];
const LOCALE_OVERRIDES: Readonly<Record<string, Partial<CollationSettings>>> = {
  ...Object.fromEntries(NORMALIZING.map((locale) => [locale, { normalization: true }])),
  ...Object.fromEntries(
    Object.entries(COLLATION_LOCALES)
      .filter(([, variants]) => variants.some((variant) => variant.startsWith('search')))
      .flatMap(([locale, variants]) =>
        variants
          .filter((variant) => variant.startsWith('search'))
          .map((variant) => [`${locale}@collation=${variant}`, { normalization: true }]),
      ),
  ),
  th: { normalization: true, alternate: 'shifted' },
  fr_CA: { backwards: true },
  da: { caseFirst: 'upper' },
  'da@collation=search': { caseFirst: 'off', normalization: true },
  mt: { caseFirst: 'upper' },
};

/** ICU's fallback: `fr_CA@collation=x` → `fr_CA` → `fr`; the first match decides. */
export function localeChain(locale: string): string[] {
  const chain = [locale];
  let current = locale;
  const at = current.indexOf('@');
  if (at >= 0) {
    current = current.slice(0, at);
    chain.push(current);
  }
  while (current.includes('_')) {
    current = current.slice(0, current.lastIndexOf('_'));
    chain.push(current);
  }
  return chain;
}

export function collationDefaults(locale: string): CollationSettings {
  const at = locale.indexOf('@collation=');
  if (at >= 0 && isRootVariant(locale.slice(0, at), locale.slice(at + '@collation='.length))) {
    // Root's own tailoring, not the locale's: only root's `search` rules turn anything on (normalization).
    return { ...BASE_COLLATION_DEFAULTS, ...(locale.endsWith('@collation=search') ? { normalization: true } : {}) };
  }
  for (const candidate of localeChain(locale)) {
    const override = Object.prototype.hasOwnProperty.call(LOCALE_OVERRIDES, candidate) ? LOCALE_OVERRIDES[candidate] : undefined;
    if (override) return { ...BASE_COLLATION_DEFAULTS, ...override };
  }
  return { ...BASE_COLLATION_DEFAULTS };
}

/**
 * One form for a collation however it was given: absent for the `simple`
 * locale (binary comparison is what no collation means), otherwise every
 * setting filled with the locale's default and keys sorted. `version` is the
 * server's ICU version, not a choice anyone made, so it is dropped. Fields not
 * known here are kept so that they show up in a comparison.
 */
export function canonicalCollation(raw: unknown): MutableRecord | undefined {
  if (!isRecord(raw)) return raw === undefined || raw === null ? undefined : { invalid: normalizeNumbers(raw) };
  const locale = raw.locale;
  if (locale === 'simple') return undefined;
  const defaults = typeof locale === 'string' ? collationDefaults(locale) : BASE_COLLATION_DEFAULTS;
  const merged = new Map<string, unknown>(Object.entries(defaults));
  for (const [field, value] of Object.entries(raw)) {
    if (field === 'version' || value === undefined) continue;
    merged.set(field, field === 'strength' ? (asNumber(value) ?? value) : normalizeNumbers(value));
  }
  return sortedRecord(merged);
}

/** The smallest collation that means the same: the locale plus the settings that differ from its defaults. */
export function minimalCollation(canonical: Readonly<Record<string, unknown>>): Collation | undefined {
  const locale = canonical.locale;
  if (typeof locale !== 'string') return undefined;
  const defaults = collationDefaults(locale);
  const out: { -readonly [K in keyof Collation]: Collation[K] } = { locale };
  const differs = (field: keyof CollationSettings): boolean => field in canonical && canonical[field] !== defaults[field];
  if (differs('caseLevel') && typeof canonical.caseLevel === 'boolean') out.caseLevel = canonical.caseLevel;
  if (differs('caseFirst') && isOneOf(canonical.caseFirst, ['upper', 'lower', 'off'] as const)) out.caseFirst = canonical.caseFirst;
  if (differs('strength') && isOneOf(canonical.strength, [1, 2, 3, 4, 5] as const)) out.strength = canonical.strength;
  if (differs('numericOrdering') && typeof canonical.numericOrdering === 'boolean') out.numericOrdering = canonical.numericOrdering;
  if (differs('alternate') && isOneOf(canonical.alternate, ['non-ignorable', 'shifted'] as const)) out.alternate = canonical.alternate;
  if (differs('maxVariable') && isOneOf(canonical.maxVariable, ['punct', 'space'] as const)) out.maxVariable = canonical.maxVariable;
  if (differs('backwards') && typeof canonical.backwards === 'boolean') out.backwards = canonical.backwards;
  if (differs('normalization') && typeof canonical.normalization === 'boolean') out.normalization = canonical.normalization;
  return out;
}

export function isOneOf<T extends string | number>(value: unknown, allowed: readonly T[]): value is T {
  return (allowed as readonly unknown[]).includes(value);
}
