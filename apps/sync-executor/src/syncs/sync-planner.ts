import { ComparatorRpc } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import { plannedSteps } from './planned-steps';
import { describeError } from './sync-error';
import type { Run } from './sync-run';
import type { SyncSettings } from './sync-settings';
import { isTransientBusError } from './sync-targets';

/**
 * Takes a sync's plan from the comparator when it first starts: its operations become the run's
 * pending steps, which the executor has stored beside the first steps (`SyncRunBooks.savePlan`).
 */
export class SyncPlanner {
  constructor(
    private readonly bus: BusClient,
    private readonly settings: SyncSettings,
  ) {}

  /**
   * Plans the run (its steps and warnings, set on `run`). Answers why the sync cannot be
   * planned, for the caller to fail it; throws what another delivery may cure (the bus away).
   */
  async plan(run: Run): Promise<string | undefined> {
    let plan;
    try {
      plan = await this.bus.request(
        ComparatorRpc.plan,
        {
          database_id: run.databaseId,
          ...(run.doc.collections && run.doc.collections.length > 0 ? { collections: run.doc.collections } : {}),
          ...(run.doc.options?.include && run.doc.options.include.length > 0 ? { include: run.doc.options.include } : {}),
          hide_before_drop: run.doc.options?.hide_before_drop ?? false,
        },
        { timeoutMs: this.settings.planTimeoutMs },
      );
    } catch (error) {
      if (isTransientBusError(error)) throw error;
      return `could not plan the sync: ${describeError(error)}`;
    }
    const { steps, warnings } = plannedSteps(plan);
    run.steps = steps;
    run.doc = { ...run.doc, planned_at: new Date(), warnings };
    return undefined;
  }
}
