import { Inject, Injectable } from '@nestjs/common';
import { KEY_SIGNATURE_VERSION } from '@ir/index-core';
import { OwnRepository, parseObjectId } from '@ir/platform';
import { Types, type AnyBulkWriteOperation, type FilterQuery } from 'mongoose';
import type { AuthorizedDatabase } from '../databases/database-access';
import { INDEX_DEFINITION_MODEL, type IndexDefinitionDocument, type IndexDefinitionModel } from './index-definition.model';

type DefinitionId = IndexDefinitionDocument['_id'];
/** What a change of a definition writes. */
export type DefinitionFields = Pick<
  IndexDefinitionDocument,
  'name' | 'name_generated' | 'key_signature' | 'keys' | 'options_json' | 'updated_at'
> &
  Partial<Pick<IndexDefinitionDocument, 'collection'>>;

/** A definition as written, before it has an id; its database is the one it is written to. */
export type NewDefinition = Omit<IndexDefinitionDocument, '_id' | 'database_id' | 'signature_version'>;

/** What recomputing a stored signature reads. */
export type StoredSignature = Pick<
  IndexDefinitionDocument,
  '_id' | 'database_id' | 'collection' | 'name' | 'key_signature' | 'keys' | 'options_json'
>;

/** Every write of a signature computed by this core says by which rules. */
const CURRENT_SIGNATURE = { signature_version: KEY_SIGNATURE_VERSION } as const;

/**
 * The `index_definitions` collection: the design repository. Its unique indexes (name and identity
 * per collection) decide races; writes they refuse reject with the duplicate-key error.
 *
 * Every operation takes the database it works in as an AuthorizedDatabase, which only the check of
 * the caller against the database's project makes: no query here can forget the project. The one
 * read without it, `databaseIdOf`, answers nothing but the id to check.
 */
@Injectable()
export class IndexDefinitionRepository extends OwnRepository<IndexDefinitionDocument> {
  constructor(@Inject(INDEX_DEFINITION_MODEL) model: IndexDefinitionModel) {
    super(model);
  }

  async insert(database: AuthorizedDatabase, definition: NewDefinition): Promise<IndexDefinitionDocument> {
    return (await this.model.create({ ...definition, ...CURRENT_SIGNATURE, database_id: database._id })).toObject();
  }

  /** The id of the database a definition is in, to authorize the caller against; null also for an id that names no ObjectId. */
  async databaseIdOf(id: string): Promise<string | null> {
    const _id = parseObjectId(id);
    const found = _id ? await this.model.findById(_id, { database_id: 1 }).lean() : null;
    return found ? found.database_id.toHexString() : null;
  }

  /**
   * The database's definition of this id (an id or its text). Read by `_id` alone and the database
   * checked here: FerretDB 1.x's SQLite backend reads every definition for any other filter.
   */
  async findIn(database: AuthorizedDatabase, id: string | DefinitionId): Promise<IndexDefinitionDocument | null> {
    const _id = typeof id === 'string' ? parseObjectId(id) : id;
    const found = _id ? await this.model.findById(_id).lean() : null;
    return found?.database_id.equals(database._id) ? found : null;
  }

  /**
   * Every definition of a database, in no particular order: the truth the database's definition set
   * is read from (see `DefinitionSets`; every list of a database's definitions is answered from it).
   */
  allOf(database: AuthorizedDatabase): Promise<IndexDefinitionDocument[]> {
    return this.model.find({ database_id: database._id }).lean();
  }

  /** Every definition of these databases, for the definition sets' start-up backfill, which answers no caller. */
  allOfDatabases(databaseIds: readonly Types.ObjectId[]): Promise<IndexDefinitionDocument[]> {
    return this.model.find({ database_id: { $in: [...databaseIds] } }).lean();
  }

  /** A definition of the collection with this name or this identity. */
  findNameOrIdentity(
    database: AuthorizedDatabase,
    collection: string,
    name: string,
    keySignature: string,
  ): Promise<IndexDefinitionDocument | null> {
    return this.model.findOne({ database_id: database._id, collection, $or: [{ name }, { key_signature: keySignature }] }).lean();
  }

  /** The definition as changed, or null when it is gone. */
  update(database: AuthorizedDatabase, id: DefinitionId, set: DefinitionFields): Promise<IndexDefinitionDocument | null> {
    return this.model
      .findOneAndUpdate({ _id: id, database_id: database._id }, { $set: { ...set, ...CURRENT_SIGNATURE } }, { new: true })
      .lean();
  }

  /** The definition deleted, or null when there was none (or the id names no ObjectId). */
  deleteIn(database: AuthorizedDatabase, id: string): Promise<IndexDefinitionDocument | null> {
    const _id = parseObjectId(id);
    return _id ? this.model.findOneAndDelete({ _id, database_id: database._id }).lean() : Promise.resolve(null);
  }

  /** Deletes every definition of a database; answers how many. */
  async deleteAllOf(database: AuthorizedDatabase): Promise<number> {
    const { deletedCount } = await this.model.deleteMany({ database_id: database._id });
    return deletedCount;
  }

  async deleteByIds(database: AuthorizedDatabase, ids: readonly DefinitionId[]): Promise<void> {
    await this.model.deleteMany({ _id: { $in: [...ids] }, database_id: database._id });
  }

  /**
   * Rewrites many definitions. They may trade identities (A takes B's key and B takes A's): each is
   * parked on a placeholder signature first, so no intermediate state breaks the unique index.
   */
  async rewriteAll(database: AuthorizedDatabase, updates: readonly { id: DefinitionId; fields: DefinitionFields }[]): Promise<void> {
    const park: AnyBulkWriteOperation<IndexDefinitionDocument>[] = updates.map(({ id }) => ({
      updateOne: { filter: { _id: id, database_id: database._id }, update: { $set: { key_signature: `pending:${id.toHexString()}` } } },
    }));
    const write: AnyBulkWriteOperation<IndexDefinitionDocument>[] = updates.map(({ id, fields }) => ({
      updateOne: { filter: { _id: id, database_id: database._id }, update: { $set: { ...fields, ...CURRENT_SIGNATURE } } },
    }));
    await this.model.bulkWrite(park, { ordered: false });
    await this.model.bulkWrite(write, { ordered: true });
  }

  /** Inserts in order, stopping at the first refused; answers the definitions with their new ids. */
  async insertAll(database: AuthorizedDatabase, definitions: readonly NewDefinition[]): Promise<IndexDefinitionDocument[]> {
    const docs = definitions.map((definition) => ({
      _id: new Types.ObjectId(),
      ...definition,
      ...CURRENT_SIGNATURE,
      database_id: database._id,
    }));
    await this.model.insertMany(docs, { ordered: true });
    return docs;
  }

  /**
   * At most `limit` definitions, of every database, whose signature an older version of the core's
   * rules computed, in id order after `after`. Not scoped by a caller: the registry's own start-up
   * pass (`SignatureRefresh`) reads them, and answers no caller with them.
   */
  staleSignatures(query: { after?: DefinitionId; limit: number }): Promise<StoredSignature[]> {
    const filter: FilterQuery<IndexDefinitionDocument> = { signature_version: { $ne: KEY_SIGNATURE_VERSION } };
    if (query.after) filter._id = { $gt: query.after };
    return this.model
      .find(filter, { database_id: 1, collection: 1, name: 1, key_signature: 1, keys: 1, options_json: 1 })
      .sort({ _id: 1 })
      .limit(query.limit)
      .lean();
  }

  /**
   * Whether another definition of the definition's collection holds this signature. Asked before
   * `setSignature`: FerretDB 1.x refuses an update that breaks a unique index with an internal error,
   * not the duplicate-key error an insert gets.
   */
  async signatureHeldByAnother(stored: StoredSignature, keySignature: string): Promise<boolean> {
    const holder = await this.model
      .findOne(
        { database_id: stored.database_id, collection: stored.collection, key_signature: keySignature, _id: { $ne: stored._id } },
        { _id: 1 },
      )
      .lean();
    return holder !== null;
  }

  /**
   * Stores a signature recomputed by the current rules, unless the definition was written since it was
   * read (every write stamps the current version): answers whether it did. Rejects with the
   * duplicate-key error when another definition of the collection holds that signature.
   */
  async setSignature(id: DefinitionId, keySignature: string): Promise<boolean> {
    const { modifiedCount } = await this.model.updateOne(
      { _id: id, signature_version: { $ne: KEY_SIGNATURE_VERSION } },
      { $set: { key_signature: keySignature, ...CURRENT_SIGNATURE } },
    );
    return modifiedCount === 1;
  }
}
