import { canonicalCollation } from './collation';
import type { DesiredIndex } from './diff';
import { hasKind } from './key-kinds';
import { canonicalPartialFilter } from './partial-filter';
import { sortedRecord } from './records';
import type { CanonicalIndex, IndexDefinition, ListIndexesEntry } from './types';

/**
 * The design's indexes of a collection as the server builds them there: an index created without a
 * collation on a collection with a default collation gets that collation, filled in as listIndexes
 * shows it; one created with `{ locale: "simple" }` gets none (mongodb/mongo
 * jstests/core/index/index_creation_on_different_collations.js, 36635c8c, 8.x; jstests/core/collation.js
 * "an index with no collation inherits the collection-default collation"; the same since 3.4).
 * Without this, a collection with a default collation would show every index defined without one as
 * different: false drift.
 *
 * Text and 2d indexes take no collation: one that would inherit a non-simple default is refused
 * ("Text index builds which inherit a non-simple default collation should fail", collation.js), and
 * one given `{ locale: "simple" }` builds. So their definition is answered with that collation
 * written out (what the plan builds), and their identity stays "no collation", as listIndexes shows it.
 *
 * `collectionCollation` is the collection's `options.collation` from listCollections (absent or
 * `simple`: the desired indexes are answered as they are, the same array).
 */
export function withCollectionCollation(desired: readonly DesiredIndex[], collectionCollation: unknown): readonly DesiredIndex[] {
  const inherited = canonicalCollation(collectionCollation);
  if (inherited === undefined || 'invalid' in inherited) return desired;
  return desired.map((index) => {
    if (index.definition.options?.collation !== undefined) return index;
    if (takesNoCollation(index.canonical)) {
      const options = { ...index.definition.options, collation: { locale: 'simple' } };
      return { ...index, definition: { ...index.definition, options } };
    }
    const options = sortedRecord([...Object.entries(index.canonical.options), ['collation', inherited]]);
    // The filter is read with the collation the index gets (partial-filter-collation.ts).
    const filter = index.definition.options?.partial_filter_expression;
    if (filter !== undefined) options.partialFilterExpression = canonicalPartialFilter(filter, inherited);
    return { ...index, canonical: { ...index.canonical, options } };
  });
}

function takesNoCollation(canonical: CanonicalIndex): boolean {
  return hasKind(canonical.key, 'text') || hasKind(canonical.key, '2d');
}

/**
 * A live index's definition (`definitionFromListIndexes`) as it must be written for a collection with a
 * default collation: listIndexes shows no collation for an index built with `{ locale: "simple" }` there
 * (index_creation_on_different_collations.js), and a definition without one would inherit the default:
 * another index, and drift on the next compare. So the simple collation is written out.
 */
export function definitionUnderCollection(
  definition: IndexDefinition,
  entry: ListIndexesEntry,
  collectionCollation: unknown,
): IndexDefinition {
  const inherited = canonicalCollation(collectionCollation);
  if (inherited === undefined || 'invalid' in inherited || entry.collation !== undefined) return definition;
  return { ...definition, options: { ...definition.options, collation: { locale: 'simple' } } };
}
