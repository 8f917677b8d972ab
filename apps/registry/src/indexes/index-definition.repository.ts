import { Inject, Injectable } from '@nestjs/common';
import { containsText, findPage, OwnRepository, parseObjectId, type Page, type PageRequest } from '@ir/platform';
import { Types, type AnyBulkWriteOperation, type FilterQuery } from 'mongoose';
import { INDEX_DEFINITION_MODEL, type IndexDefinitionDocument, type IndexDefinitionModel } from './index-definition.model';

type DatabaseId = IndexDefinitionDocument['database_id'];
type DefinitionId = IndexDefinitionDocument['_id'];
/** What a change of a definition writes. */
export type DefinitionFields = Pick<
  IndexDefinitionDocument,
  'name' | 'name_generated' | 'key_signature' | 'keys' | 'options_json' | 'updated_at'
> &
  Partial<Pick<IndexDefinitionDocument, 'collection'>>;

/**
 * The `index_definitions` collection: the design repository. Its unique indexes (name and identity
 * per collection) decide races; writes they refuse reject with the duplicate-key error.
 */
@Injectable()
export class IndexDefinitionRepository extends OwnRepository<IndexDefinitionDocument> {
  constructor(@Inject(INDEX_DEFINITION_MODEL) model: IndexDefinitionModel) {
    super(model);
  }

  async insert(definition: Omit<IndexDefinitionDocument, '_id'>): Promise<IndexDefinitionDocument> {
    return (await this.model.create(definition)).toObject();
  }

  /** Null also for an id that names no ObjectId. */
  findById(id: string): Promise<IndexDefinitionDocument | null> {
    const _id = parseObjectId(id);
    return _id ? this.model.findById(_id).lean() : Promise.resolve(null);
  }

  /** A collection's definitions by name; `search` matches the name or a key's field. */
  pageOfCollection(
    databaseId: string,
    collection: string,
    search: string | undefined,
    request: PageRequest,
  ): Promise<Page<IndexDefinitionDocument>> {
    const filter: FilterQuery<IndexDefinitionDocument> = { database_id: new Types.ObjectId(databaseId), collection };
    if (search) {
      const pattern = containsText(search);
      filter.$or = [{ name: pattern }, { 'keys.field': pattern }];
    }
    return findPage(this.model, filter, { name: 1 }, request);
  }

  /** At most `limit` of a database's definitions in id order, those after `after` (an id). */
  batchOfDatabase(query: {
    database_id: string;
    collections?: readonly string[];
    after?: string;
    limit: number;
  }): Promise<IndexDefinitionDocument[]> {
    const filter: FilterQuery<IndexDefinitionDocument> = { database_id: new Types.ObjectId(query.database_id) };
    if (query.collections) filter.collection = { $in: [...query.collections] };
    if (query.after) filter._id = { $gt: new Types.ObjectId(query.after) };
    return this.model.find(filter).sort({ _id: 1 }).limit(query.limit).lean();
  }

  /** Every definition of a database, in no particular order. */
  allOf(databaseId: DatabaseId): Promise<IndexDefinitionDocument[]> {
    return this.model.find({ database_id: databaseId }).lean();
  }

  /** Every definition of a database by collection, then name: a manifest's order. */
  allOfByCollectionAndName(databaseId: DatabaseId): Promise<IndexDefinitionDocument[]> {
    return this.model.find({ database_id: databaseId }).sort({ collection: 1, name: 1 }).lean();
  }

  /** The collection's definitions, but the one excepted. */
  othersInCollection(databaseId: DatabaseId, collection: string, exceptId?: DefinitionId): Promise<IndexDefinitionDocument[]> {
    return this.model.find({ database_id: databaseId, collection, ...(exceptId ? { _id: { $ne: exceptId } } : {}) }).lean();
  }

  /** A definition of the collection with this name or this identity. */
  findNameOrIdentity(
    databaseId: DatabaseId,
    collection: string,
    name: string,
    keySignature: string,
  ): Promise<IndexDefinitionDocument | null> {
    return this.model.findOne({ database_id: databaseId, collection, $or: [{ name }, { key_signature: keySignature }] }).lean();
  }

  /** The collections that have definitions in a database. */
  collectionsOf(databaseId: DatabaseId): Promise<string[]> {
    return this.model.distinct('collection', { database_id: databaseId });
  }

  /** The definition as changed, or null when it is gone. */
  update(id: DefinitionId, set: DefinitionFields): Promise<IndexDefinitionDocument | null> {
    return this.model.findByIdAndUpdate(id, { $set: set }, { new: true }).lean();
  }

  /** The definition deleted, or null when there was none (or the id names no ObjectId). */
  deleteById(id: string): Promise<IndexDefinitionDocument | null> {
    const _id = parseObjectId(id);
    return _id ? this.model.findOneAndDelete({ _id }).lean() : Promise.resolve(null);
  }

  /** Deletes every definition of a database; answers how many. */
  async deleteAllOf(databaseId: DatabaseId): Promise<number> {
    const { deletedCount } = await this.model.deleteMany({ database_id: databaseId });
    return deletedCount;
  }

  async deleteByIds(ids: readonly DefinitionId[]): Promise<void> {
    await this.model.deleteMany({ _id: { $in: [...ids] } });
  }

  /**
   * Rewrites many definitions. They may trade identities (A takes B's key and B takes A's): each is
   * parked on a placeholder signature first, so no intermediate state breaks the unique index.
   */
  async rewriteAll(updates: readonly { id: DefinitionId; fields: DefinitionFields }[]): Promise<void> {
    const park: AnyBulkWriteOperation<IndexDefinitionDocument>[] = updates.map(({ id }) => ({
      updateOne: { filter: { _id: id }, update: { $set: { key_signature: `pending:${id.toHexString()}` } } },
    }));
    const write: AnyBulkWriteOperation<IndexDefinitionDocument>[] = updates.map(({ id, fields }) => ({
      updateOne: { filter: { _id: id }, update: { $set: fields } },
    }));
    await this.model.bulkWrite(park, { ordered: false });
    await this.model.bulkWrite(write, { ordered: true });
  }

  /** Inserts in order, stopping at the first refused; answers the definitions with their new ids. */
  async insertAll(definitions: readonly Omit<IndexDefinitionDocument, '_id'>[]): Promise<IndexDefinitionDocument[]> {
    const docs = definitions.map((definition) => ({ _id: new Types.ObjectId(), ...definition }));
    await this.model.insertMany(docs, { ordered: true });
    return docs;
  }
}
