import { SyncEvents, type Actor, type SyncFact } from '@ir/contracts';
import { BusClient, FACT_PUBLISH_PATIENCE_MS } from '@ir/messaging';
import { Logger } from '@nestjs/common';
import type { StoredStep, SyncStatus } from './sync.model';
import { progressOf } from './sync-view';

export type SyncEventKind = keyof typeof SyncEvents;

/**
 * Publishes the `sync.evt.sync.*` facts, waiting out a stream's leader election for all but progress.
 * A sync is not failed because an event could not be stored.
 */
export class SyncEventPublisher {
  private readonly logger = new Logger('SyncEvents');

  constructor(private readonly bus: Pick<BusClient, 'publish'>) {}

  async publish(
    kind: SyncEventKind,
    sync: {
      id: string;
      database_id: string;
      project_id?: string | null;
      requested_by?: Actor;
      status: SyncStatus;
      error: string | null;
      steps: readonly Pick<StoredStep, 'status'>[];
    },
  ): Promise<void> {
    const stepsDone = sync.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
    const fact: SyncFact = {
      sync_id: sync.id,
      database_id: sync.database_id,
      ...(sync.project_id !== undefined ? { project_id: sync.project_id } : {}),
      ...(sync.requested_by ? { requested_by: sync.requested_by } : {}),
      status: sync.status,
      progress: progressOf(sync.steps),
      steps_done: stepsDone,
      steps_total: sync.steps.length,
      error: sync.error,
      at: new Date().toISOString(),
    };
    try {
      // The kind, not the status, is in the id: `started` of a resumed sync must not collide with a `progress` of the same count.
      await this.bus.publish(SyncEvents[kind], fact, {
        msgId: `${sync.id}:${kind}:${stepsDone}`,
        // A progress event that finds no stream leader is not worth holding the sync: the next one says more.
        patienceMs: kind === 'progress' ? 0 : FACT_PUBLISH_PATIENCE_MS,
      });
    } catch (error) {
      this.logger.warn(`could not publish ${kind} of sync ${sync.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
