import { Inject, Injectable } from '@nestjs/common';
import { containsText, findPage, OwnRepository, parseObjectId, type Page, type PageRequest } from '@ir/platform';
import type { FilterQuery } from 'mongoose';
import { DATABASE_MODEL, type DatabaseDocument, type DatabaseModel } from './database.model';

export type DatabaseId = DatabaseDocument['_id'];
type DatabaseChanges = Partial<Omit<DatabaseDocument, '_id' | 'created_at' | 'definitions_version'>>;

/** The `databases` collection: the target databases. Ids given by callers that name no ObjectId find nothing. */
@Injectable()
export class DatabaseRepository extends OwnRepository<DatabaseDocument> {
  constructor(@Inject(DATABASE_MODEL) model: DatabaseModel) {
    super(model);
  }

  /** The database as stored; rejects with the duplicate-key error when the name is taken. */
  async insert(database: Omit<DatabaseDocument, '_id'>): Promise<DatabaseDocument> {
    return (await this.model.create(database)).toObject();
  }

  findById(id: string): Promise<DatabaseDocument | null> {
    const _id = parseObjectId(id);
    return _id ? this.model.findById(_id).lean() : Promise.resolve(null);
  }

  /** Just its id and database name, to check definitions against. */
  findDbName(id: string | DatabaseId): Promise<Pick<DatabaseDocument, '_id' | 'db_name'> | null> {
    const _id = typeof id === 'string' ? parseObjectId(id) : id;
    return _id ? this.model.findById(_id, { db_name: 1 }).lean() : Promise.resolve(null);
  }

  /** The database of this name, in any case. */
  findByName(name: string): Promise<DatabaseDocument | null> {
    return this.model.findOne({ name_key: name.toLowerCase() }).lean();
  }

  /** By name (any case); `search` matches name or description. */
  page(search: string | undefined, request: PageRequest): Promise<Page<DatabaseDocument>> {
    const filter: FilterQuery<DatabaseDocument> = {};
    if (search) {
      const pattern = containsText(search);
      filter.$or = [{ name: pattern }, { description: pattern }];
    }
    return findPage(this.model, filter, { name_key: 1 }, request);
  }

  /** The database as changed, or null when it is gone; rejects with the duplicate-key error when the name is taken. */
  update(id: DatabaseId, set: DatabaseChanges): Promise<DatabaseDocument | null> {
    return this.model.findByIdAndUpdate(id, { $set: set }, { new: true }).lean();
  }

  async delete(id: DatabaseId): Promise<void> {
    await this.model.deleteOne({ _id: id });
  }

  /** Marks the database's definitions as changed (see `definitions_version`). */
  async bumpDefinitionsVersion(id: DatabaseId): Promise<void> {
    await this.model.updateOne({ _id: id }, { $inc: { definitions_version: 1 } });
  }
}
