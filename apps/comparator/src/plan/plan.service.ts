import { Injectable } from '@nestjs/common';
import type { PlanBody, PlanOperationView, PlanResult } from '@ir/contracts';
import { buildPlan, type PlanOperation } from '@ir/index-core';
import { CompareService } from '../compare/compare.service';

/** Turns a live comparison into the ordered operations that bring the target to the DR. */
@Injectable()
export class PlanService {
  constructor(private readonly compare: CompareService) {}

  async plan(
    request: Pick<PlanBody, 'database_id' | 'collections' | 'include' | 'hide_before_drop'>,
  ): Promise<PlanResult & { operationsRaw: readonly PlanOperation[] }> {
    const live = await this.compare.compareLive(request.database_id, request.collections, { recordInBackground: true });
    const plan = buildPlan(live.diffs, { include: request.include, hideBeforeDrop: request.hide_before_drop });
    return {
      database_id: live.result.database_id,
      db_name: live.result.db_name,
      planned_at: new Date().toISOString(),
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
  };
}
