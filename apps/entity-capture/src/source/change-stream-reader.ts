import { Timestamp, type ChangeStream, type ChangeStreamOptions, type Document, type MongoClient } from 'mongodb';
import { mapChangeEvent, type ChangeEvent, type MappedEvent } from './change-event';
import { scanCollection } from './collection-scan';
import { isChangeStreamHistoryLost, SourceHistoryLost } from './history-lost';
import { isResumeToken, type OplogPosition, type ResumeToken, type SourceChange, type SourcePosition } from './source-change';
import type { SourceReader } from './source-reader';

export type ResetEvent = Extract<MappedEvent, { kind: 'reset' }>;

export interface ChangeStreamReaderOptions {
  /** Each wait for events (the stream's getMore) and each lookup is bounded by this (default 1 s: the poll's latency). */
  readonly maxAwaitMs?: number;
  readonly timeoutMs?: number;
  /** `updateLookup` (default; any MongoDB) or `whenAvailable` (6.0+, the collection's changeStreamPreAndPostImages on). */
  readonly fullDocument?: 'updateLookup' | 'whenAvailable';
  /** Told of drops, renames and invalidations: its owner hard-refreshes the entities of that namespace. */
  readonly onReset?: (event: ResetEvent) => void;
}

/**
 * Reads a MongoDB replica set's or sharded cluster's changes through one cluster-wide change stream,
 * filtered on the server to the namespaces asked for, and resumes by the events' resume tokens (saved
 * as the capture's position). The stream stays open between calls while the caller goes on from where
 * the last call ended; another position (a restart, a new set of namespaces) opens a new one.
 */
export class ChangeStreamReader implements SourceReader {
  private stream: ChangeStream<Document, ChangeEvent> | undefined;
  /** The position the open stream has reached in the caller's terms, and the namespaces it filters on. */
  private streamKey: string | undefined;
  /** After an `invalidate` the stream starts after it (resuming after it is refused). */
  private startAfter: ResumeToken | undefined;
  private readonly maxAwaitMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly client: MongoClient,
    private readonly options: ChangeStreamReaderOptions = {},
  ) {
    this.maxAwaitMs = options.maxAwaitMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The cluster's current time (`hello`'s operationTime): a first start watches from there, before it scans. */
  async latestPosition(): Promise<OplogPosition> {
    const hello = await this.client.db('admin').command({ hello: 1 }, { timeoutMS: this.timeoutMs });
    const time = (hello.operationTime ?? hello.$clusterTime?.clusterTime ?? hello.lastWrite?.opTime?.ts) as Timestamp | undefined;
    if (!time) throw new Error('the server answered hello without an operation time: is it a replica set?');
    return { t: time.t, i: time.i };
  }

  async readAfter(position: SourcePosition, namespaces: readonly string[], limit: number): Promise<SourceChange[]> {
    if (namespaces.length === 0) return [];
    const stream = await this.streamFrom(position, namespaces);
    const changes: SourceChange[] = [];
    while (changes.length < limit) {
      const event = await this.next(stream);
      if (!event) break;
      const mapped = mapChangeEvent(event);
      switch (mapped.kind) {
        case 'change':
          changes.push(mapped.change);
          break;
        case 'lookup':
          changes.push(await this.lookup(mapped));
          break;
        case 'reset':
          this.options.onReset?.(mapped);
          if (mapped.reason === 'invalidate') {
            this.startAfter = mapped.position;
            await this.close();
            return changes;
          }
          break;
        case 'ignored':
          break;
      }
    }
    this.streamKey = keyOf(changes.at(-1)?.position ?? position, namespaces);
    return changes;
  }

  scan(database: string, collection: string, batchSize: number): AsyncGenerator<Document[]> {
    return scanCollection(this.client, database, collection, batchSize, this.timeoutMs);
  }

  /** The next event; a resume point the server no longer has is SourceHistoryLost (the stream closed), never skipped over. */
  private async next(stream: ChangeStream<Document, ChangeEvent>): Promise<ChangeEvent | null> {
    try {
      return await stream.tryNext();
    } catch (error) {
      if (!isChangeStreamHistoryLost(error)) throw error;
      await this.close().catch(() => undefined);
      throw new SourceHistoryLost(`the change stream cannot resume: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    this.streamKey = undefined;
    await stream?.close();
  }

  private async streamFrom(position: SourcePosition, namespaces: readonly string[]): Promise<ChangeStream<Document, ChangeEvent>> {
    if (this.stream && this.streamKey === keyOf(position, namespaces)) return this.stream;
    await this.close();
    const options: ChangeStreamOptions = {
      fullDocument: this.options.fullDocument ?? 'updateLookup',
      maxAwaitTimeMS: this.maxAwaitMs,
      timeoutMS: this.timeoutMs,
    };
    if (this.startAfter) options.startAfter = this.startAfter;
    else if (isResumeToken(position)) options.resumeAfter = position;
    // An operation time is inclusive: the event at that very time may be read again, which an upsert of the whole document bears.
    else options.startAtOperationTime = new Timestamp({ t: position.t, i: position.i });
    this.startAfter = undefined;
    this.stream = this.client.watch<Document, ChangeEvent>(matchOf(namespaces), options);
    this.streamKey = keyOf(position, namespaces);
    return this.stream;
  }

  /** An update without its document: read it now (it may have changed again since; those events follow), or a delete if gone. */
  private async lookup(event: Extract<MappedEvent, { kind: 'lookup' }>): Promise<SourceChange> {
    const dot = event.ns.indexOf('.');
    const current = await this.client
      .db(event.ns.slice(0, dot))
      .collection(event.ns.slice(dot + 1))
      .findOne({ _id: event.documentId as never }, { timeoutMS: this.timeoutMs });
    const common = { ns: event.ns, documentId: event.documentId, at: event.at, position: event.position };
    return current ? { ...common, operation: 'upsert', document: current } : { ...common, operation: 'delete' };
  }
}

const keyOf = (position: SourcePosition, namespaces: readonly string[]): string => JSON.stringify([position, [...namespaces].sort()]);

/** The server-side filter: the namespaces' events, their databases' drops, and the stream's own invalidation. */
export function matchOf(namespaces: readonly string[]): Document[] {
  const split = namespaces.map((ns) => ({ db: ns.slice(0, ns.indexOf('.')), coll: ns.slice(ns.indexOf('.') + 1) }));
  return [
    {
      $match: {
        $or: [
          ...split.map(({ db, coll }) => ({ 'ns.db': db, 'ns.coll': coll })),
          { operationType: 'dropDatabase', 'ns.db': { $in: [...new Set(split.map((s) => s.db))] } },
          { operationType: 'invalidate' },
        ],
      },
    },
  ];
}
