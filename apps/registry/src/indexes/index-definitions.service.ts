import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  RegistryEvents,
  type CreateIndexBody,
  type IndexDefinitionView,
  type UpdateIndexBody,
} from '@ir/contracts';
import type { IndexDefinition } from '@ir/index-core';
import { containsText, findPage, type Page } from '@ir/platform';
import { Types, type FilterQuery } from 'mongoose';
import { bumpDefinitionsVersion, DATABASE_MODEL, type DatabaseModel } from '../databases/database.model';
import { RegistryEventsPublisher } from '../registry-events';
import { assertCollectionRules, assertNamespaceFits, resolveDefinition, type ResolvedDefinition } from './definition-rules';
import { toDefinitionView, toIndexDefinition } from './definition-view';
import { INDEX_DEFINITION_MODEL, type IndexDefinitionDocument, type IndexDefinitionModel } from './index-definition.model';

const DUPLICATE_KEY = 11000;

@Injectable()
export class IndexDefinitionsService {
  constructor(
    @Inject(INDEX_DEFINITION_MODEL) private readonly definitions: IndexDefinitionModel,
    @Inject(DATABASE_MODEL) private readonly databases: DatabaseModel,
    private readonly events: RegistryEventsPublisher,
  ) {}

  async create(body: CreateIndexBody): Promise<IndexDefinitionView> {
    const { _id: databaseId, db_name: dbName } = await this.existingDatabase(body.database_id);
    assertNamespaceFits(dbName, body.collection, 'collection');
    const resolved = resolveDefinition({ name: body.name, keys: body.keys, options: body.options ?? {} });
    await this.assertFitsCollection(databaseId, body.collection, resolved);
    const now = new Date();
    const doc = await this.definitions
      .create({
        database_id: databaseId,
        collection: body.collection,
        name: resolved.definition.name,
        name_generated: resolved.nameGenerated,
        key_signature: resolved.keySignature,
        keys: resolved.definition.keys,
        options_json: JSON.stringify(resolved.definition.options ?? {}),
        created_at: now,
        updated_at: now,
      })
      .catch((error: unknown) => this.rethrowDuplicate(error, databaseId, body.collection, resolved));
    await bumpDefinitionsVersion(this.databases, databaseId);
    await this.events.index(RegistryEvents.indexCreated, doc, now);
    return toDefinitionView(doc.toObject());
  }

  async get(id: string): Promise<IndexDefinitionView> {
    return toDefinitionView(await this.find(id));
  }

  async listByCollection(query: {
    database_id: string;
    collection: string;
    page: number;
    limit: number;
    search?: string;
  }): Promise<Page<IndexDefinitionView>> {
    const filter: FilterQuery<IndexDefinitionDocument> = {
      database_id: new Types.ObjectId(query.database_id),
      collection: query.collection,
    };
    if (query.search) {
      const pattern = containsText(query.search);
      filter.$or = [{ name: pattern }, { 'keys.field': pattern }];
    }
    return findPage(this.definitions, filter, { name: 1 }, query, toDefinitionView);
  }

  /** A page of a database's definitions in id order; `next` is absent on the last page. */
  async listByDatabase(query: {
    database_id: string;
    collections?: readonly string[];
    after?: string;
    limit: number;
  }): Promise<{ items: IndexDefinitionView[]; next?: string }> {
    const filter: FilterQuery<IndexDefinitionDocument> = { database_id: new Types.ObjectId(query.database_id) };
    if (query.collections) filter.collection = { $in: [...query.collections] };
    if (query.after) filter._id = { $gt: new Types.ObjectId(query.after) };
    const docs = await this.definitions.find(filter).sort({ _id: 1 }).limit(query.limit).lean();
    const next = docs.length === query.limit ? docs[docs.length - 1]._id.toHexString() : undefined;
    return { items: docs.map(toDefinitionView), ...(next ? { next } : {}) };
  }

  async update(id: string, changes: UpdateIndexBody): Promise<IndexDefinitionView> {
    const current = await this.find(id);
    if (changes.database_id !== undefined && changes.database_id !== current.database_id.toHexString()) {
      const message = 'a definition cannot move to another database; create it there instead';
      throw new DomainError(ErrorCode.validation, `invalid request body: database_id: ${message}`, [
        { field: 'database_id', rule: 'immutable', message },
      ]);
    }
    const keys = changes.keys ?? current.keys;
    const keepGeneratedName = changes.name === undefined && current.name_generated;
    const resolved = resolveDefinition({
      name: changes.name ?? (keepGeneratedName ? undefined : current.name),
      keys,
      options: changes.options ?? toIndexDefinition(current).options,
    });
    const collection = changes.collection ?? current.collection;
    if (changes.collection !== undefined) {
      const database = await this.databases.findById(current.database_id, { db_name: 1 }).lean();
      if (database) assertNamespaceFits(database.db_name, collection, 'collection');
    }
    await this.assertFitsCollection(current.database_id, collection, resolved, current._id);
    const now = new Date();
    const updated = await this.definitions
      .findByIdAndUpdate(
        current._id,
        {
          $set: {
            collection,
            name: resolved.definition.name,
            name_generated: resolved.nameGenerated,
            key_signature: resolved.keySignature,
            keys: resolved.definition.keys,
            options_json: JSON.stringify(resolved.definition.options ?? {}),
            updated_at: now,
          },
        },
        { new: true },
      )
      .lean()
      .catch((error: unknown) => this.rethrowDuplicate(error, current.database_id, collection, resolved));
    if (!updated) throw notFound('index definition');
    await bumpDefinitionsVersion(this.databases, updated.database_id);
    await this.events.index(RegistryEvents.indexUpdated, updated, now);
    return toDefinitionView(updated);
  }

  async delete(id: string): Promise<{ deleted: boolean }> {
    const doc = await this.definitions.findOneAndDelete({ _id: parseId(id, 'index definition') }).lean();
    if (!doc) throw notFound('index definition');
    await bumpDefinitionsVersion(this.databases, doc.database_id);
    await this.events.index(RegistryEvents.indexDeleted, doc, new Date());
    return { deleted: true };
  }

  /** Removes every definition of a database (when the database itself is deleted). */
  async deleteAllOf(databaseId: Types.ObjectId): Promise<number> {
    const { deletedCount } = await this.definitions.deleteMany({ database_id: databaseId });
    return deletedCount;
  }

  private async find(id: string): Promise<IndexDefinitionDocument> {
    const doc = await this.definitions.findById(parseId(id, 'index definition')).lean();
    if (!doc) throw notFound('index definition');
    return doc;
  }

  private async existingDatabase(id: string): Promise<{ _id: Types.ObjectId; db_name: string }> {
    const database = await this.databases.findById(parseId(id, 'database'), { db_name: 1 }).lean();
    if (!database) throw notFound('database');
    return database;
  }

  /** The collections that have definitions in a database (to check them against a new database name). */
  collectionsOf(databaseId: Types.ObjectId): Promise<string[]> {
    return this.definitions.distinct('collection', { database_id: databaseId });
  }

  /**
   * Duplicates by name or by identity, then the collection-wide rules, against
   * the collection's other definitions. The unique indexes still decide races.
   */
  private async assertFitsCollection(
    databaseId: Types.ObjectId,
    collection: string,
    resolved: ResolvedDefinition,
    exceptId?: Types.ObjectId,
  ): Promise<void> {
    const others = await this.definitions
      .find({ database_id: databaseId, collection, ...(exceptId ? { _id: { $ne: exceptId } } : {}) })
      .lean();
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
    databaseId: Types.ObjectId,
    collection: string,
    resolved: ResolvedDefinition,
  ): Promise<never> {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    const existing = await this.definitions
      .findOne({ database_id: databaseId, collection, $or: [{ name: resolved.definition.name }, { key_signature: resolved.keySignature }] })
      .lean();
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

export function notFound(what: string): DomainError {
  return new DomainError(ErrorCode.notFound, `${what} not found`);
}

export function parseId(id: string, what: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id)) throw notFound(what);
  return new Types.ObjectId(id);
}
