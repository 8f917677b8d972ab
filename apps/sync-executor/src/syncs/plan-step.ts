// Facts about one step of a plan, read by the step runner and the executor.
import { canonicalFromListIndexes, differingOptions, ID_INDEX_NAME, sameIndex, type ListIndexesEntry } from '@ir/index-core';
import type { PlanOperationView } from '@ir/contracts';
import type { CreateSpec } from './create-indexes-command';

/** A step the plan should never contain. */
export class PlanError extends Error {}

/** What a plan step asks the server to build: its spec, named after the step when the spec has no name. */
export function createSpecOf(op: PlanOperationView): CreateSpec {
  if (!op.spec || typeof op.spec['key'] !== 'object') throw new PlanError(`the plan's create of ${op.index} has no index spec`);
  return { ...op.spec, name: typeof op.spec['name'] === 'string' ? op.spec['name'] : op.index } as CreateSpec;
}

/** A create that can share a createIndexes command with its neighbours: a plain one, not a step of a rebuild. */
export function isBatchableCreate(op: PlanOperationView): boolean {
  return op.kind === 'create' && op.done_when === undefined && typeof op.spec?.['key'] === 'object';
}

/** Why the step is never run (`_id_` is never dropped or hidden), or undefined. */
export function refusalOf(op: PlanOperationView): string | undefined {
  if (op.index !== ID_INDEX_NAME) return undefined;
  if (op.kind === 'drop' || op.kind === 'hide' || (op.kind === 'modify' && op.changes?.hidden === true)) {
    return `refused: ${ID_INDEX_NAME} is never dropped or hidden`;
  }
  return undefined;
}

/** For a step of a rebuild: the note when the index it leads to exists already (the rebuild is done). */
export function doneWhenMet(existing: readonly ListIndexesEntry[], doneWhen: Record<string, unknown> | undefined): string | undefined {
  if (!doneWhen || typeof doneWhen['name'] !== 'string') return undefined;
  const target = existing.find((e) => e.name === doneWhen['name']);
  if (!target) return undefined;
  try {
    return sameIndex(canonicalFromListIndexes(target), canonicalFromListIndexes(doneWhen as ListIndexesEntry))
      ? `already rebuilt: ${target.name} exists`
      : undefined;
  } catch {
    return undefined;
  }
}

/** The server has an index of this name on this key. */
export function isThere(existing: readonly ListIndexesEntry[], spec: CreateSpec): boolean {
  const same = existing.find((e) => e.name === spec.name);
  return same !== undefined && sameKey(same, spec as unknown as ListIndexesEntry);
}

function sameKey(a: ListIndexesEntry, b: ListIndexesEntry): boolean {
  try {
    const differences = differingOptions(canonicalFromListIndexes(a), canonicalFromListIndexes(b));
    return !differences.includes('key') && !differences.includes('textWeights');
  } catch {
    return JSON.stringify(a.key) === JSON.stringify(b.key);
  }
}
