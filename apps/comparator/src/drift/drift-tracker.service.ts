import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Binary } from 'mongodb';
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { DomainError, DriftEvents, ErrorCode, type CollectionComparison, type CompareResult } from '@ir/contracts';
import { fnv1a64, stableStringify } from '@ir/index-core';
import { BusClient } from '@ir/messaging';
import { totalsOf } from '../compare/comparison-view';
import { DRIFT_SNAPSHOT_MODEL, type DriftSnapshotDocument, type DriftSnapshotModel } from './drift-snapshot.model';

const DUPLICATE_KEY = 11000;
const MAX_ATTEMPTS = 5;

type Change = { collection: string; index: string; change: 'missing' | 'redundant' | 'different' };

/**
 * Keeps the latest comparison per database and tells the other services when
 * drift appears, changes, or is resolved (`drift.evt.database.*`).
 */
@Injectable()
export class DriftTracker implements OnApplicationShutdown {
  private readonly logger = new Logger(DriftTracker.name);
  /** Records being written by this replica, per database, each after the one before it. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    @Inject(DRIFT_SNAPSHOT_MODEL) private readonly snapshots: DriftSnapshotModel,
    private readonly bus: BusClient,
  ) {}

  /**
   * Records without making the caller wait, for callers that use the comparison, not the stored
   * drift (plans, scripts): storing a large result (serialize, hash, maybe compress and write)
   * happens while the answer travels. `latest` waits for a record of the same database still being
   * written here.
   */
  recordSoon(result: CompareResult, mode: 'replace' | 'merge'): void {
    this.record(result, mode).catch((error: unknown) =>
      this.logger.warn(`drift of database ${result.database_id} not recorded: ${String(error)}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  /**
   * Stores the latest result, after any record of the same database still being written here, so
   * that records land in the order of their compares. `replace`: the result covers the whole
   * database; `merge`: only the collections it names.
   */
  record(result: CompareResult, mode: 'replace' | 'merge'): Promise<void> {
    const id = result.database_id;
    const stored = (this.pending.get(id) ?? Promise.resolve()).then(() => this.store(result, mode));
    const settled = stored.catch(() => undefined);
    this.pending.set(id, settled);
    void settled.then(() => {
      if (this.pending.get(id) === settled) this.pending.delete(id);
    });
    return stored;
  }

  private async store(result: CompareResult, mode: 'replace' | 'merge'): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      // A full compare replaces the stored result, so only the previous state, not its (large) body, is read.
      const previous = await this.snapshots.findById(result.database_id, mode === 'replace' ? { result_deflated: 0 } : {}).lean();
      const collections = mode === 'replace' || !previous ? result.collections : merge(parse(previous).collections, result.collections);
      const merged: CompareResult = { ...result, collections, totals: totalsOf(collections) };
      const changes = changesOf(collections);
      // The time of the compare is kept beside the body, so that most scans, which find what the last one
      // found, only move that time instead of compressing and rewriting a body of up to megabytes.
      const body = JSON.stringify({ ...merged, compared_at: undefined });
      const hash = createHash('sha256').update(body).digest('base64url');
      const next = {
        compared_at: new Date(result.compared_at),
        drift: changes.length > 0,
        fingerprint: fnv1a64(stableStringify(changes)),
        result_hash: hash,
        ...(previous?.result_hash === hash ? {} : { result_deflated: new Binary(deflateSync(body)) }),
      };
      if (await this.write(result.database_id, previous, next)) {
        await this.announce(merged, changes, previous, next);
        return;
      }
    }
    this.logger.warn(
      `drift of database ${result.database_id} not recorded: ${MAX_ATTEMPTS} concurrent compares kept overwriting each other`,
    );
  }

  async latest(databaseId: string): Promise<CompareResult & { drift: boolean }> {
    await this.pending.get(databaseId);
    const snapshot = await this.snapshots.findById(databaseId).lean();
    if (!snapshot) throw new DomainError(ErrorCode.notFound, 'this database has not been compared yet');
    return { ...parse(snapshot), drift: snapshot.drift };
  }

  async forget(databaseId: string): Promise<void> {
    // A record still queued here would bring the snapshot of a deleted database back.
    await this.pending.get(databaseId);
    await this.snapshots.deleteOne({ _id: databaseId });
  }

  private async write(
    id: string,
    previous: DriftSnapshotDocument | null,
    next: Omit<DriftSnapshotDocument, '_id' | 'version' | 'result_deflated'> & Partial<Pick<DriftSnapshotDocument, 'result_deflated'>>,
  ): Promise<boolean> {
    if (previous) {
      const { modifiedCount } = await this.snapshots.updateOne(
        { _id: id, version: previous.version },
        { $set: { ...next, version: previous.version + 1 } },
      );
      return modifiedCount === 1;
    }
    if (!next.result_deflated) return false;
    try {
      await this.snapshots.create({ _id: id, version: 1, ...next, result_deflated: next.result_deflated });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  private async announce(
    result: CompareResult,
    changes: Change[],
    previous: DriftSnapshotDocument | null,
    next: { drift: boolean; fingerprint: string },
  ): Promise<void> {
    try {
      if (next.drift && next.fingerprint !== previous?.fingerprint) {
        await this.bus.publish(
          DriftEvents.detected,
          {
            database_id: result.database_id,
            db_name: result.db_name,
            compared_at: result.compared_at,
            totals: result.totals,
            changes,
            fingerprint: next.fingerprint,
          },
          { msgId: `drift-detected:${result.database_id}:${next.fingerprint}` },
        );
      } else if (!next.drift && previous?.drift && result.totals.failed_collections === 0) {
        await this.bus.publish(
          DriftEvents.resolved,
          { database_id: result.database_id, db_name: result.db_name, compared_at: result.compared_at },
          { msgId: `drift-resolved:${result.database_id}:${result.compared_at}` },
        );
      }
    } catch (error) {
      this.logger.error(`could not publish the drift of database ${result.database_id}: ${String(error)}`);
    }
  }
}

function parse(snapshot: DriftSnapshotDocument): CompareResult {
  const body = JSON.parse(inflateSync(snapshot.result_deflated.buffer).toString('utf8')) as Omit<CompareResult, 'compared_at'>;
  return { ...body, compared_at: new Date(snapshot.compared_at).toISOString() };
}

function merge(previous: readonly CollectionComparison[], current: readonly CollectionComparison[]): CollectionComparison[] {
  const byName = new Map(previous.map((c) => [c.collection, c]));
  for (const collection of current) byName.set(collection.collection, collection);
  return [...byName.values()].sort((a, b) => a.collection.localeCompare(b.collection));
}

/** Every index that is not matched, in a stable order: what a drift event reports and fingerprints. */
function changesOf(collections: readonly CollectionComparison[]): Change[] {
  return collections
    .filter((c) => c.status === 'ok')
    .flatMap((c) => [
      ...c.missing.map((i) => ({ collection: c.collection, index: i.name, change: 'missing' as const })),
      ...c.redundant.map((i) => ({ collection: c.collection, index: i.name, change: 'redundant' as const })),
      ...c.different.map((i) => ({ collection: c.collection, index: i.desired.name, change: 'different' as const })),
    ]);
}
