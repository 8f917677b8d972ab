import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  forbidden,
  holds,
  namespaceIssues,
  validationFailed,
  type CollectionComparison,
  type CompareResult,
} from '@ir/contracts';
import { requirePrincipal } from '@ir/messaging';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { mapBounded } from '@ir/platform';
import { diffDesired, type CollectionDiff, type DesiredIndex, type ListIndexesEntry, type TargetCapabilities } from '@ir/index-core';
import { classifyTargetError, isTargetWide, TargetPool, type TargetConnectionError } from '@ir/target-pool';
import { BSON, type Db } from 'mongodb';
import type { ComparatorConfig } from '../comparator.config';
import { DriftTracker } from '../drift/drift-tracker.service';
import { compareDuration } from '../metrics/scan-metrics';
import { ForegroundWork } from '../scan/foreground-work';
import { RegistryClient, staleAfterMs, type TargetConnection, type TargetDesign } from '../targets/registry-client';
import { TargetCapabilitiesReader, targetServerView } from '../targets/target-capabilities';
import { TargetReader, type CollectionIndexes } from '../targets/target-reader';
import { InheritedCollations } from './inherited-collations';
import { CollectionMemo, type ComparisonView } from './collection-memo';
import { failedComparison, toComparison, totalsOf, type UsagePolicy } from './comparison-view';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A target that cannot give index usage is asked again after this long (it may have been upgraded). */
const USAGE_RECHECK_MS = 10 * 60_000;

interface Readout {
  readonly views: ComparisonView[];
  readonly diffs: CollectionDiff[];
  readonly usageUnsupported?: string;
  /** Why `$indexStats` failed this time, on a server that has it. */
  readonly usageUnavailable?: string;
  /** The reason came from memory: the server was not asked. */
  readonly usageUnsupportedKnown?: boolean;
}

export interface CompareOptions {
  /** Record the drift after answering rather than before (plans and scripts). */
  readonly recordInBackground?: boolean;
  /** A scheduled compare: it reads each collection in turn around foreground work (`ForegroundWork`). */
  readonly scheduled?: boolean;
}

/** The same definitions of the same target: reads made with one stand for the other. */
function sameDesign(a: TargetDesign, b: TargetDesign): boolean {
  return a.version === b.version && a.target.uri === b.target.uri && a.target.dbName === b.target.dbName;
}

/** How a compare's collections go into the memo: as LRU, only if they fit (a scan's), or not at all. */
type MemoUse = 'asked' | 'scheduled' | 'none';

export interface LiveComparison {
  readonly result: CompareResult;
  /** Each of `result.collections` as JSON, to assemble the answer from (see `compareResultJson`). */
  readonly collectionsJson: readonly string[];
  readonly target: TargetConnection;
  /** Each compared collection's diff, for plans and scripts; failed collections are absent. */
  readonly diffs: CollectionDiff[];
  /** What the target supports; absent when its server did not say. */
  readonly capabilities?: TargetCapabilities;
}

/** Compares the DR with a target's real indexes, live or from an offline snapshot, and records the drift. */
@Injectable()
export class CompareService {
  /** Per database: why its server gave no usage, until when that is taken as known. */
  private readonly usageUnsupported = new Map<string, { reason: string; until: number }>();
  private readonly memo: CollectionMemo;
  private readonly inherited = new InheritedCollations();

  constructor(
    private readonly registry: RegistryClient,
    private readonly pool: TargetPool,
    private readonly reader: TargetReader,
    private readonly drift: DriftTracker,
    @Inject(SERVICE_CONFIG) private readonly config: ComparatorConfig,
    private readonly capabilitiesReader: TargetCapabilitiesReader,
    private readonly foreground: ForegroundWork,
  ) {
    this.memo = new CollectionMemo(config.COMPARE_MEMO_COLLECTIONS, staleAfterMs(config.DRIFT_SCAN_INTERVAL));
  }

  /**
   * Every collection that has DR definitions (or the given ones), read in parallel with a bound.
   * When this replica has compared the database before, the reads start with what it knew then
   * while the registry confirms that the definitions and the target are unchanged (they are kept
   * only if so), so a compare costs the reads rather than a registry round trip and then the reads.
   */
  async compareLive(databaseId: string, collections?: readonly string[], options: CompareOptions = {}): Promise<LiveComparison> {
    const timed = compareDuration.startTimer();
    // Any compare but a scheduled one is asked for by someone waiting: scheduled ones yield to it.
    const endForeground = options.scheduled ? undefined : this.foreground.begin();
    try {
      const compared = await this.compareLiveUntimed(databaseId, collections, options);
      timed({ outcome: 'ok' });
      return compared;
    } catch (error) {
      timed({ outcome: 'failed' });
      throw error;
    } finally {
      endForeground?.();
    }
  }

  private async compareLiveUntimed(
    databaseId: string,
    collections: readonly string[] | undefined,
    { recordInBackground = false, scheduled = false }: CompareOptions,
  ): Promise<LiveComparison> {
    // Reading ahead acts on the database before the registry has said the caller may: only for a
    // caller whose own roles already grant it in the project the database was in last time.
    const last = this.registry.lastKnown(databaseId, collections);
    const known = last && mayRead(last.target) ? last : undefined;
    const checked = this.registry.design(databaseId, collections, scheduled);
    let readout = known ? this.readAll(known, collections, scheduled) : undefined;
    // Handled at once: it may fail before the registry answers, and is dropped, not waited for, when
    // the design has changed (its target may be gone).
    readout?.catch(() => undefined);
    const design = await checked;
    assertMayRead(design.target);
    const learning = this.capabilitiesReader.of(design.target);
    if (!readout || !known || !sameDesign(known, design)) {
      readout = this.readAll(design, collections, scheduled);
    }
    const { views, diffs, usageUnsupported, usageUnavailable, usageUnsupportedKnown } = await readout;
    this.rememberUsageSupport(databaseId, usageUnsupported, usageUnsupportedKnown);
    const capabilities = await learning;
    const result = this.result(
      design.target,
      'live',
      views.map((v) => v.comparison),
      usageUnsupported || usageUnavailable ? { supported: false, reason: usageUnsupported ?? usageUnavailable } : { supported: true },
      capabilities,
    );
    // Plans and scripts use the diff, not the stored drift: theirs is recorded after answering. A
    // compare answers once its result is stored, so that any replica then serves it, unless it found
    // what this replica last stored: then only the stored time is behind, until the write after it.
    const collectionsJson = views.map((v) => v.json);
    const mode = collections ? 'merge' : 'replace';
    if (recordInBackground) this.drift.recordSoon(result, mode, collectionsJson);
    else await this.drift.record(result, mode, collectionsJson);
    const sorted = diffs.sort((a, b) => a.collection.localeCompare(b.collection));
    return { result, collectionsJson, target: design.target, diffs: sorted, ...(capabilities ? { capabilities } : {}) };
  }

  /** Only a server that said it has no `$indexStats` is left unasked for a while; any other failure is asked again next time. */
  private rememberUsageSupport(databaseId: string, reason: string | undefined, alreadyKnown: boolean | undefined): void {
    if (!reason) this.usageUnsupported.delete(databaseId);
    else if (!alreadyKnown) this.usageUnsupported.set(databaseId, { reason, until: Date.now() + USAGE_RECHECK_MS });
  }

  private async readAll(design: TargetDesign, collections: readonly string[] | undefined, scheduled: boolean): Promise<Readout> {
    const { target } = design;
    assertNamespacesFit(target.dbName, collections);
    const databaseId = target.databaseId;
    const names = collections ? [...new Set(collections)] : [...design.collections];
    names.sort();
    const db = await this.open(target);
    const policy = { unusedSince: new Date(Date.now() - this.config.UNUSED_INDEX_DAYS * DAY_MS) };
    const known = this.usageUnsupported.get(databaseId);
    const knownUnsupported = known && known.until > Date.now() ? known.reason : undefined;
    let usageUnsupported = knownUnsupported;
    let usageUnavailable: string | undefined;
    // Once the target as a whole fails (unreachable, not MongoDB, refused...), the other collections
    // are not tried: each would wait for the server selection time limit, and a database of many
    // collections would take minutes to fail.
    let unreachable: TargetConnectionError | undefined;
    const diffs: CollectionDiff[] = [];
    // A design the registry client does not keep resolves new lists next time, which the memo would not recognize.
    const memoUse: MemoUse = !design.kept ? 'none' : scheduled ? 'scheduled' : 'asked';
    const collations = await this.reader.defaultCollations(db, names);
    const views = await mapBounded(names, this.config.COMPARE_CONCURRENCY, async (name): Promise<ComparisonView> => {
      // Between collections, not only between databases: a scan's compare of a large database would hold the target's connections.
      if (scheduled) await this.foreground.turn();
      if (unreachable) return viewOf(failedComparison(name, unreachable.kind, `not read: ${unreachable.message}`));
      try {
        const read = await this.reader.read(db, name, usageUnsupported === undefined);
        usageUnsupported ??= read.usageUnsupported;
        usageUnavailable ??= read.usageUnavailable;
        const desired = this.inherited.of(design.desiredOf(name), collations.get(name));
        const { diff, view } = this.compareCollection(databaseId, name, desired, read, policy, collations.get(name), memoUse);
        diffs.push(diff);
        return view;
      } catch (error) {
        const failure = classifyTargetError(error, target.uri);
        if (isTargetWide(failure.kind)) unreachable ??= failure;
        return viewOf(failedComparison(name, failure.kind, failure.message));
      }
    });
    // Nothing could be read because the target is gone: the whole request fails (502), as when connecting fails.
    if (unreachable && views.every((v) => v.comparison.status === 'failed')) throw unreachable.toDomainError();
    return {
      views,
      diffs,
      usageUnsupported,
      usageUnavailable,
      usageUnsupportedKnown: usageUnsupported !== undefined && usageUnsupported === knownUnsupported,
    };
  }

  /** One collection's diff and view, from memory when its indexes and the DR's are what they were at its last compare. */
  private compareCollection(
    databaseId: string,
    name: string,
    desired: readonly DesiredIndex[],
    read: CollectionIndexes,
    policy: UsagePolicy,
    collectionCollation: unknown,
    memoUse: MemoUse,
  ): { diff: CollectionDiff; view: ComparisonView } {
    const bytes = read.listing?.bytes;
    const recalled = this.memo.recall(databaseId, name, bytes, desired);
    if (recalled?.view && !read.usage) return { diff: recalled.diff, view: recalled.view };
    const diff = recalled?.diff ?? withCollation(diffDesired(name, desired, read.listing?.entries() ?? []), collectionCollation);
    const view = viewOf(toComparison(diff, read, policy));
    if (bytes && memoUse !== 'none' && (!recalled || (!read.usage && !recalled.view)))
      this.memo.remember(databaseId, name, { bytes, desired, diff, ...(read.usage ? {} : { view }) }, memoUse === 'scheduled');
    return { diff, view };
  }

  /** The same comparison over indexes that a person exported with mongosh (Extended JSON), for unreachable databases. */
  async compareSnapshot(
    databaseId: string,
    snapshot: readonly { name: string; indexes: Record<string, unknown>[] }[],
  ): Promise<CompareResult> {
    const names = snapshot.map((c) => c.name);
    const design = await this.registry.design(databaseId, names);
    const { target } = design;
    assertMayRead(target);
    const comparisons = snapshot.map((collection, c): CollectionComparison => {
      const entries = collection.indexes.map((index, i) => parseEntry(index, `collections.${c}.indexes.${i}`, collection.name));
      const diff = diffDesired(collection.name, design.desiredOf(collection.name), entries);
      return toComparison(diff, { exists: true }, { unusedSince: new Date(0) });
    });
    const result = this.result(target, 'snapshot', comparisons, {
      supported: false,
      reason: 'an offline snapshot has no usage statistics',
    });
    await this.drift.record(result, 'merge');
    return result;
  }

  private result(
    target: TargetConnection,
    source: CompareResult['source'],
    collections: CollectionComparison[],
    usage: CompareResult['usage'],
    capabilities?: TargetCapabilities,
  ): CompareResult {
    const server = targetServerView(capabilities);
    return {
      database_id: target.databaseId,
      database_name: target.name,
      project_id: target.projectId,
      db_name: target.dbName,
      source,
      compared_at: new Date().toISOString(),
      usage,
      ...(server ? { target: server } : {}),
      totals: totalsOf(collections),
      collections,
    };
  }

  /** Connecting is where an unreachable or silent target shows: a 502 or 504 for the whole request. */
  private async open(target: TargetConnection): Promise<Db> {
    try {
      return await this.pool.db({ uri: target.uri, dbName: target.dbName });
    } catch (error) {
      throw classifyTargetError(error, target.uri).toDomainError();
    }
  }
}

/** Collections asked for by name must fit MongoDB's namespace limit in the target database: a 400 naming each that does not. */
function assertNamespacesFit(dbName: string, collections: readonly string[] | undefined): void {
  const issues = namespaceIssues(dbName, collections);
  if (issues.length > 0) throw validationFailed(issues);
}

/** Compares, plans and scripts show what the database has and should have: any member of its project may. */
function mayRead(target: TargetConnection): boolean {
  return target.projectId === null || holds(requirePrincipal(), 'drift:read', target.projectId);
}

function assertMayRead(target: TargetConnection): void {
  if (!mayRead(target)) throw forbidden('drift:read');
}

function viewOf(comparison: CollectionComparison): ComparisonView {
  return { comparison, json: JSON.stringify(comparison) };
}

/** `field` is the entry's path in the request body (like every other validation issue); the message names the collection too. */
function parseEntry(index: Record<string, unknown>, field: string, collection: string): ListIndexesEntry {
  let entry: Record<string, unknown>;
  try {
    entry = BSON.EJSON.deserialize(index, { relaxed: false }) as Record<string, unknown>;
  } catch {
    // Whatever the EJSON reader says about the caller's value is its own text: ours names the entry.
    const message = `not valid Extended JSON as mongosh's EJSON.stringify() prints it (collection "${collection}")`;
    throw validationFailed([{ field, rule: 'extended_json', message }], 'snapshot');
  }
  if (typeof entry.name !== 'string' || typeof entry.key !== 'object' || entry.key === null) {
    const message = `each index needs a "name" and a "key", as getIndexes() prints them (collection "${collection}")`;
    throw new DomainError(ErrorCode.validation, `invalid snapshot: ${field}: ${message}`, [{ field, rule: 'list_indexes_entry', message }]);
  }
  return entry as ListIndexesEntry;
}

/** The diff of a collection with a default collation carries it, for the plan (see CollectionDiff). */
function withCollation(diff: CollectionDiff, collectionCollation: unknown): CollectionDiff {
  return collectionCollation === undefined ? diff : { ...diff, collectionCollation };
}
