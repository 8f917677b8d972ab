import type { PlanResult } from '@ir/contracts';
import type { StoredStep } from './sync.model';

/** A plan's operations as a sync's pending steps, and its warnings, skipped collections included. */
export function plannedSteps(plan: PlanResult): { steps: StoredStep[]; warnings: string[] } {
  return {
    steps: plan.operations.map((operation, i) => ({ number: i + 1, operation: JSON.stringify(operation), status: 'pending', attempts: 0 })),
    warnings: [...plan.warnings, ...plan.skipped_collections.map((s) => `collection ${s.collection} was left alone: ${s.reason}`)],
  };
}
