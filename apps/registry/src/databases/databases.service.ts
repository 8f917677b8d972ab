import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  forbidden,
  holds,
  namespaceIssue,
  sees,
  validationFailed,
  RegistryEvents,
  SyncRpc,
  type CreateDatabaseBody,
  type DatabaseServer,
  type DatabaseView,
  type UpdateDatabaseBody,
} from '@ir/contracts';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { BusClient, requirePrincipal } from '@ir/messaging';
import { isDuplicateKeyError, mapPage, type Page } from '@ir/platform';
import {
  classifyTargetError,
  collectAtMost,
  MAX_COLLECTIONS,
  redactUri,
  TargetConnectionError,
  TargetPolicy,
  TargetPool,
  testTargetConnection,
  UriCipher,
  type SealedSecret,
} from '@ir/target-pool';
import type { TargetServer } from '@ir/index-core';
import { databaseState, changedFields } from '../audit/audit-states';
import { RegistryAudit } from '../audit/registry-audit';
import { IndexDefinitionsService } from '../indexes/index-definitions.service';
import type { ListedDatabase } from './database-list-copy';
import type { RegistryConfig } from '../registry.config';
import { RegistryEventsPublisher } from '../registry-events';
import { DatabaseAccess, notFound, type AuthorizedDatabase } from './database-access';
import { serverOf, serverRecordOf, serverView } from './database-server';
import type { DatabaseDocument } from './database.model';
import { DatabaseRepository } from './database.repository';
import { ImportRequests } from './import-requests';
import { projectForNewDatabase } from './project-for-new-database';

const SYNC_QUESTION_TIMEOUT_MS = 3000;

/** A target database's connection, decrypted, for this service's own use only. */
export interface TargetRef {
  readonly uri: string;
  readonly dbName: string;
}

@Injectable()
export class DatabasesService {
  private readonly logger = new Logger(DatabasesService.name);

  constructor(
    private readonly databases: DatabaseRepository,
    private readonly access: DatabaseAccess,
    @Inject(SERVICE_CONFIG) private readonly config: RegistryConfig,
    private readonly cipher: UriCipher,
    private readonly pool: TargetPool,
    private readonly policy: TargetPolicy,
    private readonly definitions: IndexDefinitionsService,
    private readonly events: RegistryEventsPublisher,
    private readonly bus: BusClient,
    private readonly audit: RegistryAudit,
    private readonly imports: ImportRequests,
  ) {}

  async create(body: CreateDatabaseBody): Promise<DatabaseView & { import_requested: boolean }> {
    const principal = requirePrincipal();
    const projectId = body.project_id ?? projectForNewDatabase(principal);
    if (!sees(principal, projectId)) throw notFound('project');
    if (!holds(principal, 'databases:manage', projectId)) {
      const refusal = forbidden('databases:manage');
      await this.audit.denied(refusal, 'database.created', projectId, { kind: 'database', id: '', name: body.name });
      throw refusal;
    }
    await this.assertNameFree(projectId, body.name);
    const now = new Date();
    const server = serverRecordOf(await this.testConnection({ uri: body.uri, dbName: body.db_name }), now);
    const doc = await this.databases
      .insert({
        project_id: projectId,
        name: body.name,
        name_key: body.name.toLowerCase(),
        description: body.description,
        uri_sealed: this.cipher.seal(body.uri),
        uri_redacted: redactUri(body.uri),
        db_name: body.db_name,
        protected: body.protected,
        definitions_version: 0,
        ...(server ? { server } : {}),
        created_at: now,
        updated_at: now,
      })
      .catch(rethrowDuplicateName);
    this.logger.log(`registered database ${doc.name} (${doc.uri_redacted}, ${doc.db_name})`);
    await this.events.database(RegistryEvents.databaseCreated, doc, now);
    await this.audit.database('database.created', doc, { before: null, after: databaseState(doc) });
    const importId = body.import_indexes ? await this.imports.request(doc, now) : undefined;
    return { ...toDatabaseView(doc), import_requested: body.import_indexes, ...(importId ? { import_id: importId } : {}) };
  }

  async get(id: string): Promise<DatabaseView> {
    return toDatabaseView(await this.access.authorize(id, 'databases:read'));
  }

  async list(query: { page: number; limit: number; search?: string; project_id?: string }): Promise<Page<DatabaseView>> {
    return mapPage(await this.databases.page(requirePrincipal(), query, query), toDatabaseView);
  }

  async update(id: string, changes: UpdateDatabaseBody): Promise<DatabaseView> {
    const current = await this.access.authorize(id, 'databases:manage', { action: 'database.updated' });
    if (changes.name !== undefined && changes.name.toLowerCase() !== current.name_key)
      await this.assertNameFree(current.project_id, changes.name);
    const set: Partial<DatabaseDocument> = { updated_at: new Date() };
    if (changes.name !== undefined) Object.assign(set, { name: changes.name, name_key: changes.name.toLowerCase() });
    if (changes.description !== undefined) set.description = changes.description;
    if (changes.protected !== undefined) set.protected = changes.protected;
    const currentUri = this.cipher.open(current.uri_sealed);
    if (changes.uri !== undefined || changes.db_name !== undefined) {
      const uri = changes.uri ?? currentUri;
      const dbName = changes.db_name ?? current.db_name;
      if (dbName !== current.db_name) await this.assertNamespacesFit(current, dbName);
      const server = serverRecordOf(await this.testConnection({ uri, dbName }), set.updated_at!);
      Object.assign(set, {
        uri_sealed: this.cipher.seal(uri),
        uri_redacted: redactUri(uri),
        db_name: dbName,
        ...(server ? { server } : {}),
      });
    }
    const updated = await this.databases.update(current, set).catch(rethrowDuplicateName);
    if (!updated) throw notFound('database');
    if (changes.uri !== undefined && changes.uri !== currentUri) await this.pool.evict(currentUri);
    await this.events.database(RegistryEvents.databaseUpdated, updated, set.updated_at!);
    const [before, after] = [databaseState(current), databaseState(updated)];
    // Whether the connection changed, never what it is or was.
    const connectionChanged = changes.uri !== undefined && changes.uri !== currentUri;
    await this.audit.database(
      'database.updated',
      updated,
      { before, after },
      {
        changed: [...changedFields(before, after), ...(connectionChanged ? ['uri'] : [])],
      },
    );
    return toDatabaseView(updated);
  }

  /** Every collection with definitions must still fit MongoDB's namespace limit under a new database name. */
  private async assertNamespacesFit(database: AuthorizedDatabase, dbName: string): Promise<void> {
    const collections = await this.definitions.collectionsOf(database);
    const issue = collections.map((collection) => namespaceIssue(dbName, collection, 'db_name')).find((i) => i !== undefined);
    if (issue) throw validationFailed([{ ...issue, message: `${issue.message}: collections with definitions would not fit` }]);
  }

  /**
   * Deletes the database and its definitions, unless a sync of it is pending or
   * running. When the executors cannot be asked, nothing is deleted on a guess.
   */
  async delete(id: string): Promise<{ deleted: boolean; index_definitions_deleted: number }> {
    const current = await this.access.authorize(id, 'databases:manage', { action: 'database.deleted' });
    const answer = await this.bus
      .request(SyncRpc.activeForDatabase, { database_id: current._id.toHexString() }, { timeoutMs: SYNC_QUESTION_TIMEOUT_MS })
      .catch((error: unknown) => {
        if (error instanceof DomainError && (error.code === ErrorCode.timeout || error.code === ErrorCode.unavailable)) {
          throw new DomainError(
            ErrorCode.unavailable,
            'cannot confirm that no sync of this database is running (the sync-executor did not answer); nothing was deleted, try again',
          );
        }
        throw error;
      });
    if (answer.active) {
      throw new DomainError(
        ErrorCode.conflict,
        `a sync of this database is ${answer.status ?? 'in progress'}; delete it when the sync has ended`,
        undefined,
        {
          sync_id: answer.sync_id,
        },
      );
    }
    const removed = await this.definitions.deleteAllOf(current);
    await this.databases.delete(current);
    await this.pool.evict(this.cipher.open(current.uri_sealed)).catch(() => undefined);
    await this.events.database(RegistryEvents.databaseDeleted, current, new Date());
    await this.audit.database(
      'database.deleted',
      current,
      { before: databaseState(current), after: null },
      { index_definitions_deleted: removed },
    );
    return { deleted: true, index_definitions_deleted: removed };
  }

  /** The target's collection names (system collections left out), read through the shared pool. */
  async collections(id: string): Promise<{ database_id: string; collections: string[] }> {
    const target = this.target(await this.access.authorize(id, 'databases:read'));
    try {
      const db = await this.pool.db({ uri: target.uri, dbName: target.dbName });
      const infos = await collectAtMost(db.listCollections({}, { nameOnly: true }), MAX_COLLECTIONS, 'collections');
      const names = infos.map((c) => c.name).filter((n) => !n.startsWith('system.'));
      return { database_id: id, collections: names.sort() };
    } catch (error) {
      throw classifyTargetError(error, target.uri).toDomainError();
    }
  }

  /**
   * A target's connection with its URI still sealed, for the services that hold the key, and its
   * project, by which they check the caller's permission for what they do with it.
   */
  async sealedConnection(id: string): Promise<{
    database_id: string;
    project_id: string | null;
    name: string;
    db_name: string;
    protected: boolean;
    uri_sealed: SealedSecret;
    definitions_version: number;
    server: DatabaseServer | null;
  }> {
    const doc = await this.access.authorize(id, 'databases:read');
    return {
      database_id: doc._id.toHexString(),
      project_id: doc.project_id ?? null,
      name: doc.name,
      db_name: doc.db_name,
      protected: doc.protected ?? false,
      uri_sealed: doc.uri_sealed,
      definitions_version: doc.definitions_version ?? 0,
      server: serverOf(doc.server),
    };
  }

  /** The decrypted connection of a target, for the registry's own calls. */
  private target(doc: AuthorizedDatabase): TargetRef {
    return { uri: this.cipher.open(doc.uri_sealed), dbName: doc.db_name };
  }

  /** Who the server is, as the test found it (undefined when it does not say). */
  private async testConnection(target: TargetRef): Promise<TargetServer | undefined> {
    try {
      return (await testTargetConnection(target, { timeoutMs: this.config.TARGET_CONNECT_TIMEOUT, policy: this.policy })).server;
    } catch (error) {
      const failure = error instanceof TargetConnectionError ? error : classifyTargetError(error, target.uri);
      this.logger.warn(`connection test failed: ${failure.message}`);
      throw failure.toDomainError();
    }
  }

  /** Names are unique within a project (a database not yet in one has no name to keep free). */
  private async assertNameFree(projectId: string | undefined, name: string): Promise<void> {
    if (projectId === undefined) return;
    const existing = await this.databases.findByName(projectId, name);
    if (existing) throw nameTaken(existing);
  }
}

function nameTaken(existing: Pick<DatabaseDocument, '_id' | 'name'>): DomainError {
  const message = `a database named "${existing.name}" already exists in this project`;
  return new DomainError(ErrorCode.conflict, message, [{ field: 'name', rule: 'unique', message }], {
    existing_id: existing._id.toHexString(),
  });
}

function rethrowDuplicateName(error: unknown): never {
  if (isDuplicateKeyError(error)) {
    const message = 'a database with this name already exists in this project';
    throw new DomainError(ErrorCode.conflict, message, [{ field: 'name', rule: 'unique', message }]);
  }
  throw error;
}

export function toDatabaseView(doc: ListedDatabase): DatabaseView {
  return {
    id: doc._id.toHexString(),
    project_id: doc.project_id ?? null,
    name: doc.name,
    description: doc.description,
    uri: doc.uri_redacted,
    db_name: doc.db_name,
    protected: doc.protected ?? false,
    server: serverView(doc.server),
    created_at: doc.created_at.toISOString(),
    updated_at: doc.updated_at.toISOString(),
  };
}
