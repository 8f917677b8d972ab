import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  RegistryIndexRpc,
  ServiceName,
  servicePrincipal,
  type ImportDifference,
  type ImportResult,
  type RpcRequest,
  type RpcResponse,
  type RegistryDatabaseRpc,
  type SyncFromDatabaseBody,
} from '@ir/contracts';
import { planImport, type ImportDecision, type IndexDefinition, type ListIndexesEntry } from '@ir/index-core';
import { BusClient, runAs } from '@ir/messaging';
import { mapBounded } from '@ir/platform';
import {
  classifyTargetError,
  collectAtMost,
  collationsOf,
  defaultCollationsOf,
  isTargetWide,
  listIndexesOf,
  MAX_COLLECTIONS,
  TargetPool,
  UriCipher,
} from '@ir/target-pool';
import type { Db } from 'mongodb';
import { RegistryDefinitions, type DefinedIndex } from './registry-definitions';

/** Collections read and imported at once; each one's indexes are created one after the other. */
export const IMPORT_CONCURRENCY = 4;
/** The name a failure of a whole collection (its indexes could not be read) is reported under. */
export const WHOLE_COLLECTION = '*';

export type ImportRequest = Pick<SyncFromDatabaseBody, 'database_id' | 'on_conflict'> & {
  collections?: readonly string[];
  dry_run?: boolean;
};
type Connection = RpcResponse<typeof RegistryDatabaseRpc.connection>;
type Item = ImportResult['skipped'][number];
type CreateRequest = RpcRequest<typeof RegistryIndexRpc.create>;

interface CollectionOutcome {
  created: { collection: string; name: string }[];
  overwritten: number;
  skipped: Item[];
  differences: ImportDifference[];
  failed: Item[];
}

/**
 * Reverse sync of one database: reads its real indexes, decides for each what the import does with
 * it beside the design repository's definitions (`planImport`: create, already defined, differs,
 * unrepresentable), and, unless it is a dry run, creates or overwrites definitions through the
 * registry, which stays the judge of validity and of races (a definition created meanwhile: 409).
 */
@Injectable()
export class ImportRunner {
  private readonly logger = new Logger(ImportRunner.name);

  constructor(
    private readonly bus: BusClient,
    private readonly cipher: UriCipher,
    private readonly pool: TargetPool,
    private readonly registry: RegistryDefinitions,
  ) {}

  async run(connection: Connection, request: ImportRequest): Promise<Omit<ImportResult, 'import_id'>> {
    const uri = this.cipher.open(connection.uri_sealed);
    const db = await this.open(uri, connection.db_name);
    // Indexes defined without a collation are built with their collection's default one: listing every
    // collection tells both; for the collections asked for, their collations are read apart.
    const listed = request.collections ? undefined : await this.collections(db, uri);
    const names = listed?.names ?? [...new Set(request.collections)].sort();
    const collations = listed?.collations ?? (await defaultCollationsOf(db, names));
    const defined = await this.registry.byCollection(connection.database_id, request.collections);
    const outcomes = await mapBounded(names, IMPORT_CONCURRENCY, (name) =>
      this.importCollection(db, uri, { name, collation: collations.get(name) }, defined.get(name) ?? [], request),
    );
    const created = outcomes.flatMap((o) => o.created);
    const skipped = outcomes.flatMap((o) => o.skipped);
    const differences = outcomes.flatMap((o) => o.differences);
    const failed = outcomes.flatMap((o) => o.failed);
    const imported = created.length + outcomes.reduce((sum, o) => sum + o.overwritten, 0);
    return {
      database_id: connection.database_id,
      dry_run: request.dry_run ?? false,
      imported,
      created,
      skipped,
      differences,
      failed,
      counts: { imported, skipped: skipped.length, differences: differences.length, failed: failed.length },
    };
  }

  /** Connecting is where an unreachable or silent target shows: 502 or 504 for the whole import. */
  private async open(uri: string, dbName: string): Promise<Db> {
    try {
      return await this.pool.db({ uri, dbName });
    } catch (error) {
      throw classifyTargetError(error, uri).toDomainError();
    }
  }

  /** Every ordinary collection of the target (no views, no system collections), sorted, with the default collations. */
  private async collections(db: Db, uri: string): Promise<{ names: string[]; collations: ReadonlyMap<string, unknown> }> {
    try {
      const infos = await collectAtMost(db.listCollections({}, { nameOnly: false }), MAX_COLLECTIONS, 'collections');
      const ordinary = infos.filter((c) => (c.type === undefined || c.type === 'collection') && !c.name.startsWith('system.'));
      return { names: ordinary.map((c) => c.name).sort(), collations: collationsOf(ordinary) };
    } catch (error) {
      throw classifyTargetError(error, uri).toDomainError();
    }
  }

  private async importCollection(
    db: Db,
    uri: string,
    { name: collection, collation }: { name: string; collation: unknown },
    defined: readonly DefinedIndex[],
    request: ImportRequest,
  ): Promise<CollectionOutcome> {
    const outcome: CollectionOutcome = { created: [], overwritten: 0, skipped: [], differences: [], failed: [] };
    let entries: ListIndexesEntry[];
    try {
      entries = (await listIndexesOf(db, collection)) ?? [];
    } catch (error) {
      const failure = classifyTargetError(error, uri);
      // The target as a whole failed (it stopped being MongoDB, went away...): the import fails, as when connecting fails.
      if (isTargetWide(failure.kind)) throw failure.toDomainError();
      outcome.failed.push({ collection, name: WHOLE_COLLECTION, reason: `cannot read the indexes: ${failure.message}` });
      return outcome;
    }
    let decisions: ImportDecision[];
    try {
      decisions = planImport(collection, defined, entries, collation);
    } catch (error) {
      // What the conversion threw is for the log: the caller gets a fixed reason.
      this.logger.warn(`import of ${collection}: cannot convert an index: ${String(error)}`);
      outcome.failed.push({ collection, name: WHOLE_COLLECTION, reason: 'cannot convert an index of the collection into a definition' });
      return outcome;
    }
    for (const decision of decisions) {
      await this.apply(decision, collection, defined, request, outcome);
    }
    return outcome;
  }

  private async apply(
    decision: ImportDecision,
    collection: string,
    defined: readonly DefinedIndex[],
    request: ImportRequest,
    outcome: CollectionOutcome,
  ): Promise<void> {
    switch (decision.kind) {
      case 'defined':
        outcome.skipped.push({ collection, name: decision.name, reason: 'already defined: a definition describes this index exactly' });
        return;
      case 'unrepresentable': {
        const reason = `options a definition cannot express: ${decision.options.join(', ')}; not imported, define it by hand if it should be kept`;
        outcome.failed.push({ collection, name: decision.name, reason });
        return;
      }
      case 'create':
        if (request.dry_run) outcome.created.push({ collection, name: decision.name });
        else await this.create(request, collection, decision.definition, outcome);
        return;
      case 'differs':
        await this.differs(decision, collection, defined, request, outcome);
        return;
    }
  }

  private async differs(
    decision: Extract<ImportDecision, { kind: 'differs' }>,
    collection: string,
    defined: readonly DefinedIndex[],
    request: ImportRequest,
    outcome: CollectionOutcome,
  ): Promise<void> {
    const overwrite = request.on_conflict === 'overwrite';
    const difference: ImportDifference = {
      collection,
      name: decision.name,
      definition_name: decision.defined.name,
      fields: [...decision.fields],
      defined: { ...formOf(decision.defined), name: decision.defined.name },
      live: formOf(decision.definition),
      resolution: overwrite ? 'overwritten' : 'kept',
    };
    outcome.differences.push(difference);
    if (!overwrite || request.dry_run) {
      if (overwrite) outcome.overwritten += 1;
      return;
    }
    const existing = defined.find((d) => d.name === decision.defined.name);
    if (!existing) return;
    try {
      // The whole definition is replaced: options absent from the real index are cleared.
      await this.asService(() =>
        this.bus.request(RegistryIndexRpc.update, {
          id: existing.id,
          changes: { name: decision.definition.name, keys: decision.definition.keys, options: decision.definition.options ?? {} },
        } as RpcRequest<typeof RegistryIndexRpc.update>),
      );
      outcome.overwritten += 1;
    } catch (error) {
      difference.resolution = 'kept';
      this.itemFailed(error, collection, decision.name, outcome, `cannot overwrite "${decision.defined.name}": `);
    }
  }

  private async create(request: ImportRequest, collection: string, definition: IndexDefinition, outcome: CollectionOutcome): Promise<void> {
    const name = definition.name ?? '';
    const body = {
      database_id: request.database_id,
      collection,
      name,
      keys: definition.keys,
      ...(definition.options ? { options: definition.options } : {}),
    } as CreateRequest;
    try {
      await this.asService(() => this.bus.request(RegistryIndexRpc.create, body));
      outcome.created.push({ collection, name });
    } catch (error) {
      // A definition created since the definitions were read: the registry's 409 says which.
      if (error instanceof DomainError && error.code === ErrorCode.conflict) {
        outcome.skipped.push({ collection, name, reason: `defined meanwhile: ${error.message}` });
        return;
      }
      this.itemFailed(error, collection, name, outcome);
    }
  }

  /**
   * The definitions are written as the sync-executor, once the caller's `imports:run` is checked: the
   * import's own audit entries count them, and the registry records no write of a service again.
   */
  private asService<T>(write: () => Promise<T>): Promise<T> {
    return runAs(servicePrincipal(ServiceName.syncExecutor), write);
  }

  /**
   * Per-index failures are reported; anything unexpected ends the whole import, and so does a 404 to
   * a create (it names the database only: the database is gone). A 404 to an overwrite is the
   * definition deleted meanwhile: that index fails.
   */
  private itemFailed(error: unknown, collection: string, name: string, outcome: CollectionOutcome, prefix = ''): void {
    if (!(error instanceof DomainError) || (error.code === ErrorCode.notFound && prefix === '')) throw error;
    if (error.code === ErrorCode.internal) this.logger.warn(`import of ${collection}.${name}: ${error.message}`);
    outcome.failed.push({ collection, name, reason: prefix + error.message });
  }
}

/** A definition as an answer shows it. */
function formOf(definition: IndexDefinition): ImportDifference['live'] {
  return {
    ...(definition.name !== undefined ? { name: definition.name } : {}),
    keys: [...definition.keys],
    ...(definition.options ? { options: { ...definition.options } as Record<string, unknown> } : {}),
  };
}
