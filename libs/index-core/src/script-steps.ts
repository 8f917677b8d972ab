import { changeOfStep } from './plan-rebuild';
import type { PlanOperation } from './plan-types';

/** What one `irStep` call receives: plain data, written into the script as a JSON literal. */
export interface ScriptStep {
  readonly kind: PlanOperation['kind'];
  readonly collection: string;
  readonly index: string;
  readonly key?: unknown;
  readonly options?: unknown;
  readonly changes?: unknown;
  readonly done_when?: unknown;
  /** A redundant index (a hide, or a drop with no replacement): kept when `$indexStats` shows it in use. */
  readonly usage_check?: true;
  /** A drop in a replacement or rebuild: only once this index (its replacement) exists. */
  readonly requires?: string;
  /** The change (rebuild or replacement) the step belongs to: its later steps do not run after one fails. */
  readonly group?: number;
  readonly unsupported?: string;
}

/** The plan in numbers, for the script's header and banner and the API's answer. */
export interface ScriptPlanSummary {
  readonly steps: number;
  /** Creates of missing indexes (not part of a rebuild). */
  readonly creates: number;
  /** Drops of redundant indexes (not part of a rebuild). */
  readonly drops: number;
  readonly hides: number;
  readonly modifies: number;
  /** Rebuilds and side-by-side replacements, each of several steps. */
  readonly rebuilds: number;
  /** Steps the target cannot run (left out). */
  readonly unsupported: number;
}

/** Each operation as the data its script step receives, with the change it belongs to and what a drop waits for. */
export function scriptSteps(operations: readonly PlanOperation[]): ScriptStep[] {
  const groups = new Map<string, number>();
  const lastCreate = new Map<number, string>();
  return operations.map((op): ScriptStep => {
    const change = op.step === undefined ? undefined : changeOfStep(op.step);
    let group: number | undefined;
    if (change !== undefined) {
      // Collection and change as one key: JSON keeps the two parts apart whatever they hold.
      const key = JSON.stringify([op.collection, change]);
      group = groups.get(key) ?? groups.size + 1;
      groups.set(key, group);
    }
    const base = { kind: op.kind, collection: op.collection, index: op.index };
    const extra = {
      ...(op.doneWhen ? { done_when: op.doneWhen } : {}),
      ...(group !== undefined ? { group } : {}),
      ...(op.unsupported !== undefined ? { unsupported: op.unsupported } : {}),
    };
    switch (op.kind) {
      case 'create': {
        if (!op.spec) throw new Error(`create ${op.collection}.${op.index} has no spec`);
        if (group !== undefined) lastCreate.set(group, op.index);
        // The spec is sent exactly: key first, every other field (name included) as createIndex's options.
        const { key, ...options } = op.spec;
        return { ...base, key, options, ...extra };
      }
      case 'drop': {
        const requires = group !== undefined ? lastCreate.get(group) : undefined;
        return { ...base, ...(group === undefined ? { usage_check: true } : {}), ...(requires ? { requires } : {}), ...extra };
      }
      case 'modify':
        return { ...base, changes: op.changes ?? {}, ...extra };
      case 'hide':
        return { ...base, changes: { hidden: true }, usage_check: true, ...extra };
    }
  });
}

export function scriptPlanSummary(steps: readonly ScriptStep[]): ScriptPlanSummary {
  const plain = steps.filter((s) => s.group === undefined);
  const count = (kind: ScriptStep['kind']) => plain.filter((s) => s.kind === kind).length;
  return {
    steps: steps.length,
    creates: count('create'),
    drops: count('drop'),
    hides: count('hide'),
    modifies: count('modify'),
    rebuilds: new Set(steps.flatMap((s) => (s.group === undefined ? [] : [s.group]))).size,
    unsupported: steps.filter((s) => s.unsupported !== undefined).length,
  };
}
