import { canonicalCollation } from './collation';
import type { DesiredIndex } from './diff';
import { hasKind } from './key-kinds';
import { sortedRecord } from './records';

/**
 * The design's indexes of a collection as the server builds them there: an index created without a
 * collation on a collection with a default collation gets that collation, filled in as listIndexes
 * shows it; one created with `{ locale: "simple" }` gets none (mongodb/mongo
 * jstests/core/index/index_creation_on_different_collations.js, 36635c8c, 8.x; the same since 3.4).
 * Text and 2d indexes take no collation and inherit none. Without this, a collection with a default
 * collation would show every index defined without one as different: false drift.
 *
 * `collectionCollation` is the collection's `options.collation` from listCollections (absent or
 * `simple`: the desired indexes are answered as they are, the same array).
 */
export function withCollectionCollation(desired: readonly DesiredIndex[], collectionCollation: unknown): readonly DesiredIndex[] {
  const inherited = canonicalCollation(collectionCollation);
  if (inherited === undefined || 'invalid' in inherited) return desired;
  return desired.map((index) => {
    if (index.definition.options?.collation !== undefined) return index;
    if (hasKind(index.canonical.key, 'text') || hasKind(index.canonical.key, '2d')) return index;
    const options = sortedRecord([...Object.entries(index.canonical.options), ['collation', inherited]]);
    return { ...index, canonical: { ...index.canonical, options } };
  });
}
