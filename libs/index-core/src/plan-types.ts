import type { IndexOption, OptionValues } from './index-options';
import type { MongoIndexSpec } from './types';

export type OperationKind = 'create' | 'drop' | 'modify' | 'hide';

/**
 * What collMod can change on an existing index, by MongoDB name: the options table's rows with a `collMod`
 * column (`expireAfterSeconds`, `hidden`; which versions have each is the capabilities table's business).
 */
export type IndexChanges = {
  readonly [R in Extract<IndexOption, { collMod: object }> as R['mongo']]?: OptionValues[R['kind']];
};

/** One step of a plan: what the executor runs, the script prints and the dry-run returns. */
export interface PlanOperation {
  readonly kind: OperationKind;
  readonly collection: string;
  readonly index: string;
  /** For people: why this step is there. */
  readonly reason: string;
  /** create: the createIndexes spec, every option included. */
  readonly spec?: MongoIndexSpec;
  /** modify: the collMod index changes. */
  readonly changes?: IndexChanges;
  /** Label when one change takes several operations (`rebuild x 2/4: ...`). */
  readonly step?: string;
  /**
   * The change this step belongs to is complete once an index with this spec
   * (its name included) exists: a second run must skip the step then. Set on
   * the steps of a rebuild that cannot be judged by the index name alone (a
   * drop of a name that the rebuild creates again, a temporary index).
   */
  readonly doneWhen?: MongoIndexSpec;
  /** Why the target will refuse this step (its server or version cannot build or hide it); absent when it can run. */
  readonly unsupported?: string;
}

export interface PlanOptions {
  /** Kinds to plan (default all). `modify` is collMod; a rebuild needs both `create` and `drop`. */
  readonly include?: readonly ('create' | 'drop' | 'modify')[];
  /** Hide redundant indexes (collMod hidden: true) instead of dropping them, to see first that nothing needs them. */
  readonly hideBeforeDrop?: boolean;
  /** MongoDB's limit, `_id_` included (default 64). */
  readonly maxIndexesPerCollection?: number;
}

export interface Plan {
  readonly operations: readonly PlanOperation[];
  readonly warnings: readonly string[];
}
