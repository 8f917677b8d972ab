import { hasKind } from './key-kinds';
import { indexNameOf, isIdIndexKey } from './naming';
import { canonicalFromDefinition } from './normalize';
import { keySignature } from './signature';
import type { IndexDefinition, IndexIssue } from './types';

/** MongoDB's limit per collection, the `_id` index included. */
export const MAX_INDEXES_PER_COLLECTION = 64;

/**
 * Rules across one collection's definitions. Each issue's field starts with `label(i)`, by default the
 * definition's position `[i]` in `defs`; a caller whose definitions have better names (a manifest's
 * index names) passes its own, which the messages use too when they point at another definition.
 */
export function validateCollectionDefinitions(
  defs: readonly IndexDefinition[],
  label: (i: number) => string = (i) => `[${i}]`,
): IndexIssue[] {
  const issues: IndexIssue[] = [];
  const keysOf = (def: IndexDefinition) => (Array.isArray(def.keys) ? def.keys : []);

  let firstText: number | undefined;
  defs.forEach((def, i) => {
    if (!hasKind(keysOf(def), 'text')) return;
    if (firstText === undefined) firstText = i;
    else
      issues.push({
        field: `${label(i)}.keys`,
        rule: 'one_text_index',
        message: `a collection has at most one text index; ${label(firstText)} is one already`,
      });
  });

  const names = new Map<string, number>();
  const signatures = new Map<string, number>();
  defs.forEach((def, i) => {
    const name = indexNameOf({ ...def, keys: keysOf(def) });
    const sameName = names.get(name);
    if (sameName !== undefined) {
      issues.push({
        field: `${label(i)}.name`,
        rule: 'duplicate_name',
        message: `the name "${name}" is already used by ${label(sameName)}`,
      });
    } else {
      names.set(name, i);
    }
    const signature = keySignature(canonicalFromDefinition({ ...def, keys: keysOf(def) }));
    const sameIdentity = signatures.get(signature);
    if (sameIdentity !== undefined) {
      issues.push({
        field: `${label(i)}.keys`,
        rule: 'duplicate_index',
        message: `${label(sameIdentity)} is the same index (same key and identity options); MongoDB keeps only one`,
      });
    } else {
      signatures.set(signature, i);
    }
  });

  const implicitId = defs.some((def) => isIdIndexKey(keysOf(def))) ? 0 : 1;
  if (defs.length + implicitId > MAX_INDEXES_PER_COLLECTION) {
    const first = MAX_INDEXES_PER_COLLECTION - implicitId;
    issues.push({
      field: `${label(first)}.keys`,
      rule: 'max_indexes',
      message: `a collection has at most ${MAX_INDEXES_PER_COLLECTION} indexes including _id_; these definitions make ${defs.length + implicitId}`,
    });
  }
  return issues;
}
