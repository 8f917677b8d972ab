import type { CollectionComparison, CollectionSummary, CompareResult, CompareSummary } from '@ir/contracts';
import type { CanonicalIndex } from '@ir/index-core';
import { optionValues } from './comparison-view';

/**
 * The summary view of a compare: the same totals, and per collection its counts and only what is
 * not matched, each index once in MongoDB's form (the full view gives every index in two forms,
 * matched ones included: most of its lines for a database that is nearly in shape).
 */
export function compareSummary(result: CompareResult): CompareSummary {
  const { collections, ...head } = result;
  return { ...head, view: 'summary', collections: collections.map(collectionSummary) };
}

function collectionSummary(c: CollectionComparison): CollectionSummary {
  const renamed = c.matched.filter((m) => m.name_differs);
  return {
    collection: c.collection,
    status: c.status,
    ...(c.error ? { error: c.error } : {}),
    collection_exists: c.collection_exists,
    counts: {
      missing: c.missing.length,
      matched: c.matched.length,
      name_differs: renamed.length,
      redundant: c.redundant.length,
      different: c.different.length,
    },
    missing: c.missing.map((i) => ({ name: i.name, spec: i.mongodb })),
    redundant: c.redundant.map((i) => ({
      name: i.name,
      spec: i.mongodb,
      ...(i.usage ? { usage: i.usage } : {}),
      ...(i.safe_drop_candidate !== undefined ? { safe_drop_candidate: i.safe_drop_candidate } : {}),
    })),
    different: c.different.map((d) => ({
      name: d.desired.name,
      target_name: d.real.name,
      matched_by: d.matched_by,
      // `values` is optional for results stored before it; a compare's own result always has them.
      values: d.values ?? optionValues(canonicalOf(d.desired), canonicalOf(d.real), d.differences),
    })),
    name_differs: renamed.map((m) => ({ name: m.desired.name, target_name: m.real.name })),
  };
}

/** The canonical form as the answer carries it: a `CanonicalIndex`, spread (see `toComparison`). */
function canonicalOf(forms: { canonical: Record<string, unknown> }): CanonicalIndex {
  return forms.canonical as unknown as CanonicalIndex;
}
