import type { Provider } from '@nestjs/common';
import { Connection, Schema, type Model } from 'mongoose';

/**
 * How many times a list the registry keeps in memory has changed (by the list's name, e.g.
 * `databases`): every replica reads it by `_id` before answering from its copy, and reads the list
 * again when it moved. Writers move it after their write, so a copy read after the counter holds
 * every write counted.
 */
export interface ListVersionDocument {
  _id: string;
  version: number;
}

const ListVersionSchema = new Schema<ListVersionDocument>(
  { _id: { type: String, required: true }, version: { type: Number, required: true } },
  { versionKey: false, collection: 'list_versions' },
);

export type ListVersionModel = Model<ListVersionDocument>;
export const LIST_VERSION_MODEL = 'ListVersion';

export function listVersionModel(connection: Connection): ListVersionModel {
  return connection.model<ListVersionDocument>(LIST_VERSION_MODEL, ListVersionSchema);
}

/** The model on the service's connection, for its repository. */
export const listVersionModelProvider: Provider = { provide: LIST_VERSION_MODEL, inject: [Connection], useFactory: listVersionModel };
