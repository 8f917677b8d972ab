import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  forbidden,
  holds,
  namespaceIssues,
  servicePrincipal,
  RegistryDatabaseRpc,
  RegistryIndexRpc,
  validationFailed,
  type ImportResult,
  type RpcRequest,
  type RpcResponse,
  type SyncFromDatabaseBody,
} from '@ir/contracts';
import { definitionFromListIndexes, unrepresentableOptions, type IndexDefinition, type ListIndexesEntry } from '@ir/index-core';
import { AuditTrail, BusClient, recordDenial, requirePrincipal, runAs } from '@ir/messaging';
import { mapBounded } from '@ir/platform';
import { classifyTargetError, collectAtMost, isTargetWide, listIndexesOf, MAX_COLLECTIONS, TargetPool, UriCipher } from '@ir/target-pool';
import type { Db } from 'mongodb';
import { ImportAudit, PERMANENT_IMPORT_CODES } from './import-audit';

/** Collections read and imported at once; each one's indexes are created one after the other. */
export const IMPORT_CONCURRENCY = 4;
/** The name a failure of a whole collection (its indexes could not be read) is reported under. */
export const WHOLE_COLLECTION = '*';

export type ImportRequest = Pick<SyncFromDatabaseBody, 'database_id' | 'on_conflict'> & { collections?: readonly string[] };
type Item = ImportResult['skipped'][number];
type CreateRequest = RpcRequest<typeof RegistryIndexRpc.create>;

interface CollectionOutcome {
  imported: number;
  skipped: Item[];
  failed: Item[];
}

/**
 * Reverse sync: reads a target's real indexes and creates the matching design-repository definitions
 * through the registry. The registry is the one judge of duplicates (by name or identity) and of
 * validity, so its 409 and 400 answers decide what is skipped, overwritten or failed.
 *
 * An index with options a definition cannot express (`unrepresentableOptions`) is reported as failed
 * and not imported: a definition without them would describe another index, and a later sync would
 * rebuild the real one without them.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger(ImportService.name);
  private readonly audit: ImportAudit;

  constructor(
    private readonly bus: BusClient,
    private readonly cipher: UriCipher,
    private readonly pool: TargetPool,
    private readonly trail: AuditTrail,
  ) {
    this.audit = new ImportAudit(trail);
  }

  /**
   * Imports, and records it: `queued` for the import the registry queued (it recorded the request; a
   * failure another delivery may fix is recorded only when it is final).
   */
  async import(request: ImportRequest, queued = false): Promise<ImportResult> {
    // The registry answers 404 for a database the caller does not see; importing needs the editor's permission.
    const connection = await this.bus.request(RegistryDatabaseRpc.connection, { database_id: request.database_id });
    if (connection.project_id !== null && !holds(requirePrincipal(), 'imports:run', connection.project_id)) {
      const refusal = forbidden('imports:run');
      await recordDenial(this.trail, refusal, {
        action: 'import.requested',
        projectId: connection.project_id,
        target: { kind: 'import', id: connection.database_id, name: connection.name },
      });
      throw refusal;
    }
    if (!queued) await this.audit.requested(connection, request.on_conflict);
    try {
      const result = await this.run(connection, request);
      await this.audit.finished(connection, result);
      return result;
    } catch (error) {
      if (!queued || (error instanceof DomainError && PERMANENT_IMPORT_CODES.has(error.code))) await this.audit.failed(connection, error);
      throw error;
    }
  }

  private async run(connection: RpcResponse<typeof RegistryDatabaseRpc.connection>, request: ImportRequest): Promise<ImportResult> {
    const tooLong = namespaceIssues(connection.db_name, request.collections);
    if (tooLong.length > 0) throw validationFailed(tooLong);
    const uri = this.cipher.open(connection.uri_sealed);
    const db = await this.open(uri, connection.db_name);
    const names = request.collections ? [...new Set(request.collections)].sort() : await this.collectionNames(db, uri);
    const outcomes = await mapBounded(names, IMPORT_CONCURRENCY, (name) => this.importCollection(db, uri, name, request));
    const skipped = outcomes.flatMap((o) => o.skipped);
    const failed = outcomes.flatMap((o) => o.failed);
    const imported = outcomes.reduce((sum, o) => sum + o.imported, 0);
    return {
      database_id: connection.database_id,
      imported,
      skipped,
      failed,
      counts: { imported, skipped: skipped.length, failed: failed.length },
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

  /** Every ordinary collection of the target (no views, no system collections), sorted. */
  private async collectionNames(db: Db, uri: string): Promise<string[]> {
    try {
      const infos = await collectAtMost(db.listCollections({}, { nameOnly: true }), MAX_COLLECTIONS, 'collections');
      return infos
        .filter((c) => (c.type === undefined || c.type === 'collection') && !c.name.startsWith('system.'))
        .map((c) => c.name)
        .sort();
    } catch (error) {
      throw classifyTargetError(error, uri).toDomainError();
    }
  }

  private async importCollection(db: Db, uri: string, collection: string, request: ImportRequest): Promise<CollectionOutcome> {
    const outcome: CollectionOutcome = { imported: 0, skipped: [], failed: [] };
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
    for (const entry of entries) {
      if (entry.name === '_id_') continue;
      const lost = unrepresentableOptions(entry);
      if (lost.length > 0) {
        const reason = `options a definition cannot express: ${lost.join(', ')}; not imported, define it by hand if it should be kept`;
        outcome.failed.push({ collection, name: entry.name, reason });
        continue;
      }
      let definition: IndexDefinition;
      try {
        definition = definitionFromListIndexes(entry);
      } catch (error) {
        // What the conversion threw is for the log: the caller gets a fixed reason.
        this.logger.warn(`import of ${collection}.${entry.name}: cannot convert the index: ${String(error)}`);
        outcome.failed.push({ collection, name: entry.name, reason: 'cannot convert the index into a definition' });
        continue;
      }
      await this.importOne(request, collection, definition, outcome);
    }
    return outcome;
  }

  private async importOne(
    request: ImportRequest,
    collection: string,
    definition: IndexDefinition,
    outcome: CollectionOutcome,
  ): Promise<void> {
    const body = {
      database_id: request.database_id,
      collection,
      name: definition.name,
      keys: definition.keys,
      ...(definition.options ? { options: definition.options } : {}),
    } as CreateRequest;
    const name = definition.name ?? '';
    try {
      await this.asService(() => this.bus.request(RegistryIndexRpc.create, body));
      outcome.imported += 1;
      return;
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== ErrorCode.conflict) return this.itemFailed(error, collection, name, outcome);
      const existingId = typeof error.details?.existing_id === 'string' ? error.details.existing_id : undefined;
      if (request.on_conflict === 'skip' || !existingId) {
        outcome.skipped.push({ collection, name, reason: error.message });
        return;
      }
      try {
        // The whole definition is replaced: options absent from the real index are cleared.
        await this.asService(() =>
          this.bus.request(RegistryIndexRpc.update, {
            id: existingId,
            changes: { name: body.name, keys: body.keys, options: body.options ?? {} },
          }),
        );
        outcome.imported += 1;
      } catch (updateError) {
        this.itemFailed(
          updateError,
          collection,
          name,
          outcome,
          `cannot overwrite "${String(error.details?.existing_name ?? existingId)}": `,
        );
      }
    }
  }

  /**
   * The definitions are written as the sync-executor, once the caller's `imports:run` is checked: the
   * import's own entry counts them, and the registry records no write of a service again.
   */
  private asService<T>(write: () => Promise<T>): Promise<T> {
    return runAs(servicePrincipal('sync-executor'), write);
  }

  /** Per-index failures are reported; a missing database or anything unexpected ends the whole import. */
  private itemFailed(error: unknown, collection: string, name: string, outcome: CollectionOutcome, prefix = ''): void {
    if (!(error instanceof DomainError) || (error.code === ErrorCode.notFound && /database/.test(error.message))) throw error;
    if (error.code === ErrorCode.internal) this.logger.warn(`import of ${collection}.${name}: ${error.message}`);
    outcome.failed.push({ collection, name, reason: prefix + error.message });
  }
}
