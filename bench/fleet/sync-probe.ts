import type { MongoClient } from 'mongodb';
import type { SyncView } from '@ir/contracts';
import { api, type BenchContext } from '../context';
import { median } from '../load';
import { register } from './registry-seed';
import { collectionName, designedKey, type FleetSizes } from './sizes';

const PROBE_DB = 'fleet_sync_probe';
/** A sync that ends otherwise, or takes longer than this, fails the benchmark. */
const SYNC_TIMEOUT_MS = 10 * 60_000;

/**
 * Where a sync's time went, from its record: waiting for the executor (`queued`, from its creation to
 * its start), taking its plan from the comparator (`plan`, to its first step), its steps (`steps`, to
 * its last step's end) and the rest (`end`: recording the end, its event, the progress stream).
 */
export interface SyncPhases {
  readonly queued: number;
  readonly plan: number;
  readonly steps: number;
  readonly end: number;
}

export interface SyncRuns {
  readonly median_ms: number;
  readonly runs_ms: number[];
  readonly phases_ms: SyncPhases[];
}

/**
 * One more database of the fleet's shape (its collections and designed indexes), registered with its
 * manifest through the API, whose indexes are dropped before each sync: every run creates the same
 * indexes from a clean target.
 */
export class SyncProbe {
  private constructor(
    private readonly ctx: BenchContext,
    private readonly target: MongoClient,
    private readonly databaseId: string,
    private readonly collections: string[],
  ) {}

  static async register(ctx: BenchContext, target: MongoClient, uri: string, projectId: string, sizes: FleetSizes): Promise<SyncProbe> {
    const collections = Array.from({ length: sizes.collections }, (_, c) => collectionName(c));
    const db = target.db(PROBE_DB);
    for (const name of collections) await db.createCollection(name).catch(() => undefined);
    const database = { id: await register(ctx, { name: `fleet ${PROBE_DB}`, uri, db_name: PROBE_DB, project_id: projectId }) };
    const manifest = Object.fromEntries(
      collections.map((name, c) => [
        name,
        Array.from({ length: sizes.indexesPerCollection }, (_, i) => ({
          keys: Object.entries(designedKey(c, i)).map(([field, value]) => ({ field, value })),
        })),
      ]),
    );
    // The apply reads the whole definitions collection here and may pass the gateway's time limit; applying again is idempotent.
    for (let attempt = 1; ; attempt += 1) {
      const applied = await api(ctx, 'PUT', `/databases/${database.id}/manifest`, { version: 1, collections: manifest }).then(
        () => true,
        (error: unknown) => {
          if (attempt >= 3 || !/ answered 5\d\d/.test(String(error))) throw error;
          return false;
        },
      );
      if (applied) break;
    }
    return new SyncProbe(ctx, target, database.id, collections);
  }

  /** `runs` syncs of the probe, each from a target without its indexes; their times to the end of the progress stream. */
  async syncs(runs: number): Promise<SyncRuns> {
    const times: number[] = [];
    const phases: SyncPhases[] = [];
    for (let run = 0; run < runs; run += 1) {
      for (const name of this.collections) await this.target.db(PROBE_DB).collection(name).dropIndexes();
      const timed = await this.timedSync();
      times.push(timed.ms);
      phases.push(timed.phases);
    }
    return { median_ms: median(times), runs_ms: times, phases_ms: phases };
  }

  private async timedSync(): Promise<{ ms: number; phases: SyncPhases }> {
    const started = performance.now();
    const accepted = (await api(this.ctx, 'POST', '/indexes/sync-by-database', { database_id: this.databaseId })) as { sync_id: string };
    const stream = await fetch(`${this.ctx.apiUrl}/indexes/sync-status/${accepted.sync_id}/events`, {
      headers: { authorization: `Bearer ${this.ctx.accessToken}`, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(SYNC_TIMEOUT_MS),
    });
    if (!stream.ok) throw new Error(`the progress stream answered ${stream.status}: ${await stream.text()}`);
    await stream.text();
    const ms = Math.round(performance.now() - started);
    const streamEndedAt = Date.now();
    const status = (await api(this.ctx, 'GET', `/indexes/sync-status/${accepted.sync_id}`)) as SyncView;
    if (status.status !== 'completed') throw new Error(`the probe's sync ended ${status.status}: ${status.error}`);
    return { ms, phases: phasesOf(status, streamEndedAt) };
  }
}

/** The phases of a sync from its record's times, and when its progress stream ended (this machine's clock, as the record's). */
function phasesOf(sync: SyncView, streamEndedAt: number): SyncPhases {
  const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);
  const started = at(sync.started_at);
  const firstStep = Math.min(...sync.steps.map((s) => at(s.started_at)));
  const lastStep = Math.max(...sync.steps.map((s) => at(s.completed_at)));
  return {
    queued: Math.round(started - at(sync.created_at)),
    plan: Math.round(firstStep - started),
    steps: Math.round(lastStep - firstStep),
    end: Math.round(streamEndedAt - lastStep),
  };
}
