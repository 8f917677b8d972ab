import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  RegistryEvents,
  type AuditAction,
  type CreateIndexBody,
  type IndexDefinitionView,
  type UpdateIndexBody,
} from '@ir/contracts';
import type { IndexDefinition } from '@ir/index-core';
import { isDuplicateKeyError, mapPage, type Page } from '@ir/platform';
import { RegistryAudit } from '../audit/registry-audit';
import { DatabaseAccess, notFound, type AuthorizedDatabase } from '../databases/database-access';
import { DatabaseRepository } from '../databases/database.repository';
import { RegistryEventsPublisher } from '../registry-events';
import { ruleContextOfDatabase } from '../databases/database-server';
import { assertCollectionRules, assertNamespaceFits, resolveDefinition, type ResolvedDefinition } from './definition-rules';
import { toDefinitionView, toIndexDefinition } from './definition-view';
import type { IndexDefinitionDocument } from './index-definition.model';
import { IndexDefinitionRepository } from './index-definition.repository';
import { batchOfDatabase, othersInCollection, pageOfCollection } from './definition-set-queries';
import { DefinitionSets } from './definition-sets';

@Injectable()
export class IndexDefinitionsService {
  constructor(
    private readonly definitions: IndexDefinitionRepository,
    private readonly sets: DefinitionSets,
    private readonly databases: DatabaseRepository,
    private readonly access: DatabaseAccess,
    private readonly events: RegistryEventsPublisher,
    private readonly audit: RegistryAudit,
  ) {}

  async create(body: CreateIndexBody): Promise<IndexDefinitionView> {
    const database = await this.access.authorize(body.database_id, 'definitions:write', {
      action: 'definition.created',
      target: { kind: 'definition', id: '', name: body.name ? `${body.collection}.${body.name}` : body.collection },
    });
    assertNamespaceFits(database.db_name, body.collection, 'collection');
    const resolved = resolveDefinition(
      { name: body.name, keys: body.keys, options: body.options ?? {} },
      '',
      ruleContextOfDatabase(database),
    );
    await this.assertFitsCollection(database, body.collection, resolved);
    const now = new Date();
    const doc = await this.definitions
      .insert(database, {
        collection: body.collection,
        name: resolved.definition.name,
        name_generated: resolved.nameGenerated,
        key_signature: resolved.keySignature,
        keys: resolved.definition.keys,
        options_json: JSON.stringify(resolved.definition.options ?? {}),
        created_at: now,
        updated_at: now,
      })
      .catch((error: unknown) => this.rethrowDuplicate(error, database, body.collection, resolved));
    await this.sets.afterWriteOf(database, await this.databases.bumpDefinitionsVersion(database), doc._id);
    await this.events.index(RegistryEvents.indexCreated, database, doc, now);
    await this.audit.definition('definition.created', database, null, doc);
    return toDefinitionView(doc);
  }

  async get(id: string): Promise<IndexDefinitionView> {
    return toDefinitionView((await this.find(id, 'definitions:read')).definition);
  }

  async listByCollection(query: {
    database_id: string;
    collection: string;
    page: number;
    limit: number;
    search?: string;
  }): Promise<Page<IndexDefinitionView>> {
    const database = await this.access.authorize(query.database_id, 'definitions:read');
    return mapPage(pageOfCollection(await this.sets.current(database), query.collection, query.search, query), toDefinitionView);
  }

  /** A page of a database's definitions in id order; `next` is absent on the last page. */
  async listByDatabase(query: {
    database_id: string;
    collections?: readonly string[];
    after?: string;
    limit: number;
  }): Promise<{ items: IndexDefinitionView[]; next?: string }> {
    const database = await this.access.authorize(query.database_id, 'definitions:read');
    const docs = batchOfDatabase(await this.sets.current(database), query);
    const next = docs.length === query.limit ? docs[docs.length - 1]._id.toHexString() : undefined;
    return { items: docs.map(toDefinitionView), ...(next ? { next } : {}) };
  }

  async update(id: string, changes: UpdateIndexBody): Promise<IndexDefinitionView> {
    const { database, definition: current } = await this.find(id, 'definitions:write', 'definition.updated');
    if (changes.database_id !== undefined && changes.database_id !== current.database_id.toHexString()) {
      const message = 'a definition cannot move to another database; create it there instead';
      throw new DomainError(ErrorCode.validation, `invalid request body: database_id: ${message}`, [
        { field: 'database_id', rule: 'immutable', message },
      ]);
    }
    const keys = changes.keys ?? current.keys;
    const keepGeneratedName = changes.name === undefined && current.name_generated;
    const resolved = resolveDefinition(
      {
        name: changes.name ?? (keepGeneratedName ? undefined : current.name),
        keys,
        options: changes.options ?? toIndexDefinition(current).options,
      },
      '',
      ruleContextOfDatabase(database),
    );
    const collection = changes.collection ?? current.collection;
    if (changes.collection !== undefined) assertNamespaceFits(database.db_name, collection, 'collection');
    await this.assertFitsCollection(database, collection, resolved, current._id);
    const now = new Date();
    const updated = await this.definitions
      .update(database, current._id, {
        collection,
        name: resolved.definition.name,
        name_generated: resolved.nameGenerated,
        key_signature: resolved.keySignature,
        keys: resolved.definition.keys,
        options_json: JSON.stringify(resolved.definition.options ?? {}),
        updated_at: now,
      })
      .catch((error: unknown) => this.rethrowDuplicate(error, database, collection, resolved));
    if (!updated) throw notFound('index definition');
    await this.sets.afterWriteOf(database, await this.databases.bumpDefinitionsVersion(database), updated._id);
    await this.events.index(RegistryEvents.indexUpdated, database, updated, now);
    await this.audit.definition('definition.updated', database, current, updated);
    return toDefinitionView(updated);
  }

  async delete(id: string): Promise<{ deleted: boolean }> {
    const { database } = await this.find(id, 'definitions:write', 'definition.deleted');
    const doc = await this.definitions.deleteIn(database, id);
    if (!doc) throw notFound('index definition');
    await this.sets.afterWriteOf(database, await this.databases.bumpDefinitionsVersion(database), doc._id);
    await this.events.index(RegistryEvents.indexDeleted, database, doc, new Date());
    await this.audit.definition('definition.deleted', database, doc, null);
    return { deleted: true };
  }

  /** Removes every definition of a database (when the database itself is deleted). */
  async deleteAllOf(database: AuthorizedDatabase): Promise<number> {
    const removed = await this.definitions.deleteAllOf(database);
    await this.sets.forget(database);
    return removed;
  }

  /**
   * The definition and its database, if the caller may `permission` the database: 404 otherwise, as for
   * an unknown id. A change (`deniedAs`) refused with a 403 is recorded.
   */
  private async find(
    id: string,
    permission: 'definitions:read' | 'definitions:write',
    deniedAs?: AuditAction,
  ): Promise<{ database: AuthorizedDatabase; definition: IndexDefinitionDocument }> {
    const databaseId = await this.definitions.databaseIdOf(id);
    if (!databaseId) throw notFound('index definition');
    const denial = deniedAs ? { action: deniedAs, target: { kind: 'definition', id } as const } : undefined;
    const database = await this.access.authorize(databaseId, permission, denial).catch((error: unknown) => {
      // A definition of a database the caller does not see is a definition that does not exist.
      throw error instanceof DomainError && error.code === ErrorCode.notFound ? notFound('index definition') : error;
    });
    const definition = await this.definitions.findIn(database, id);
    if (!definition) throw notFound('index definition');
    return { database, definition };
  }

  /** The collections that have definitions in a database (to check them against a new database name). */
  async collectionsOf(database: AuthorizedDatabase): Promise<string[]> {
    return [...(await this.sets.current(database)).byCollection.keys()];
  }

  /**
   * Duplicates by name or by identity, then the collection-wide rules, against
   * the collection's other definitions. The unique indexes still decide races.
   */
  private async assertFitsCollection(
    database: AuthorizedDatabase,
    collection: string,
    resolved: ResolvedDefinition,
    exceptId?: IndexDefinitionDocument['_id'],
  ): Promise<void> {
    const others = othersInCollection(await this.sets.current(database), collection, exceptId);
    const sameName = others.find((d) => d.name === resolved.definition.name);
    if (sameName) throw duplicate('name', `an index named "${sameName.name}" already exists in ${collection}`, sameName);
    const sameKey = others.find((d) => d.key_signature === resolved.keySignature);
    if (sameKey) throw duplicate('keys', `index "${sameKey.name}" in ${collection} already has this key and identity`, sameKey);
    assertCollectionRules([...others.map(toIndexDefinition), resolved.definition as IndexDefinition], (i) =>
      i === others.length ? '' : `existing index "${others[i].name}"`,
    );
  }

  private async rethrowDuplicate(
    error: unknown,
    database: AuthorizedDatabase,
    collection: string,
    resolved: ResolvedDefinition,
  ): Promise<never> {
    if (!isDuplicateKeyError(error)) throw error;
    const existing = await this.definitions.findNameOrIdentity(database, collection, resolved.definition.name, resolved.keySignature);
    if (!existing) throw error;
    const field = existing.name === resolved.definition.name ? 'name' : 'keys';
    throw duplicate(
      field,
      `index "${existing.name}" in ${collection} already exists with this ${field === 'name' ? 'name' : 'key and identity'}`,
      existing,
    );
  }
}

function duplicate(field: string, message: string, existing: IndexDefinitionDocument): DomainError {
  return new DomainError(ErrorCode.conflict, message, [{ field, rule: 'unique', message }], {
    existing_id: existing._id.toHexString(),
    existing_name: existing.name,
  });
}
