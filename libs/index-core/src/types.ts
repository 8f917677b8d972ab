/**
 * The index model shared by the registry, the comparator and the executor.
 * Pure TypeScript: no NestJS, no driver, no I/O.
 *
 * Two shapes come in:
 *  - `IndexDefinition`: what a team writes in the design repository (the REST
 *    API's snake_case shape, a superset of the original product's fields);
 *  - `ListIndexesEntry`: what MongoDB's `listIndexes` / `getIndexes()` returns.
 * Both normalize into one `CanonicalIndex`; two indexes are the same exactly
 * when their canonical forms are equal.
 */

import type { DefinitionOptions } from './index-options';
import type { JsonObject } from './option-values';

/**
 * A key's type: a direction or a special index type. A direction is any non-zero number: the server
 * reads its sign for the order, but compares key patterns by value, so `{a: 2}` is another index than
 * `{a: 1}` while `{a: 1.0}` is the same (see key-pattern.ts).
 */
export type KeyValue = number | 'text' | '2dsphere' | '2d' | 'hashed';

/** One field of an ordered key. Wildcard keys use the field `$**` or `path.$**` with a number. */
export interface KeyEntry {
  readonly field: string;
  readonly value: KeyValue;
}

export type { Collation, JsonObject } from './option-values';
/** Index options in the design repository's snake_case: one per row of the options table (`index-options.ts`). */
export type { DefinitionOptions } from './index-options';

export interface IndexDefinition {
  /** Absent: MongoDB's default name derived from the key. */
  readonly name?: string;
  readonly keys: readonly KeyEntry[];
  readonly options?: DefinitionOptions;
}

/** One document of `listIndexes` as the driver (or EJSON-parsed mongosh output) gives it. */
export type ListIndexesEntry = JsonObject & { readonly key: JsonObject; readonly name: string };

/** A failed rule: the field (dotted path in the definition's shape), the rule's id, a sentence for people. */
export interface IndexIssue {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/**
 * The one form in which indexes are compared. Key order is kept (it matters),
 * text fields are one sorted `text` group with their weights, numbers are
 * plain, server-filled defaults are removed, object options have sorted keys
 * where MongoDB ignores their order.
 */
export interface CanonicalIndex {
  readonly name: string;
  /** Ordered key; a text index has one entry `{ field: '$text', value: 'text' }` where its text fields stand. */
  readonly key: readonly KeyEntry[];
  /** Text fields and their weights (every text field present, default 1); absent for non-text indexes. */
  readonly textWeights?: Readonly<Record<string, number>>;
  /** Identity-relevant options in MongoDB's camelCase names, defaults removed, sorted by name. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** What `createIndexes` takes for one index: MongoDB's own form. */
export interface MongoIndexSpec {
  readonly key: Readonly<Record<string, KeyValue>>;
  readonly name: string;
  readonly [option: string]: unknown;
}
