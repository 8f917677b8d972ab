import type { Document } from 'mongodb';
import type { SourceChange, SourcePosition } from './source-change';

/** What the capture reads a source server with: FerretOplogReader, or ChangeStreamReader on MongoDB. */
export interface SourceReader {
  /** Where a first start begins listening, before it scans. */
  latestPosition(): Promise<SourcePosition>;
  /** Up to `limit` changes after `position`, in the source's order, of the namespaces given (no other is read). */
  readAfter(position: SourcePosition, namespaces: readonly string[], limit: number): Promise<SourceChange[]>;
  /**
   * Told that the changes of the last `readAfter` are durable in the entity oplog. A reader that
   * delivers changes from before the position it is given (FerretOplogReader's late entries) counts
   * them delivered only then, so a batch whose append failed is delivered again.
   */
  confirm?(): void;
  /** Told each position the capture saved: a restart resumes from it or after it (FerretOplogReader trims behind it). */
  positionSaved?(position: SourcePosition): void;
  /**
   * Milliseconds until a change the last `readAfter` saw but held back becomes readable (FerretOplogReader's
   * settle window); undefined when it held none back. An idle capture polls again then.
   */
  settlesInMs?(): number | undefined;
  /** How long it holds a change back before reading it (FerretOplogReader's settle window); none when absent. */
  readonly settleMs?: number;
  /** Every document of a collection, in batches: an entity's scan. */
  scan(database: string, collection: string, batchSize: number): AsyncGenerator<Document[]>;
  /** Releases what the reader holds open (a change stream); the client stays the caller's. */
  close?(): Promise<void>;
}
