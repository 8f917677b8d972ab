/**
 * A collation as `listIndexes` returns it for `{ locale }` alone: every setting filled in by the server
 * (the base defaults; `overrides` for a locale's own or the ones given), and ICU's version. Specs only.
 */
export function filledCollation(locale: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
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
  };
}

/** A French collation as `listIndexes` returns it. */
export const FR_FILLED = filledCollation('fr');
