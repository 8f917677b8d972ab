import type { RuleVersion } from '../rule-version';
import type { IndexDefinition, ListIndexesEntry } from '../types';

/**
 * The shape of a fidelity case: what MongoDB does with an index spec (or a pair of them), with the server
 * source it comes from, so that a reviewer can check the core against the server case by case.
 */

/** One index as the core meets it: a design-repository definition, or a listIndexes entry of a live server. */
export type IndexSide = { readonly definition: IndexDefinition } | { readonly listed: ListIndexesEntry };

/** What createIndexes does with one spec. */
export type ValidationExpectation =
  /** The server builds it; the core accepts it. */
  | { readonly accepts: true }
  /**
   * The server refuses it (`serverCode`: its error code or name; absent only for a deliberate refusal the
   * server does not make); the core refuses it under the rule `refuses` (at `field` when given).
   */
  | { readonly refuses: string; readonly field?: string; readonly serverCode?: number | string }
  /** A server of the case's version refuses it; a newer one builds it: the core says `requires_version`. */
  | { readonly requiresVersion: RuleVersion };

/**
 * What the server does with `b` when `a` exists on the same collection:
 * - `same`: the same index (createIndexes is a no-op): no drift, the plan does not rebuild;
 * - `coexist`: a different index the server builds beside `a` (the signatures differ);
 * - `conflict`: not the same index, and the server refuses to build it beside `a` (IndexOptionsConflict, or the
 *   one text index a collection may have): drift, fixed by a rebuild.
 */
export type IdentityExpectation = 'same' | 'coexist' | 'conflict';

interface CaseBase {
  readonly title: string;
  /** Repository, path and the version or commit read: `mongodb/mongo jstests/... (r7.0.x)`. */
  readonly source: string;
  /** The server versions the case holds for, when not every supported one (6.0, 7.0, 8.0). */
  readonly versions?: string;
}

/** Where the core differs from the server on purpose: what it does instead, and why (README, "Where the core is stricter than MongoDB"). */
export interface Deliberate<E> {
  readonly core: E;
  readonly why: string;
}

export interface ValidationCase extends CaseBase {
  readonly input: { readonly definition: IndexDefinition; readonly version?: RuleVersion };
  readonly expect: ValidationExpectation;
  readonly deliberate?: Deliberate<ValidationExpectation>;
}

export interface IdentityCase extends CaseBase {
  readonly input: { readonly a: IndexSide; readonly b: IndexSide };
  readonly expect: IdentityExpectation;
  readonly deliberate?: Deliberate<IdentityExpectation>;
}

export type FidelityCase = ValidationCase | IdentityCase;
