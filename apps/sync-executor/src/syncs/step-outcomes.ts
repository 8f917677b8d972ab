import type { PlanOperationView } from '@ir/contracts';
import type { StoredStep } from './sync.model';
import { numberRanges, operationOf } from './sync-view';

/**
 * The change a step belongs to, when it is one of several steps (`replace a by b 1/2`, `rebuild x 3/4:
 * create the new index`): the plan's label without its position. Steps of one change depend on the
 * steps before them (the drop of an old index on the create of its replacement); other steps do not.
 */
export function changeOf(op: PlanOperationView): string | undefined {
  if (!op.step) return undefined;
  const position = / \d+\/\d+(?::.*)?$/.exec(op.step);
  return position ? `${op.collection}\u0000${op.step.slice(0, position.index)}` : undefined;
}

/**
 * The earlier step of the same change that did not succeed, if one did not: a step that depends on it
 * must not run (create-before-drop never ends with neither index).
 */
export function blockerOf(steps: readonly StoredStep[], position: number): StoredStep | undefined {
  const change = changeOf(operationOf(steps[position]));
  if (change === undefined) return undefined;
  return steps.slice(0, position).find((step) => step.status !== 'done' && changeOf(operationOf(step)) === change);
}

/** A step after the first of its change (the drop of a replaced index, the create of a rebuild that dropped first). */
export function isLaterStepOfChange(steps: readonly StoredStep[], position: number): boolean {
  const change = changeOf(operationOf(steps[position]));
  return change !== undefined && steps.slice(0, position).some((step) => changeOf(operationOf(step)) === change);
}

/**
 * A step that finishes a change already begun (its earlier steps done): it runs even after a cancel
 * or an `on_error: stop`, and its index build is not stopped, so that a rebuild that dropped the old
 * index first always creates the new one.
 */
export function continuesStartedChange(steps: readonly StoredStep[], position: number): boolean {
  return isLaterStepOfChange(steps, position) && blockerOf(steps, position) === undefined;
}

/**
 * The step recorded `skipped`, when it is not to be sent: the target cannot run it (the plan says why),
 * or an earlier step of its change did not succeed (`blocked_by`). Undefined when it is to run.
 */
export function skippedBeforeRun(steps: readonly StoredStep[], position: number, at: Date): StoredStep | undefined {
  const step = steps[position];
  const { unsupported } = operationOf(step);
  if (unsupported) return { ...step, status: 'skipped', note: `unsupported: ${unsupported}`, completed_at: at };
  const blocker = blockerOf(steps, position);
  if (!blocker) return undefined;
  const outcome = blocker.status === 'failed' ? 'failed' : 'did not run';
  const note = `not run: it depends on step ${blocker.number} (${labelOf(operationOf(blocker))}), which ${outcome}`;
  return { ...step, status: 'skipped', note, blocked_by: blocker.number, completed_at: at };
}

/** How a sync whose steps all ended ends: `partially_failed` when some failed and others succeeded. */
export function endStatusOf(steps: readonly Pick<StoredStep, 'status'>[]): 'completed' | 'partially_failed' | 'failed' {
  if (!steps.some((s) => s.status === 'failed')) return 'completed';
  return steps.some((s) => s.status === 'done') ? 'partially_failed' : 'failed';
}

/** At most this many failed steps are named in a sync's error (each step carries its own). */
const NAMED_FAILURES = 3;

/**
 * "2 of 6 steps failed: step 2 (create orders.k_1): <reason>; step 5 (...): <reason>; done: 1, 3-4;
 * skipped: 6; not done: none", or, when `reason` is given (the sync could not go on), that reason first.
 */
export function failureSummary(steps: readonly StoredStep[], reason?: string): string {
  const failedSteps = steps.filter((s) => s.status === 'failed');
  const named = failedSteps.slice(0, NAMED_FAILURES).map((s) => `step ${s.number} (${labelOf(operationOf(s))}): ${s.error ?? 'failed'}`);
  if (failedSteps.length > NAMED_FAILURES) named.push(`${failedSteps.length - NAMED_FAILURES} more`);
  const numbers = (...statuses: StoredStep['status'][]): string =>
    numberRanges(steps.filter((s) => statuses.includes(s.status)).map((s) => s.number));
  const head = [
    ...(reason ? [reason] : []),
    ...(failedSteps.length > 0 ? [`${failedSteps.length} of ${steps.length} steps failed: ${named.join('; ')}`] : []),
  ];
  return `${head.join('; ')}; done: ${numbers('done')}; skipped: ${numbers('skipped')}; not done: ${numbers('pending', 'running', 'failed', 'not_run')}`;
}

export function labelOf(op: PlanOperationView): string {
  return `${op.kind} ${op.collection}.${op.index}`;
}
