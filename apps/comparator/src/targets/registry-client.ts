import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { RegistryDatabaseRpc, RegistryIndexRpc, type DatabaseServer, type IndexDefinitionView } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { desiredIndexOf, type DefinitionOptions, type DesiredIndex, type IndexDefinition } from '@ir/index-core';
import { LruMap } from '@ir/platform';
import { UriCipher } from '@ir/target-pool';
import type { ComparatorConfig } from '../comparator.config';
import { cacheLookups } from '../metrics/scan-metrics';

export interface TargetConnection {
  readonly databaseId: string;
  /** Null only for a database registered before projects (seen by system administrators alone). */
  readonly projectId: string | null;
  readonly protected: boolean;
  readonly name: string;
  readonly dbName: string;
  readonly uri: string;
  /** The server as the registry recorded it (null: not yet seen); absent where the registry was not asked. */
  readonly recordedServer?: DatabaseServer | null;
}

export interface TargetDesign {
  readonly target: TargetConnection;
  /** The collections (of the requested ones) that have DR definitions, sorted. */
  readonly collections: readonly string[];
  /** The registry's definitions version this design is of. */
  readonly version: number;
  /**
   * Whether the client keeps this design, so that the next compare of the database resolves the
   * same lists (what the collection memo recognizes): a scheduled compare's may not be kept.
   */
  readonly kept: boolean;
  /**
   * A collection's definitions resolved for diffing, sorted by name (each `definition` is the DR's);
   * computed once per definitions version.
   */
  desiredOf(collection: string): readonly DesiredIndex[];
}

/**
 * What is kept of a design: only what a compare needs, the definitions resolved (the registry's
 * views, with their ids and times, are dropped once resolved).
 */
interface CachedDesign {
  readonly version: number;
  /** Per collection, in collection order. */
  readonly desired: ReadonlyMap<string, readonly DesiredIndex[]>;
  readonly definitionCount: number;
  /** The target as the registry last gave it. */
  readonly target: TargetConnection;
}

/**
 * What the comparator needs from the registry: a target's connection and its
 * DR definitions. Definitions are cached per database and version: the
 * connection answer carries the version, so a cached copy is used only while
 * nothing has changed, and a scan of an unchanged database costs one small request.
 * The cache is bounded by definitions (COMPARE_CACHED_DEFINITIONS), least recently used first out,
 * except that a scheduled compare's design only takes free room or that of databases not compared for
 * two scan intervals (`LruMap.offer`): a scan cycles through the fleet, and when the fleet is larger
 * than the cache, LRU would forget each database just before the scan comes back to it.
 */
@Injectable()
export class RegistryClient {
  private readonly cache: LruMap<string, CachedDesign>;

  constructor(
    private readonly bus: BusClient,
    private readonly cipher: UriCipher,
    @Inject(SERVICE_CONFIG) config: Pick<ComparatorConfig, 'COMPARE_CACHED_DEFINITIONS' | 'DRIFT_SCAN_INTERVAL'>,
  ) {
    this.cache = new LruMap({
      maxWeight: config.COMPARE_CACHED_DEFINITIONS,
      // A database without definitions still costs its entry: it weighs one.
      weigh: (design) => Math.max(1, design.definitionCount),
      staleAfterMs: staleAfterMs(config.DRIFT_SCAN_INTERVAL),
    });
  }

  /** `scheduled`: a scheduled compare's, kept only if it fits (see the class). */
  async design(databaseId: string, collections?: readonly string[], scheduled = false): Promise<TargetDesign> {
    // The version is read before the definitions: a change in between only makes the copy look older than it is.
    const answer = await this.bus.request(RegistryDatabaseRpc.connection, { database_id: databaseId });
    const target = {
      databaseId: answer.database_id,
      projectId: answer.project_id,
      protected: answer.protected,
      name: answer.name,
      dbName: answer.db_name,
      uri: this.cipher.open(answer.uri_sealed),
      recordedServer: answer.server ?? null,
    };
    let cached = this.cache.get(databaseId);
    const hit = cached?.version === answer.definitions_version;
    cacheLookups.inc({ cache: 'definitions', result: hit ? 'hit' : 'miss' });
    if (!cached || !hit) {
      const items = await this.fetchDefinitions(databaseId);
      cached = { version: answer.definitions_version, desired: resolvedByCollection(items), definitionCount: items.length, target };
    } else {
      cached = { ...cached, target };
    }
    let kept = true;
    if (scheduled) kept = this.cache.offer(databaseId, cached);
    else this.cache.set(databaseId, cached);
    return viewOf(cached, collections, kept);
  }

  /**
   * The design as the last `design` call found it, without asking the registry: what a compare may
   * start reading with while `design` checks that nothing has changed. Undefined when not cached.
   */
  lastKnown(databaseId: string, collections?: readonly string[]): TargetDesign | undefined {
    const cached = this.cache.peek(databaseId);
    return cached ? viewOf(cached, collections, true) : undefined;
  }

  /**
   * The database's project, once the registry has said the caller sees it (a 404 otherwise, as for
   * an unknown id): for what the comparator keeps itself, such as the latest drift.
   */
  async projectOf(databaseId: string): Promise<string | null> {
    return (await this.bus.request(RegistryDatabaseRpc.connection, { database_id: databaseId })).project_id;
  }

  /** Every registered database id, page by page. */
  async databaseIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; ; page += 1) {
      const answer = await this.bus.request(RegistryDatabaseRpc.list, { page, limit: 100 });
      ids.push(...answer.items.map((d) => d.id));
      if (answer.items.length < 100 || ids.length >= answer.total) return ids;
    }
  }

  private async fetchDefinitions(databaseId: string): Promise<IndexDefinitionView[]> {
    const items: IndexDefinitionView[] = [];
    let after: string | undefined;
    do {
      const page = await this.bus.request(RegistryIndexRpc.listByDatabase, { database_id: databaseId, ...(after ? { after } : {}) });
      items.push(...page.items);
      after = page.next;
    } while (after);
    return items.sort((a, b) => a.collection.localeCompare(b.collection) || a.name.localeCompare(b.name));
  }
}

/** A definition as the registry answers it, as the domain core takes it (the registry has validated it). */
function definitionOf(view: IndexDefinitionView): IndexDefinition {
  return { name: view.name, keys: view.keys as IndexDefinition['keys'], options: view.options as DefinitionOptions };
}

function resolvedByCollection(items: readonly IndexDefinitionView[]): Map<string, DesiredIndex[]> {
  const byCollection = new Map<string, DesiredIndex[]>();
  for (const d of items) {
    const list = byCollection.get(d.collection) ?? [];
    list.push(desiredIndexOf(definitionOf(d)));
    byCollection.set(d.collection, list);
  }
  return byCollection;
}

/** One list for every collection without definitions, so that the collection memo recognizes it. */
const NO_DEFINITIONS: readonly DesiredIndex[] = [];

/**
 * How long a cached entry unused by any compare gives way to a scheduled one: two scan intervals, so
 * that a database the scan still comes round to (each interval, jittered by 10%) keeps its place.
 */
export function staleAfterMs(scanIntervalMs: number): number {
  return 2 * scanIntervalMs;
}

function viewOf(cached: CachedDesign, collections: readonly string[] | undefined, kept: boolean): TargetDesign {
  const wanted = collections ? new Set(collections) : undefined;
  const { desired, target, version } = cached;
  const withDefinitions = [...desired.keys()];
  return {
    target,
    version,
    kept,
    collections: wanted ? withDefinitions.filter((c) => wanted.has(c)) : withDefinitions,
    desiredOf: (collection) => desired.get(collection) ?? NO_DEFINITIONS,
  };
}
