import type { EntityName, EntityState } from '@ir/contracts';
import type { JobScheduler } from '@ir/platform';
import type { SourceCapture } from '../capture/source-capture';

/** An entity as the requested refreshes need it: its state and the soft refresh asked for, if any. */
export interface RequestableEntity {
  readonly name: EntityName;
  readonly state: EntityState;
  readonly soft_refresh_requested_at?: string;
}

/** Tells entity-oplog the soft refresh asked for at `requestedAt` is done (it clears it unless asked again meanwhile). */
export type SoftRefreshDone = (entity: EntityName, requestedAt: string) => Promise<unknown>;

const jobName = (entity: EntityName) => `entity-soft-refresh:${entity}`;

/** How often a pending request's job looks again: a request made while its run ends is served by the next look. */
const RECHECK_MS = 10_000;

/**
 * The soft refreshes asked for on request (`POST /entities/:name/refresh?mode=soft`). The request is a
 * column of the entity, read with the entities (call `sync` whenever they are read): while one is
 * pending, a job scans the collection again (SourceCapture.refresh, as upserts, the tail waiting), then
 * acknowledges the request by its time. Kept in PostgreSQL until acknowledged, so a capture that
 * restarts or loses the lease leaves it to the next holder, which scans again. A failed scan or
 * acknowledgement is retried with backoff; a request made during a scan (a newer time) is served by
 * another scan, since the one under way may have read a document before it.
 */
export class RequestedRefreshes {
  /** Per entity with a pending request: the newest request time read. */
  private readonly pending = new Map<EntityName, string>();
  /** Per entity: the request time whose scan is done and acknowledged (its clearing may not be read yet). */
  private readonly served = new Map<EntityName, string>();

  constructor(
    private readonly scheduler: JobScheduler,
    private readonly capture: Pick<SourceCapture, 'refresh'>,
    private readonly done: SoftRefreshDone,
  ) {}

  sync(entities: readonly RequestableEntity[]): void {
    // A scanning entity's scan does the refresh (entity-oplog clears the request when it restarts one).
    const wanted = new Map(
      entities.flatMap((e) =>
        e.state === 'scanned' && e.soft_refresh_requested_at ? [[e.name, e.soft_refresh_requested_at] as const] : [],
      ),
    );
    for (const name of this.pending.keys()) {
      if (wanted.has(name)) continue;
      this.scheduler.remove(jobName(name));
      this.pending.delete(name);
      this.served.delete(name);
    }
    for (const [name, requestedAt] of wanted) {
      const known = this.pending.get(name);
      this.pending.set(name, requestedAt);
      if (!this.scheduler.has(jobName(name))) this.schedule(name);
      else if (known !== requestedAt && !this.running(name)) void this.scheduler.runNow(jobName(name));
    }
  }

  /** The entities with a soft refresh pending. */
  requested(): EntityName[] {
    return [...this.pending.keys()];
  }

  private schedule(name: EntityName): void {
    this.scheduler.add({
      name: jobName(name),
      firstDelayMs: 0,
      intervalMs: RECHECK_MS,
      timeoutMs: 3_600_000,
      backoff: { initialMs: RECHECK_MS, maxMs: 300_000 },
      run: (signal) => this.serve(name, signal),
    });
  }

  /** Scans until the newest request read is served: a request read during a scan gets a scan of its own. */
  private async serve(name: EntityName, signal: AbortSignal): Promise<void> {
    for (let requestedAt = this.pending.get(name); requestedAt !== undefined && requestedAt !== this.served.get(name);) {
      await this.capture.refresh(name, signal);
      signal.throwIfAborted();
      await this.done(name, requestedAt);
      this.served.set(name, requestedAt);
      requestedAt = this.pending.get(name);
    }
  }

  private running(name: EntityName): boolean {
    return this.scheduler.status().some((job) => job.name === jobName(name) && job.running);
  }
}
