import { stableStringify, withCollectionCollation, type DesiredIndex } from '@ir/index-core';

/**
 * A collection's design with its default collation inherited (`withCollectionCollation`), the same
 * array for the same design and collation: the collection memo knows a design by its identity, so a
 * collection with a default collation is still remembered between compares.
 */
export class InheritedCollations {
  private readonly byDesign = new WeakMap<readonly DesiredIndex[], Map<string, readonly DesiredIndex[]>>();

  of(desired: readonly DesiredIndex[], collectionCollation: unknown): readonly DesiredIndex[] {
    if (collectionCollation === undefined) return desired;
    const key = stableStringify(collectionCollation);
    let byCollation = this.byDesign.get(desired);
    if (!byCollation) this.byDesign.set(desired, (byCollation = new Map()));
    let inherited = byCollation.get(key);
    if (!inherited) byCollation.set(key, (inherited = withCollectionCollation(desired, collectionCollation)));
    return inherited;
  }
}
