import type { Document, MongoClient } from 'mongodb';

/**
 * Every document of a collection in `_id` order, in batches: the first scan of an entity. Each round
 * trip of the cursor is bounded in time (the driver's `timeoutMode: 'iteration'`), not the whole scan,
 * which may take minutes on a large collection.
 */
export async function* scanCollection(
  client: MongoClient,
  database: string,
  collection: string,
  batchSize: number,
  timeoutMs = 30_000,
): AsyncGenerator<Document[]> {
  const cursor = client
    .db(database)
    .collection(collection)
    .find({}, { sort: { _id: 1 }, batchSize, timeoutMS: timeoutMs, timeoutMode: 'iteration' });
  let batch: Document[] = [];
  try {
    for await (const document of cursor) {
      batch.push(document);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await cursor.close();
  }
}
