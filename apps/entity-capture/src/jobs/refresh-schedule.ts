import type { EntityName } from '@ir/contracts';
import type { JobScheduler } from '@ir/platform';
import type { SourceCapture } from '../capture/source-capture';

/** An entity as the schedule needs it: its name and, when it has one, its refresh interval. */
export interface RefreshableEntity {
  readonly name: EntityName;
  readonly refresh_interval_seconds?: number;
}

const jobName = (entity: EntityName) => `entity-refresh:${entity}`;

/**
 * Keeps one scheduled refresh per entity that has a refresh interval (the capture's soft refresh: its
 * collection scanned again into the oplog as upserts), in step with the entities: call `sync` with the
 * current list whenever it is read. A refresh is bounded by its interval (at most an hour) and backs
 * off after failures.
 */
export class RefreshSchedule {
  private readonly intervals = new Map<EntityName, number>();

  constructor(
    private readonly scheduler: JobScheduler,
    private readonly capture: Pick<SourceCapture, 'refresh'>,
  ) {}

  sync(entities: readonly RefreshableEntity[]): void {
    const wanted = new Map(
      entities.flatMap((e) => (e.refresh_interval_seconds ? [[e.name, e.refresh_interval_seconds * 1000] as const] : [])),
    );
    for (const [name, interval] of this.intervals) {
      if (wanted.get(name) === interval) continue;
      this.scheduler.remove(jobName(name));
      this.intervals.delete(name);
    }
    for (const [name, intervalMs] of wanted) {
      if (this.intervals.has(name)) continue;
      this.scheduler.add({
        name: jobName(name),
        intervalMs,
        timeoutMs: Math.min(intervalMs, 3_600_000),
        backoff: { initialMs: 10_000 },
        run: (signal) => this.capture.refresh(name, signal),
      });
      this.intervals.set(name, intervalMs);
    }
  }

  /** The entities with a scheduled refresh. */
  scheduled(): EntityName[] {
    return [...this.intervals.keys()];
  }
}
