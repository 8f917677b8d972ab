import { definitionUnderCollection, withCollectionCollation } from './collection-collation';
import { desiredIndexOf, diffDesired } from './diff';
import { definitionFromListIndexes, unrepresentableOptions } from './mongo-spec';
import { ID_INDEX_NAME } from './naming';
import { compareStrings } from './records';
import type { IndexDefinition, ListIndexesEntry } from './types';

/**
 * What importing one collection's live indexes into the design repository would do, decided from
 * the definitions the repository has and what listIndexes gave (`diffDesired` pairs them):
 * - `create`: the live index has no definition (by identity, name or key): it is imported;
 * - `defined`: a definition describes exactly this index under this name: nothing to do;
 * - `differs`: a definition stands for it (same name, or same key under another name) but is not the
 *   same index, or is the same index under another name: a difference to report, never "already
 *   exists"; only `on_conflict: overwrite` replaces the definition with the live index;
 * - `unrepresentable`: options a definition cannot express (a definition without them would describe
 *   another index, and a later sync would rebuild the real one without them).
 */
export type ImportDecision =
  | { readonly kind: 'create'; readonly name: string; readonly definition: IndexDefinition }
  | { readonly kind: 'defined'; readonly name: string }
  | {
      readonly kind: 'differs';
      readonly name: string;
      readonly definition: IndexDefinition;
      /** The definition it was paired with, as the repository has it. */
      readonly defined: IndexDefinition & { readonly name: string };
      /** `name`, `key`, `textWeights` or the option names that differ. */
      readonly fields: readonly string[];
    }
  | { readonly kind: 'unrepresentable'; readonly name: string; readonly options: readonly string[] };

/**
 * Decides, for every live index of a collection but `_id_`, what an import does with it. Throws what
 * `definitionFromListIndexes` throws for an index it cannot convert (the caller reports it failed).
 * `collectionCollation` is the collection's default collation (listCollections `options.collation`), if any:
 * definitions without a collation inherit it, and live indexes built with none are imported with `simple`.
 */
export function planImport(
  collection: string,
  defined: readonly IndexDefinition[],
  live: readonly ListIndexesEntry[],
  collectionCollation?: unknown,
): ImportDecision[] {
  const decisions: ImportDecision[] = [];
  const convertible: ListIndexesEntry[] = [];
  for (const entry of live) {
    if (entry.name === ID_INDEX_NAME) continue;
    const lost = unrepresentableOptions(entry);
    if (lost.length > 0) decisions.push({ kind: 'unrepresentable', name: entry.name, options: lost });
    else convertible.push(entry);
  }
  // The collection's default collation is what its indexes defined without one are built with.
  const resolved = defined.map(desiredIndexOf);
  const desired = withCollectionCollation(resolved, collectionCollation);
  const asDefined = new Map(desired.map((index, i) => [index, resolved[i].definition]));
  const definitionOf = (entry: ListIndexesEntry): IndexDefinition =>
    definitionUnderCollection(definitionFromListIndexes(entry), entry, collectionCollation);
  const diff = diffDesired(collection, desired, convertible);
  for (const m of diff.matched) {
    const name = m.real.entry.name;
    decisions.push(
      m.nameDiffers
        ? {
            kind: 'differs',
            name,
            definition: definitionOf(m.real.entry),
            defined: asDefined.get(m.desired) ?? m.desired.definition,
            fields: ['name'],
          }
        : { kind: 'defined', name },
    );
  }
  for (const d of diff.different) {
    decisions.push({
      kind: 'differs',
      name: d.real.entry.name,
      definition: definitionOf(d.real.entry),
      defined: asDefined.get(d.desired) ?? d.desired.definition,
      fields: d.differences,
    });
  }
  for (const r of diff.redundant) decisions.push({ kind: 'create', name: r.entry.name, definition: definitionOf(r.entry) });
  return decisions.sort((a, b) => compareStrings(a.name, b.name));
}
