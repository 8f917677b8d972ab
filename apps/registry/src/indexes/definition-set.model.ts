import type { Provider } from '@nestjs/common';
import { Connection, Schema, Types, type Model } from 'mongoose';
import type { IndexDefinitionDocument } from './index-definition.model';

/**
 * A database's definitions as one document, keyed by the database's id: the read model every list,
 * page and plan of a database's definitions is answered from. `index_definitions` stays the truth
 * (its unique indexes decide races); this is a copy of it at `version`, the database's
 * `definitions_version` when the copy was read. A copy is used only while its version is the
 * database's: a copy that is missing, older or newer is read again from the truth.
 *
 * Why: FerretDB 1.x's SQLite backend answers a lone `_id` equality by a lookup and reads, parses
 * and filters every document of the collection for any other filter (whatever indexes exist), so a
 * page of one database's definitions cost a read of every definition of every database.
 */
export interface DefinitionSetDocument {
  _id: Types.ObjectId;
  version: number;
  definitions: IndexDefinitionDocument[];
  built_at: Date;
}

const DefinitionSetSchema = new Schema<DefinitionSetDocument>(
  {
    version: { type: Number, required: true },
    // Stored as read from `index_definitions` (ObjectIds and dates included), never cast field by field.
    definitions: { type: Schema.Types.Mixed, required: true },
    built_at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'definition_sets' },
);

export type DefinitionSetModel = Model<DefinitionSetDocument>;
export const DEFINITION_SET_MODEL = 'DefinitionSet';

/** The model on the service's connection, for its repository. */
export const definitionSetModelProvider: Provider = {
  provide: DEFINITION_SET_MODEL,
  inject: [Connection],
  useFactory: (connection: Connection): DefinitionSetModel =>
    connection.model<DefinitionSetDocument>(DEFINITION_SET_MODEL, DefinitionSetSchema),
};
