import type { CollectionDiff, DifferentIndex } from './diff';
import { MAX_INDEXES_PER_COLLECTION } from './collection-validation';
import { toMongoIndexSpec } from './mongo-spec';
import { ID_INDEX_NAME } from './naming';
import { canonicalFromListIndexes, isTextPlaceholder } from './normalize';
import { changeFor, type Change, type CollectionNames, type Step } from './plan-rebuild';
import type { Plan, PlanOperation, PlanOptions } from './plan-types';
import { compareStrings } from './records';
import { keySignature } from './signature';
import type { CanonicalIndex } from './types';

/** Operations that run as one block: a create, or a rebuild sequence. */
interface Unit {
  readonly label: string;
  readonly steps: readonly Step[];
  /** The old index's drop of a side-by-side replacement: allowed only once this unit has run. */
  readonly releases?: PendingDrop;
}

interface PendingDrop {
  readonly op: PlanOperation;
  released: boolean;
}

const ALL_KINDS: readonly ('create' | 'drop' | 'modify')[] = ['create', 'drop', 'modify'];
const isText = (c: CanonicalIndex): boolean => c.key.some(isTextPlaceholder);
const byIndex = (a: { op: PlanOperation }, b: { op: PlanOperation }): number => compareStrings(a.op.index, b.op.index);

/** Why MongoDB would refuse `wanted` next to `existing`, or undefined when both can exist. */
function conflict(wanted: CanonicalIndex, existing: CanonicalIndex): string | undefined {
  if (wanted.name === existing.name) return 'same name';
  if (keySignature(wanted) === keySignature(existing)) return 'same key and identity options';
  if (isText(wanted) && isText(existing)) return 'one text index per collection';
  return undefined;
}

/** The `_id_` index every collection has (an absent collection gets it with its first index). */
const IMPLICIT_ID = canonicalFromListIndexes({ key: { _id: 1 }, name: ID_INDEX_NAME });

/**
 * The operations that bring one collection to its design-repository state.
 * Order: collMod changes; rebuilds; creates of missing indexes; then drops —
 * so a replaced index never leaves a window. Two things pull a drop forward:
 * an index that the next create conflicts with (same name, same identity,
 * second text index) and the 64-index limit, which is tracked from the real
 * count (`_id_` included) through every create and drop.
 */
export function planCollection(diff: CollectionDiff, options: PlanOptions = {}): Plan {
  const include = new Set(options.include ?? ALL_KINDS);
  const max = options.maxIndexesPerCollection ?? MAX_INDEXES_PER_COLLECTION;
  const collection = diff.collection;
  const warnings: string[] = [];

  const present = new Map<string, CanonicalIndex>([[ID_INDEX_NAME, IMPLICIT_ID]]);
  for (const real of [...diff.matched.map((m) => m.real), ...diff.different.map((d) => d.real), ...diff.redundant]) {
    present.set(real.entry.name, real.canonical);
  }

  // A temporary index must collide with no index that exists or will exist.
  const desired = [...diff.matched.map((m) => m.desired), ...diff.different.map((d) => d.desired), ...diff.missing];
  const taken: CollectionNames = {
    names: new Set([...present.keys(), ...desired.map((d) => d.definition.name)]),
    signatures: new Set([...present.values(), ...desired.map((d) => d.canonical)].map(keySignature)),
  };

  const modifies: PlanOperation[] = [];
  const units: Unit[] = [];
  const pool: PendingDrop[] = [];
  for (const d of diff.different) {
    const change = changeFor(collection, d, taken, diff.collectionCollation);
    addChange(change, d, include, modifies, units, pool, warnings);
  }
  if (include.has('create')) {
    for (const m of diff.missing) {
      const op: PlanOperation = {
        kind: 'create',
        collection,
        index: m.definition.name,
        spec: toMongoIndexSpec(m.definition),
        reason: 'missing from the database',
      };
      units.push({ label: m.definition.name, steps: [{ op, canonical: m.canonical }] });
    }
  }
  const hides: PlanOperation[] = [];
  if (include.has('drop')) {
    for (const r of diff.redundant) {
      if (options.hideBeforeDrop) {
        const already = r.canonical.options.hidden === true ? ' (already hidden)' : '';
        hides.push({
          kind: 'hide',
          collection,
          index: r.entry.name,
          changes: { hidden: true },
          reason: `not in the design repository: hidden first so that it can be dropped once nothing needs it${already}`,
        });
      } else {
        pool.push({ op: { kind: 'drop', collection, index: r.entry.name, reason: 'not in the design repository' }, released: true });
      }
    }
  }

  const operations: PlanOperation[] = [...modifies];
  let count = present.size;
  for (const unit of units) {
    const emitted = runUnit(unit, { present, pool, max, count, warnings, collection });
    if (emitted === undefined) continue;
    operations.push(...emitted.ops);
    count = emitted.count;
    if (unit.releases) unit.releases.released = true;
  }
  const rest = pool.filter((p) => p.released).sort(byIndex);
  operations.push(...rest.map((p) => p.op), ...hides.sort((a, b) => compareStrings(a.index, b.index)));
  return { operations, warnings };
}

function addChange(
  change: Change,
  d: DifferentIndex,
  include: ReadonlySet<string>,
  modifies: PlanOperation[],
  units: Unit[],
  pool: PendingDrop[],
  warnings: string[],
): void {
  const label = d.desired.definition.name;
  switch (change.type) {
    case 'skip':
      warnings.push(change.warning);
      return;
    case 'modify':
      if (include.has('modify')) modifies.push(change.op);
      return;
  }
  if (!include.has('create') || !include.has('drop')) {
    const missing = include.has('create') ? 'drop' : 'create';
    warnings.push(
      `${d.real.entry.name} → ${label} needs a rebuild (${d.differences.join(', ')}), which takes both create and drop; skipped because "${missing}" is not included`,
    );
    return;
  }
  if (change.type === 'replace') {
    const releases: PendingDrop = { op: change.drop, released: false };
    pool.push(releases);
    units.push({ label, steps: [{ op: change.create, canonical: d.desired.canonical }], releases });
    return;
  }
  units.push({ label, steps: change.steps });
}

interface RunState {
  readonly present: Map<string, CanonicalIndex>;
  readonly pool: PendingDrop[];
  readonly max: number;
  readonly count: number;
  readonly warnings: string[];
  readonly collection: string;
}

/**
 * Emits one unit, preceded by the drops it needs: pending drops of indexes its
 * creates conflict with, then released drops while the unit's peak would
 * exceed the limit. A conflict with an index that stays blocks the unit
 * (MongoDB would refuse the create); a limit that cannot be kept is a warning.
 */
function runUnit(unit: Unit, state: RunState): { ops: PlanOperation[]; count: number } | undefined {
  const { present, pool, max, warnings, collection } = state;
  const before: PlanOperation[] = [];
  const early = new Set<PendingDrop>();
  const simulated = new Map(present);
  for (const step of unit.steps) {
    if (step.op.kind === 'drop') {
      simulated.delete(step.op.index);
      continue;
    }
    if (step.op.kind !== 'create' || !step.canonical) continue;
    for (const [name, existing] of simulated) {
      const why = conflict(step.canonical, existing);
      if (!why) continue;
      const pending = pool.find((p) => p.released && !early.has(p) && p.op.index === name);
      if (!pending) {
        warnings.push(
          `cannot create ${collection}.${step.op.index}: it conflicts with ${collection}.${name} (${why}), which this plan keeps; skipped`,
        );
        return undefined;
      }
      early.add(pending);
      simulated.delete(name);
      before.push({
        ...pending.op,
        reason: `${pending.op.reason}; dropped before ${step.op.index} is created because they cannot coexist (${why})`,
      });
    }
    simulated.set(step.op.index, step.canonical);
  }

  let count = state.count - before.length;
  let peak = count;
  let running = count;
  for (const step of unit.steps) {
    running += step.op.kind === 'create' ? 1 : step.op.kind === 'drop' ? -1 : 0;
    peak = Math.max(peak, running);
  }
  const releasable = pool.filter((p) => p.released && !early.has(p)).sort(byIndex);
  while (peak > max && releasable.length > 0) {
    const pending = releasable.shift() as PendingDrop;
    early.add(pending);
    before.push({ ...pending.op, reason: `${pending.op.reason}; dropped early so that ${collection} stays within ${max} indexes` });
    present.delete(pending.op.index);
    count -= 1;
    peak -= 1;
  }
  if (peak > max)
    warnings.push(`${collection} would have ${peak} indexes while creating ${unit.label}; MongoDB allows ${max}: drop indexes first`);

  for (const pending of early) pool.splice(pool.indexOf(pending), 1);
  for (const op of before) present.delete(op.index);
  const ops = [...before];
  for (const step of unit.steps) {
    ops.push(step.op);
    if (step.op.kind === 'create' && step.canonical) present.set(step.op.index, step.canonical);
    if (step.op.kind === 'drop') present.delete(step.op.index);
    count += step.op.kind === 'create' ? 1 : step.op.kind === 'drop' ? -1 : 0;
  }
  return { ops, count };
}

/** The plans of several collections, one after the other in the order given. */
export function buildPlan(diffs: readonly CollectionDiff[], options?: PlanOptions): Plan {
  const plans = diffs.map((diff) => planCollection(diff, options));
  return { operations: plans.flatMap((p) => p.operations), warnings: plans.flatMap((p) => p.warnings) };
}
