import type { Document, MongoClient } from 'mongodb';

/** Every document of a collection in `_id` order, in batches: the first scan of an entity. Each batch is bounded in time. */
export async function* scanCollection(
  client: MongoClient,
  database: string,
  collection: string,
  batchSize: number,
  timeoutMs = 30_000,
): AsyncGenerator<Document[]> {
  const cursor = client.db(database).collection(collection).find({}, { sort: { _id: 1 }, batchSize, maxTimeMS: timeoutMs });
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
