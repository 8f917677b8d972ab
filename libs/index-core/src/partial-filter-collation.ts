import { isRecord } from './records';

/** ICU keyword values and their BCP 47 `-u-co-` spellings, for the locale Intl.Collator is given. */
const BCP47_TYPES: Readonly<Record<string, string>> = {
  phonebook: 'phonebk',
  traditional: 'trad',
  dictionary: 'dict',
  gb2312han: 'gb2312',
};

/**
 * How a partial filter's strings compare under its index's collation, as one representative per string.
 *
 * The server parses an index's filter with the index's collator and compares two filters with it: the
 * values of an `$in` always (InMatchExpression::equivalent, r5.0–8.x), and equalities and bounds since 7.3
 * (ComparisonMatchExpressionBase::equivalent; jstests/core/index/index_signature.js, requires_fcv_73). The
 * core has no ICU 57.1, so it uses the runtime's ICU (Intl.Collator) only to choose, for each string, one
 * spelling it is equal to: its upper case without accents, else its upper case, else itself, each kept only
 * when the collator finds it equal to the string. Two strings with the same representative are therefore
 * equal under the collation; two equal ones whose representatives differ stay apart (the case before this).
 * Answers undefined without a collation (binary comparison) or for a collation whose level keeps case and
 * accents apart (strength 3 and more, or caseLevel on): nothing to fold.
 */
export function collationFold(collation: unknown): ((value: string) => string) | undefined {
  if (!isRecord(collation) || typeof collation.locale !== 'string' || collation.caseLevel === true) return undefined;
  const strength = collation.strength;
  if (strength !== 1 && strength !== 2) return undefined;
  const key = [collation.locale, strength, collation.numericOrdering === true, collation.alternate === 'shifted'].join('|');
  let fold = FOLDS.get(key);
  if (fold === undefined) {
    fold = makeFold(collation.locale, strength, collation.numericOrdering === true, collation.alternate === 'shifted');
    if (FOLDS.size < MAX_FOLDS) FOLDS.set(key, fold);
  }
  return fold ?? undefined;
}

/** One fold per distinct collation: building an ICU collator costs more than the strings it folds. */
const FOLDS = new Map<string, ((value: string) => string) | null>();
const MAX_FOLDS = 256;
const MAX_CACHED_STRINGS = 10_000;

function makeFold(locale: string, strength: 1 | 2, numeric: boolean, shifted: boolean): ((value: string) => string) | null {
  let collator: Intl.Collator;
  try {
    collator = new Intl.Collator(bcp47(locale), { sensitivity: strength === 1 ? 'base' : 'accent', numeric, ignorePunctuation: shifted });
  } catch {
    return null;
  }
  const cache = new Map<string, string>();
  return (value) => {
    let folded = cache.get(value);
    if (folded === undefined) {
      const upper = value.toUpperCase();
      const bare = upper.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
      folded = [bare, upper].find((candidate) => collator.compare(candidate, value) === 0) ?? value;
      if (cache.size < MAX_CACHED_STRINGS) cache.set(value, folded);
    }
    return folded;
  };
}

/** `de@collation=phonebook` → `de-u-co-phonebk`, `en_US` → `en-US`. */
function bcp47(locale: string): string {
  const [base, keywords = ''] = locale.split('@');
  const type = /^collation=([a-z0-9]+)$/.exec(keywords)?.[1];
  const tag = base.replace(/_/g, '-');
  return type === undefined ? tag : `${tag}-u-co-${Object.prototype.hasOwnProperty.call(BCP47_TYPES, type) ? BCP47_TYPES[type] : type}`;
}
