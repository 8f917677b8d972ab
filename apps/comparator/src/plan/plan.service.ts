import { Injectable } from '@nestjs/common';
import type { PlanBody, PlanOperationView, PlanResult } from '@ir/contracts';
import { buildPlan, markUnsupported, type PlanOperation } from '@ir/index-core';
import { CompareService } from '../compare/compare.service';
import { targetServerView } from '../targets/target-capabilities';

/** Turns a live comparison into the ordered operations that bring the target to the DR. */
@Injectable()
export class PlanService {
  constructor(private readonly compare: CompareService) {}

  async plan(
    request: Pick<PlanBody, 'database_id' | 'collections' | 'include' | 'hide_before_drop'>,
  ): Promise<PlanResult & { operationsRaw: readonly PlanOperation[] }> {
    const live = await this.compare.compareLive(request.database_id, request.collections, { recordInBackground: true });
    const built = buildPlan(live.diffs, { include: request.include, hideBeforeDrop: request.hide_before_drop });
    // Steps the target will refuse stay in the plan, marked with why: a sync skips them, a script comments them out.
    const plan = live.capabilities ? markUnsupported(built, live.capabilities) : built;
    const server = targetServerView(live.capabilities);
    return {
      database_id: live.result.database_id,
      db_name: live.result.db_name,
      planned_at: new Date().toISOString(),
      ...(server ? { target: server } : {}),
      operations: plan.operations.map(toOperationView),
      warnings: [...plan.warnings],
      skipped_collections: live.result.collections
        .filter((c) => c.status === 'failed')
        .map((c) => ({ collection: c.collection, reason: c.error?.message ?? 'could not be read' })),
      operationsRaw: plan.operations,
    };
  }
}

export function toOperationView(operation: PlanOperation): PlanOperationView {
  return {
    kind: operation.kind,
    collection: operation.collection,
    index: operation.index,
    reason: operation.reason,
    ...(operation.spec ? { spec: { ...operation.spec } } : {}),
    ...(operation.changes ? { changes: { ...operation.changes } } : {}),
    ...(operation.step ? { step: operation.step } : {}),
    ...(operation.doneWhen ? { done_when: { ...operation.doneWhen } } : {}),
    ...(operation.unsupported ? { unsupported: operation.unsupported } : {}),
  };
}
