import { Inject, Injectable } from '@nestjs/common';
import { OwnRepository } from '@ir/platform';
import type { Types } from 'mongoose';
import type { IndexDefinitionDocument } from './index-definition.model';
import { DEFINITION_SET_MODEL, type DefinitionSetDocument, type DefinitionSetModel } from './definition-set.model';

type DatabaseId = Types.ObjectId;

/**
 * The `definition_sets` collection (see the model). Every query is by `_id` alone: the one filter
 * FerretDB 1.x's SQLite backend looks up instead of reading the whole collection. A write is
 * therefore not conditional on the stored version: two writers may overwrite each other in either
 * order, which costs at most one more read of the truth (a copy is used only at the database's
 * version), never a wrong answer.
 *
 * Not scoped by a caller: it is read and written only for a database its caller was authorized on
 * (`DefinitionSets` takes an AuthorizedDatabase), and by the start-up backfill, which answers no one.
 */
@Injectable()
export class DefinitionSetRepository extends OwnRepository<DefinitionSetDocument> {
  constructor(@Inject(DEFINITION_SET_MODEL) model: DefinitionSetModel) {
    super(model);
  }

  find(databaseId: DatabaseId): Promise<DefinitionSetDocument | null> {
    return this.model.findById(databaseId).lean<DefinitionSetDocument>();
  }

  async write(databaseId: DatabaseId, version: number, definitions: readonly IndexDefinitionDocument[]): Promise<void> {
    await this.model.replaceOne(
      { _id: databaseId },
      { _id: databaseId, version, definitions: [...definitions], built_at: new Date() },
      { upsert: true },
    );
  }

  async delete(databaseId: DatabaseId): Promise<void> {
    await this.model.deleteOne({ _id: databaseId });
  }

  /** The version of every stored set, for the start-up backfill. */
  async versions(): Promise<Map<string, number>> {
    const docs = await this.model.find({}, { version: 1 }).lean<Pick<DefinitionSetDocument, '_id' | 'version'>[]>();
    return new Map(docs.map((doc) => [doc._id.toHexString(), doc.version]));
  }
}
