import type { Document } from 'mongodb';
import type { SourceChange, SourcePosition } from './source-change';

/** What the capture reads a source server with: FerretOplogReader, or ChangeStreamReader on MongoDB. */
export interface SourceReader {
  /** Where a first start begins listening, before it scans. */
  latestPosition(): Promise<SourcePosition>;
  /** Up to `limit` changes after `position`, in the source's order, of the namespaces given (no other is read). */
  readAfter(position: SourcePosition, namespaces: readonly string[], limit: number): Promise<SourceChange[]>;
  /** Every document of a collection, in batches: an entity's scan. */
  scan(database: string, collection: string, batchSize: number): AsyncGenerator<Document[]>;
  /** Releases what the reader holds open (a change stream); the client stays the caller's. */
  close?(): Promise<void>;
}
