import type { ManagedProcess } from './process';
import type { RestartPolicy } from './restart-policy';
import { SupervisedProcess, type SupervisionEvent } from './supervised-process';

/**
 * Where a process stands in the shutdown order: the edge (the gateway) first, so no request is
 * accepted that the backends cannot serve, the services next, the infrastructure they need last.
 */
export type StopTier = 'edge' | 'services' | 'infrastructure';
const STOP_ORDER: readonly StopTier[] = ['edge', 'services', 'infrastructure'];

export interface SupervisorOptions {
  /** Restart timing and giving up; `DEFAULT_RESTART_POLICY` when absent. */
  readonly policy?: RestartPolicy;
  /** Told every crash, restart and give-up of every process. */
  readonly report?: (event: SupervisionEvent) => void;
}

/** The supervised processes of one system, stopped together in tier order. */
export class Supervisor {
  private readonly members: { readonly process: SupervisedProcess; readonly tier: StopTier }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: SupervisorOptions = {}) {}

  /** Starts a process (a failure of this first start is thrown) and supervises it from then on. */
  async add(name: string, tier: StopTier, start: (signal: AbortSignal) => Promise<ManagedProcess>): Promise<SupervisedProcess> {
    if (this.stopping) throw new Error(`cannot add ${name}: the supervisor is stopping`);
    const process = await SupervisedProcess.start({ name, start, policy: this.options.policy });
    const report = this.options.report;
    if (report) process.onEvent(report);
    this.members.push({ process, tier });
    // Stopped while it started: it joins the shutdown instead of outliving it.
    if (this.stopping) await process.stop();
    return process;
  }

  get(name: string): SupervisedProcess | undefined {
    return this.members.find((m) => m.process.name === name)?.process;
  }

  get processes(): readonly SupervisedProcess[] {
    return this.members.map((m) => m.process);
  }

  /** Holds every restart first (a dying backend is not brought back mid-shutdown), then stops tier by tier. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { process } of this.members) process.holdRestarts();
      for (const tier of STOP_ORDER) {
        await Promise.all(this.members.filter((m) => m.tier === tier).map((m) => m.process.stop()));
      }
    })();
    return this.stopping;
  }

  /** Last resort when this process is exiting abnormally: no supervised child outlives it. */
  killNow(): void {
    for (const { process } of this.members) process.current.killNow();
  }
}
