import { ID_INDEX_NAME, indexNameOf } from './naming';
import { canonicalFromDefinition, canonicalFromListIndexes } from './normalize';
import { compareStrings } from './records';
import { differingOptions, indexIdentity, keyPatternOf } from './signature';
import type { CanonicalIndex, IndexDefinition, ListIndexesEntry } from './types';

/** A design-repository index of one collection, its name resolved (MongoDB's default when the definition gives none). */
export interface DesiredIndex {
  readonly definition: IndexDefinition & { name: string };
  readonly canonical: CanonicalIndex;
}

/** An index that exists on the server, as listIndexes gave it. */
export interface RealIndex {
  readonly entry: ListIndexesEntry;
  readonly canonical: CanonicalIndex;
}

/** The server has the desired index; `nameDiffers` when it has it under another name (identity is the canonical form, not the name). */
export interface MatchedIndex {
  readonly desired: DesiredIndex;
  readonly real: RealIndex;
  readonly nameDiffers: boolean;
}

/**
 * A real index that stands for a desired one (same name, or else the same key
 * pattern) but is not the same index. `differences` are `differingOptions`
 * names (`key`, `textWeights`, option names), plus `name` when paired by key
 * under another name.
 */
export interface DifferentIndex {
  readonly desired: DesiredIndex;
  readonly real: RealIndex;
  readonly matchedBy: 'name' | 'key';
  readonly differences: readonly string[];
}

/** One collection compared: every desired index is in exactly one of missing/matched/different, every real one (but an undesired `_id_`) in one of matched/different/redundant. */
export interface CollectionDiff {
  readonly collection: string;
  readonly missing: DesiredIndex[];
  readonly matched: MatchedIndex[];
  readonly redundant: RealIndex[];
  readonly different: DifferentIndex[];
  /**
   * The collection's default collation where the target has one (the desired indexes were then given
   * it: `withCollectionCollation`); a plan needs it to recreate a live index as it is.
   */
  readonly collectionCollation?: unknown;
}

export function desiredIndexOf(definition: IndexDefinition): DesiredIndex {
  return { definition: { ...definition, name: indexNameOf(definition) }, canonical: canonicalFromDefinition(definition) };
}

export function realIndexOf(entry: ListIndexesEntry): RealIndex {
  return { entry, canonical: canonicalFromListIndexes(entry) };
}

const byDesiredName = (a: { desired: DesiredIndex }, b: { desired: DesiredIndex }): number =>
  compareStrings(a.desired.definition.name, b.desired.definition.name);

/**
 * Compares a collection's design-repository indexes with its listIndexes
 * output. Pairing goes from the strongest evidence to the weakest, each real
 * index used once: (1) equal canonical forms, whatever the names — a user who
 * created the index by hand under another name has the index; (2) the same
 * name; (3) the same key pattern, the closest real index first. What is left
 * is missing or redundant. Every list is sorted by name so that plans and
 * reports do not depend on the order listIndexes happened to return.
 */
export function diffCollection(collection: string, desired: readonly IndexDefinition[], real: readonly ListIndexesEntry[]): CollectionDiff {
  return diffDesired(collection, desired.map(desiredIndexOf), real);
}

/** `diffCollection` of desired indexes already resolved (`desiredIndexOf`), for callers that diff one design again and again. */
export function diffDesired(collection: string, desired: readonly DesiredIndex[], real: readonly ListIndexesEntry[]): CollectionDiff {
  const wanted = [...desired].sort((a, b) => compareStrings(a.definition.name, b.definition.name));
  const unused = real.map(realIndexOf).sort((a, b) => compareStrings(a.entry.name, b.entry.name));
  const identities = new Map<CanonicalIndex, string>();
  const identityOf = (canonical: CanonicalIndex): string => {
    let identity = identities.get(canonical);
    if (identity === undefined) identities.set(canonical, (identity = indexIdentity(canonical)));
    return identity;
  };
  const take = (index: RealIndex): RealIndex => {
    unused.splice(unused.indexOf(index), 1);
    return index;
  };

  const matched: MatchedIndex[] = [];
  const rest: DesiredIndex[] = [];
  for (const want of wanted) {
    const equal = unused.filter((r) => identityOf(r.canonical) === identityOf(want.canonical));
    // Two equal real indexes cannot exist on one server, but a hand-made fixture could hold them: prefer the same name.
    const found = equal.find((r) => r.entry.name === want.definition.name) ?? equal[0];
    if (found) matched.push({ desired: want, real: take(found), nameDiffers: found.entry.name !== want.definition.name });
    else rest.push(want);
  }

  const different: DifferentIndex[] = [];
  const unpaired: DesiredIndex[] = [];
  for (const want of rest) {
    const found = unused.find((r) => r.entry.name === want.definition.name);
    if (found)
      different.push({
        desired: want,
        real: take(found),
        matchedBy: 'name',
        differences: differingOptions(want.canonical, found.canonical),
      });
    else unpaired.push(want);
  }

  const missing: DesiredIndex[] = [];
  for (const want of unpaired) {
    const pattern = keyPatternOf(want.canonical);
    // Several real indexes may share a key pattern (other collations, filters): the one with the fewest differences stands for it.
    const candidates = unused
      .filter((r) => keyPatternOf(r.canonical) === pattern)
      .map((r) => ({ real: r, differences: [...differingOptions(want.canonical, r.canonical), 'name'] }))
      .sort((a, b) => a.differences.length - b.differences.length);
    const best = candidates[0];
    if (best) different.push({ desired: want, real: take(best.real), matchedBy: 'key', differences: best.differences });
    else missing.push(want);
  }

  // `_id_` exists on every collection and can never be dropped: it is not redundant just because the DR does not list it.
  const redundant = unused.filter((r) => r.entry.name !== ID_INDEX_NAME);
  return { collection, missing, matched: matched.sort(byDesiredName), redundant, different: different.sort(byDesiredName) };
}
