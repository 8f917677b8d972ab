import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError, DriftEvents, ErrorCode, type CollectionComparison, type CompareResult, type DriftChange } from '@ir/contracts';
import { fnv1a64, stableStringify } from '@ir/index-core';
import { BusClient, FACT_PUBLISH_PATIENCE_MS } from '@ir/messaging';
import { compareResultJson } from '../compare/compare-result-json';
import { totalsOf } from '../compare/comparison-view';
import { announcedAfter, announcementOf, changesOf, detectedEvent, eventBase, type Announcement } from './drift-events';
import { overviewFieldsOf } from './drift-overview';
import { packResult, unpackResult, type DriftSnapshotDocument } from './drift-snapshot.model';
import { DriftSnapshotRepository, type StoredState } from './drift-snapshot.repository';

const MAX_ATTEMPTS = 5;

/** What a state's `fingerprint` is: the hash of its changes in their stable order. */
const fingerprintOf = (changes: readonly DriftChange[]): string => fnv1a64(stableStringify(changes));

/** Databases whose last written state is remembered; the oldest is dropped beyond it. */
const REMEMBERED_STATES = 10_000;

/**
 * Keeps the latest comparison per database and tells the other services when
 * drift appears, changes, or is resolved (`drift.evt.database.*`).
 */
@Injectable()
export class DriftTracker implements OnApplicationShutdown {
  private readonly logger = new Logger(DriftTracker.name);
  /** Records being written by this replica, per database, each after the one before it. */
  private readonly pending = new Map<string, Promise<void>>();
  /**
   * The state this replica last wrote, per database, so that a full compare need not read it back
   * first. Another replica may have written since: the write is conditional on the version, and a
   * failed one reads the stored state.
   */
  private readonly written = new Map<string, StoredState>();

  constructor(
    private readonly snapshots: DriftSnapshotRepository,
    private readonly bus: BusClient,
  ) {}

  /**
   * Records without making the caller wait, for callers that use the comparison, not the stored
   * drift (plans, scripts): writing a large result (maybe compressed) happens while the answer
   * travels. `latest` waits for a record of the same database still being
   * written here.
   */
  recordSoon(result: CompareResult, mode: 'replace' | 'merge', collectionsJson?: readonly string[]): void {
    this.record(result, mode, collectionsJson).catch((error: unknown) =>
      this.logger.warn(`drift of database ${result.database_id} not recorded: ${String(error)}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  /**
   * Stores the latest result, after any record of the same database still being written here, so
   * that records land in the order of their compares. `replace`: the result covers the whole
   * database; `merge`: only the collections it names. `collectionsJson`, each of the result's
   * collections as JSON, saves serializing the result again.
   *
   * Resolves once the result is stored, so that any replica then serves it; except when the
   * result is the one this replica last stored for the database (what most scans find): then only
   * its time moves, and that write goes on after the caller has its answer.
   */
  record(compared: CompareResult, mode: 'replace' | 'merge', comparedJson?: readonly string[]): Promise<void> {
    const { result, collectionsJson } = withoutNotFound(compared, comparedJson);
    // Only collections that were not there and not wanted (misspelt names): nothing to record.
    if (mode === 'merge' && result.collections.length === 0) return Promise.resolve();
    const id = result.database_id;
    // A whole-database result is serialized and hashed once, whatever the number of attempts.
    const full = mode === 'replace' ? prepare(result, result.collections, collectionsJson) : undefined;
    const unchanged = full !== undefined && !this.pending.has(id) && this.written.get(id)?.result_hash === full.hash;
    let settled: Promise<void> | undefined;
    const stored = (this.pending.get(id) ?? Promise.resolve())
      .then(() => this.store(result, full))
      // Before the caller resumes, so that a record right after this one knows nothing is pending.
      .finally(() => {
        if (this.pending.get(id) === settled) this.pending.delete(id);
      });
    settled = stored.catch((error: unknown) => {
      if (unchanged) this.logger.warn(`time of the drift of database ${id} not recorded: ${String(error)}`);
    });
    this.pending.set(id, settled);
    return unchanged ? Promise.resolve() : stored;
  }

  /** `full`: the prepared whole-database result; without it, the result is merged into the stored one. */
  private async store(result: CompareResult, full: Prepared | undefined): Promise<void> {
    const id = result.database_id;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      // A full compare replaces the stored result, so only the previous state, not its (large) body, is needed.
      const remembered = full && attempt === 1 ? this.written.get(id) : undefined;
      const stored = remembered ? undefined : await this.snapshots.findById(id, { withBody: !full });
      const previous = remembered ?? stored ?? null;
      const { merged, changes, body, hash } =
        full ?? prepare(result, stored ? merge(parse(stored).collections, result.collections) : result.collections);
      const state = { drift: changes.length > 0, fingerprint: fingerprintOf(changes) };
      const announcement = announcementOf(previous, state, changes, merged.totals.failed_collections, fingerprintOf);
      const announced = announcedAfter(announcement, changes, previous);
      // The time of the compare is kept beside the body, so that most scans, which find what the last one
      // found, only move that time instead of compressing and rewriting a body of up to megabytes.
      const next = {
        compared_at: new Date(result.compared_at),
        ...state,
        // What the fleet overview lists without reading the body.
        ...overviewFieldsOf(merged),
        result_hash: hash,
        ...(previous?.result_hash === hash ? {} : { result_deflated: packResult(body) }),
        ...(announced ? { announced_changes: announced } : {}),
      };
      this.written.delete(id);
      if (await this.snapshots.write(id, previous, next)) {
        const version = (previous?.version ?? 0) + 1;
        this.written.set(id, {
          version,
          result_hash: hash,
          drift: next.drift,
          fingerprint: next.fingerprint,
          ...(announced ? { announced_changes: announced } : {}),
        });
        if (this.written.size > REMEMBERED_STATES) this.written.delete(this.written.keys().next().value as string);
        await this.announce(announcement, merged, changes, previous, { ...next, version });
        return;
      }
    }
    this.logger.warn(
      `drift of database ${result.database_id} not recorded: ${MAX_ATTEMPTS} concurrent compares kept overwriting each other`,
    );
  }

  async latest(databaseId: string): Promise<CompareResult & { drift: boolean }> {
    await this.pending.get(databaseId);
    const snapshot = await this.snapshots.findById(databaseId, { withBody: true });
    if (!snapshot) throw new DomainError(ErrorCode.notFound, 'this database has not been compared yet');
    return { ...parse(snapshot), drift: snapshot.drift };
  }

  async forget(databaseId: string): Promise<void> {
    // A record still queued here would bring the snapshot of a deleted database back.
    await this.pending.get(databaseId);
    this.written.delete(databaseId);
    await this.snapshots.delete(databaseId);
  }

  private async announce(
    announcement: Announcement,
    result: CompareResult,
    changes: DriftChange[],
    previous: StoredState | null,
    next: { fingerprint: string; version: number },
  ): Promise<void> {
    try {
      if (announcement === 'detected') {
        await this.bus.publish(DriftEvents.detected, detectedEvent(result, previous, changes, next.fingerprint), {
          // The version too: the same drift back after it was resolved is news, not a duplicate to drop.
          msgId: `drift-detected:${result.database_id}:${next.fingerprint}:v${next.version}`,
          patienceMs: FACT_PUBLISH_PATIENCE_MS,
        });
      } else if (announcement === 'resolved') {
        await this.bus.publish(DriftEvents.resolved, eventBase(result, previous, changes), {
          msgId: `drift-resolved:${result.database_id}:${result.compared_at}`,
          patienceMs: FACT_PUBLISH_PATIENCE_MS,
        });
      }
    } catch (error) {
      this.logger.error(`could not publish the drift of database ${result.database_id}: ${String(error)}`);
    }
  }
}

/**
 * The result as drift records it: without the collections that are neither on the target nor in
 * the DR (`not_found`), which are no drift, only a name the caller got wrong.
 */
function withoutNotFound(
  result: CompareResult,
  collectionsJson: readonly string[] | undefined,
): { result: CompareResult; collectionsJson: readonly string[] | undefined } {
  if (!result.collections.some((c) => c.status === 'not_found')) return { result, collectionsJson };
  const kept = result.collections.flatMap((c, i) => (c.status === 'not_found' ? [] : [{ c, json: collectionsJson?.[i] }]));
  const collections = kept.map((k) => k.c);
  return {
    result: { ...result, collections, totals: totalsOf(collections) },
    collectionsJson: collectionsJson && kept.map((k) => k.json as string),
  };
}

/** A result as it is stored: its body's JSON (without the time) and that JSON's hash. */
interface Prepared {
  readonly merged: CompareResult;
  readonly changes: DriftChange[];
  readonly body: string;
  readonly hash: string;
}

function prepare(result: CompareResult, collections: CollectionComparison[], collectionsJson?: readonly string[]): Prepared {
  const merged: CompareResult = { ...result, collections, totals: totalsOf(collections) };
  const json = collectionsJson ?? collections.map((c) => JSON.stringify(c));
  const body = compareResultJson(merged, json, { withoutComparedAt: true });
  return { merged, changes: changesOf(collections), body, hash: createHash('sha256').update(body).digest('base64url') };
}

function parse(snapshot: DriftSnapshotDocument): CompareResult {
  const body = JSON.parse(unpackResult(snapshot.result_deflated)) as Omit<CompareResult, 'compared_at'>;
  // Totals counted again: a body stored before a count was added (`name_differs`) has it too.
  return { ...body, totals: totalsOf(body.collections), compared_at: new Date(snapshot.compared_at).toISOString() };
}

function merge(previous: readonly CollectionComparison[], current: readonly CollectionComparison[]): CollectionComparison[] {
  const byName = new Map(previous.map((c) => [c.collection, c]));
  for (const collection of current) byName.set(collection.collection, collection);
  return [...byName.values()].sort((a, b) => a.collection.localeCompare(b.collection));
}
