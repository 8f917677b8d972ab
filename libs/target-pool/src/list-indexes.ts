import type { ListIndexesEntry } from '@ir/index-core';
import type { Db } from 'mongodb';

export const NAMESPACE_NOT_FOUND = 26;

/** A collection's indexes as listIndexes gives them; undefined when the collection does not exist. */
export async function listIndexesOf(db: Db, collection: string): Promise<ListIndexesEntry[] | undefined> {
  try {
    return (await db.collection(collection).listIndexes().toArray()) as ListIndexesEntry[];
  } catch (error) {
    if ((error as { code?: number }).code === NAMESPACE_NOT_FOUND) return undefined;
    throw error;
  }
}
