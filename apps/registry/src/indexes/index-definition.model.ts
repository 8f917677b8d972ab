import type { Provider } from '@nestjs/common';
import { Connection, Schema, Types, type Model } from 'mongoose';
import type { KeyEntry } from '@ir/index-core';

/** One index of the design repository, as its team defined it. */
export interface IndexDefinitionDocument {
  _id: Types.ObjectId;
  database_id: Types.ObjectId;
  collection: string;
  name: string;
  /** The name was derived from the key (no name given), so it follows the key when the key changes. */
  name_generated: boolean;
  /** Identity within the collection, independent of the name (see @ir/index-core keySignature). */
  key_signature: string;
  /**
   * The version of the core's signature rules `key_signature` was computed by (`KEY_SIGNATURE_VERSION`);
   * absent on definitions written before versions were kept (version 1). Older ones are recomputed at start.
   */
  signature_version?: number;
  keys: readonly KeyEntry[];
  /**
   * The options as JSON text: they hold field names with dots and `$` operators
   * (weights, wildcard projections, partial filters) that are not safe as
   * document keys on every server.
   */
  options_json: string;
  created_at: Date;
  updated_at: Date;
}

const IndexDefinitionSchema = new Schema<IndexDefinitionDocument>(
  {
    database_id: { type: Schema.Types.ObjectId, required: true },
    collection: { type: String, required: true },
    name: { type: String, required: true },
    name_generated: { type: Boolean, required: true },
    key_signature: { type: String, required: true },
    signature_version: { type: Number },
    keys: { type: [{ _id: false, field: String, value: Schema.Types.Mixed }], required: true },
    options_json: { type: String, required: true },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  // `collection` is the domain's word for the field; documents are read lean, never through mongoose's document API.
  { versionKey: false, collection: 'index_definitions', suppressReservedKeysWarning: true },
);
// The duplicate rules, enforced by the server even when two requests race; the first also serves list-by-collection sorted by name.
IndexDefinitionSchema.index({ database_id: 1, collection: 1, name: 1 }, { unique: true, name: 'collection_name_unique' });
IndexDefinitionSchema.index({ database_id: 1, collection: 1, key_signature: 1 }, { unique: true, name: 'collection_signature_unique' });

export type IndexDefinitionModel = Model<IndexDefinitionDocument>;
export const INDEX_DEFINITION_MODEL = 'IndexDefinition';

export function indexDefinitionModel(connection: Connection): IndexDefinitionModel {
  return connection.model<IndexDefinitionDocument>(INDEX_DEFINITION_MODEL, IndexDefinitionSchema);
}

/** The model on the service's connection, for its repositories. */
export const indexDefinitionModelProvider: Provider = {
  provide: INDEX_DEFINITION_MODEL,
  inject: [Connection],
  useFactory: indexDefinitionModel,
};
