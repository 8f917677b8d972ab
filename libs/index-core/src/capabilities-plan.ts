import { describeServer, refusalOf, type TargetCapabilities } from './capabilities';
import { changeOfStep } from './plan-rebuild';
import type { Plan, PlanOperation } from './plan-types';

/** The change (rebuild or replacement) a step belongs to, with its collection. */
function changeOf(operation: PlanOperation): string | undefined {
  return operation.step === undefined ? undefined : `${operation.collection}\u0000${changeOfStep(operation.step)}`;
}

/**
 * The plan with every step the target will refuse marked `unsupported`, and one warning naming them.
 * The other steps of a change (a replacement or rebuild) that has a refused step are marked too:
 * running the drop of a rebuild whose create cannot run would lose the index.
 */
export function markUnsupported(plan: Plan, capabilities: TargetCapabilities): Plan {
  const refusals = plan.operations.map((operation) => refusalOf(capabilities, operation));
  const refusedChanges = new Map<string, string>();
  plan.operations.forEach((operation, i) => {
    const change = changeOf(operation);
    const refusal = refusals[i];
    if (change !== undefined && refusal !== undefined && !refusedChanges.has(change)) {
      refusedChanges.set(change, `${operation.step ?? ''} cannot run: ${refusal}`);
    }
  });
  const operations = plan.operations.map((operation, i): PlanOperation => {
    const change = changeOf(operation);
    const unsupported = refusals[i] ?? (change === undefined ? undefined : refusedChanges.get(change));
    return unsupported === undefined ? operation : { ...operation, unsupported };
  });
  const marked = operations.filter((operation) => operation.unsupported !== undefined);
  if (marked.length === 0) return { ...plan, operations };
  const names = marked.map((operation) => `${operation.kind} ${operation.collection}.${operation.index}`).join(', ');
  const warning = `${marked.length} step(s) will be refused by ${describeServer(capabilities.server)} and are marked unsupported: ${names}`;
  return { operations, warnings: [...plan.warnings, warning] };
}
