/** The value shapes index options take, apart from the options table so that the table and `types.ts` need no cycle. */

export type JsonObject = { readonly [key: string]: unknown };

/** Collation as a definition may give it (only `locale` is required). */
export interface Collation {
  readonly locale: string;
  readonly caseLevel?: boolean;
  readonly caseFirst?: 'upper' | 'lower' | 'off';
  readonly strength?: 1 | 2 | 3 | 4 | 5;
  readonly numericOrdering?: boolean;
  readonly alternate?: 'non-ignorable' | 'shifted';
  readonly maxVariable?: 'punct' | 'space';
  readonly backwards?: boolean;
  readonly normalization?: boolean;
}
