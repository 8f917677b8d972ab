import type { Document, MongoClient } from 'mongodb';

/**
 * Every document of a collection, in batches: the first scan of an entity. In the server's natural
 * order, not `_id`'s: FerretDB sorts in memory after reading the whole collection (a 1,000,000-document
 * scan's first batch outlasted its 10 s timeout at load 30), while unsorted it streams; the order does
 * not matter (each document becomes an upsert, and a write made meanwhile is read from the oplog after
 * the scan). Each round
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
  const cursor = client.db(database).collection(collection).find({}, { batchSize, timeoutMS: timeoutMs, timeoutMode: 'iteration' });
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
