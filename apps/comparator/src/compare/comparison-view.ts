import type { CollectionComparison, DriftTotals, OptionValues } from '@ir/contracts';
import { toMongoIndexSpec, type CanonicalIndex, type CollectionDiff, type DesiredIndex, type RealIndex } from '@ir/index-core';
import type { CollectionIndexes, IndexUsage } from '../targets/target-reader';
import { relaxedExtendedJson } from './relaxed-json';

type Forms = CollectionComparison['missing'][number];
type RealView = CollectionComparison['redundant'][number];

export interface UsagePolicy {
  /** A redundant index unused since before this instant is a safe drop candidate. */
  readonly unusedSince: Date;
}

/** A collection's diff in the API's shape: each index in canonical and MongoDB form, real ones with usage. */
export function toComparison(
  diff: CollectionDiff,
  read: Pick<CollectionIndexes, 'exists' | 'usage'>,
  policy: UsagePolicy,
): CollectionComparison {
  const real = (index: RealIndex, redundant: boolean): RealView => {
    const usage = read.usage?.get(index.canonical.name);
    return {
      ...forms(index.canonical, relaxedExtendedJson(index.entry) as Record<string, unknown>),
      ...(usage ? { usage: usageView(usage) } : {}),
      ...(redundant && read.usage ? { safe_drop_candidate: isUnused(usage, policy) } : {}),
    };
  };
  const desired = (index: DesiredIndex): Forms => forms(index.canonical, mongoFormOf(index));
  return {
    collection: diff.collection,
    // Nothing there and nothing wanted: a name the caller got wrong, not drift.
    status: !read.exists && diff.missing.length === 0 ? 'not_found' : 'ok',
    collection_exists: read.exists,
    missing: diff.missing.map(desired),
    matched: diff.matched.map((m) => ({ desired: desired(m.desired), real: real(m.real, false), name_differs: m.nameDiffers })),
    redundant: diff.redundant.map((r) => real(r, true)),
    different: diff.different.map((d) => ({
      desired: desired(d.desired),
      real: real(d.real, false),
      matched_by: d.matchedBy,
      differences: [...d.differences],
      values: optionValues(d.desired.canonical, d.real.canonical, d.differences),
    })),
  };
}

export function failedComparison(collection: string, code: string, message: string): CollectionComparison {
  return {
    collection,
    status: 'failed',
    error: { code, message },
    collection_exists: true,
    missing: [],
    matched: [],
    redundant: [],
    different: [],
  };
}

export function totalsOf(collections: readonly CollectionComparison[]): DriftTotals {
  return {
    collections: collections.length,
    failed_collections: collections.filter((c) => c.status === 'failed').length,
    not_found_collections: collections.filter((c) => c.status === 'not_found').length,
    missing: sum(collections, (c) => c.missing.length),
    matched: sum(collections, (c) => c.matched.length),
    name_differs: sum(collections, (c) => c.matched.filter((m) => m.name_differs).length),
    redundant: sum(collections, (c) => c.redundant.length),
    different: sum(collections, (c) => c.different.length),
  };
}

/**
 * Each differing option (as `differingOptions` names them) with the DR's value and the target's, in
 * the canonical form they were compared in; null where a side has none.
 */
export function optionValues(dr: CanonicalIndex, target: CanonicalIndex, differences: readonly string[]): OptionValues[] {
  const valueOf = (index: CanonicalIndex, option: string): unknown => {
    switch (option) {
      case 'name':
        return index.name;
      case 'key':
        return Object.fromEntries(index.key.map((entry) => [entry.field, entry.value]));
      case 'textWeights':
        return index.textWeights ?? null;
      default:
        return index.options[option] ?? null;
    }
  };
  return differences.map((option) => ({ option, dr: valueOf(dr, option), target: valueOf(target, option) }));
}

/** Desired indexes are resolved once per definitions version (RegistryClient), so their MongoDB form is too. */
const mongoForms = new WeakMap<DesiredIndex, Record<string, unknown>>();

function mongoFormOf(index: DesiredIndex): Record<string, unknown> {
  let form = mongoForms.get(index);
  if (!form) mongoForms.set(index, (form = toMongoIndexSpec(index.definition) as unknown as Record<string, unknown>));
  return form;
}

function forms(canonical: CanonicalIndex, mongodb: Record<string, unknown>): Forms {
  return { name: canonical.name, canonical: { ...canonical }, mongodb };
}

function usageView(usage: IndexUsage): { ops: number; since: string | null } {
  return { ops: usage.ops, since: usage.since?.toISOString() ?? null };
}

function isUnused(usage: IndexUsage | undefined, policy: UsagePolicy): boolean {
  return usage !== undefined && usage.ops === 0 && usage.since !== null && usage.since <= policy.unusedSince;
}

function sum<T>(items: readonly T[], count: (item: T) => number): number {
  return items.reduce((total, item) => total + count(item), 0);
}
