import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SYNC_EVENT_SUBJECTS, SyncEvents, type SyncFact } from '@ir/contracts';
import { decodeJson, NatsBus } from '@ir/messaging';
import { ForegroundWork } from './foreground-work';

/** Every sync event carries the same fact. */
const FACT = SyncEvents.started.payload;

/**
 * Tells `ForegroundWork` which syncs run, from their events. Core NATS, not JetStream: only what
 * happens from now on matters, and every replica hears every event. An event lost here costs at
 * most one bounded pause, or a pause cut short.
 */
@Injectable()
export class RunningSyncsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunningSyncsListener.name);
  private subscription?: ReturnType<NatsBus['nc']['subscribe']>;

  constructor(
    private readonly bus: NatsBus,
    private readonly foreground: ForegroundWork,
  ) {}

  onApplicationBootstrap(): void {
    const subscription = this.bus.nc.subscribe(SYNC_EVENT_SUBJECTS);
    this.subscription = subscription;
    void (async () => {
      for await (const msg of subscription) this.heard(msg.data);
    })().catch((error: unknown) => this.logger.warn(`sync events no longer heard: ${String(error)}`));
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private heard(data: Uint8Array): void {
    let fact: SyncFact;
    try {
      fact = FACT.parse(decodeJson(data)) as SyncFact;
    } catch {
      return; // Not a fact the comparator can tell a sync from: nothing to yield to.
    }
    if (fact.status === 'running') this.foreground.syncRunning(fact.sync_id);
    else this.foreground.syncEnded(fact.sync_id);
  }
}
