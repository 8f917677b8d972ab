/** A French collation as `listIndexes` returns it: every default filled in by the server. Specs only. */
export const FR_FILLED = {
  locale: 'fr',
  caseLevel: false,
  caseFirst: 'off',
  strength: 3,
  numericOrdering: false,
  alternate: 'non-ignorable',
  maxVariable: 'punct',
  normalization: false,
  backwards: false,
  version: '57.1',
};
