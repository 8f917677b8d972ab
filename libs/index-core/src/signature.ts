import { SIGNATURE_OPTIONS } from './index-options';
import { isTextPlaceholder } from './normalize';
import { compareStrings } from './records';
import { fnv1a64, orderedStringify } from './stable-json';
import type { CanonicalIndex } from './types';

/**
 * Options that make the server treat two indexes on the same key as two different indexes (they can
 * coexist under different names): the rows of the options table whose identity is `signature`, as
 * MongoDB's `IndexDescriptor::compareIndexOptions` decides it since 5.0: collation, partial filter,
 * `unique`, `sparse` and the wildcard projection. A difference in any other option conflicts with the
 * existing index on the same key (IndexOptionsConflict, code 85) or is not compared at all.
 */
export const IDENTITY_OPTIONS: readonly string[] = SIGNATURE_OPTIONS;

/** The key as MongoDB would name it, text fields expanded in name order: `status_1_severity_-1`, `body_text_title_text`. */
export function keyPatternOf(c: CanonicalIndex): string {
  return c.key
    .map((entry) =>
      isTextPlaceholder(entry)
        ? Object.keys(c.textWeights ?? {})
            .sort(compareStrings)
            .map((field) => `${field}_text`)
            .join('_')
        : `${entry.field}_${String(entry.value)}`,
    )
    .join('_');
}

/**
 * The version of the rules `keySignature` follows. Signatures are stored (the registry keeps one per
 * definition, under a unique index, to refuse duplicates), so a change that gives some index another
 * signature (an option joining or leaving the identity, a new normal form of a key or of an identity
 * option) bumps it, and the registry recomputes the signatures it stored under an older version.
 * 1: before issue 13; 2: the wildcard projection joins the identity (with the normal forms of issue 13).
 */
export const KEY_SIGNATURE_VERSION = 2;

/**
 * An index's identity within its collection, whatever its name: the key
 * pattern, plus a short hash of the identity options when it has any
 * (`email_1#3f2a...`). Two indexes with the same signature cannot coexist.
 */
export function keySignature(c: CanonicalIndex): string {
  const identity = IDENTITY_OPTIONS.filter((name) => c.options[name] !== undefined).map((name) => [name, c.options[name]]);
  const pattern = keyPatternOf(c);
  return identity.length === 0 ? pattern : `${pattern}#${fnv1a64(orderedStringify(identity))}`;
}

/**
 * Everything that makes an index what it is but its name, as one string:
 * two indexes are the same (`sameIndex`) exactly when their identities are
 * equal. An option whose value writes as `null` counts as absent, as in
 * `differingOptions`. Diffs compare every desired index with every real one,
 * so they compute this once per index instead of comparing option by option.
 */
export function indexIdentity(c: CanonicalIndex): string {
  // Written entry by entry: the generic walker over the key's objects was most of a large diff's time.
  let identity = c.key.map((entry) => `${JSON.stringify(entry.field)}:${orderedStringify(entry.value)}`).join(',');
  if (c.textWeights !== undefined) identity += `|w${orderedStringify(c.textWeights)}`;
  for (const name of Object.keys(c.options).sort(compareStrings)) {
    const value = orderedStringify(c.options[name]);
    if (value !== 'null') identity += `|${JSON.stringify(name)}:${value}`;
  }
  return identity;
}

/** Same index in every respect but the name. */
export function sameIndex(a: CanonicalIndex, b: CanonicalIndex): boolean {
  return indexIdentity(a) === indexIdentity(b);
}

/** What differs between two canonical indexes: `key`, `textWeights`, then option names, sorted. The name is not compared. */
export function differingOptions(a: CanonicalIndex, b: CanonicalIndex): string[] {
  const differences: string[] = [];
  if (orderedStringify(a.key) !== orderedStringify(b.key)) differences.push('key');
  if (orderedStringify(a.textWeights) !== orderedStringify(b.textWeights)) differences.push('textWeights');
  const names = [...new Set([...Object.keys(a.options), ...Object.keys(b.options)])].sort(compareStrings);
  for (const name of names) {
    if (orderedStringify(a.options[name]) !== orderedStringify(b.options[name])) differences.push(name);
  }
  return differences;
}
