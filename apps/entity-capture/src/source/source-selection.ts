import type { MongoClient } from 'mongodb';
import { ChangeStreamReader, type ChangeStreamReaderOptions } from './change-stream-reader';
import { FerretOplogReader } from './ferret-oplog-reader';
import type { SourceReader } from './source-reader';

export type SourceKind = 'change-streams' | 'oplog';

/** The source has neither change streams nor an oplog to read: nothing can be captured from it. */
export class SourceWithoutChanges extends Error {
  constructor() {
    super('the source has no change streams (not a replica set or sharded cluster) and no local.oplog.rs: its changes cannot be captured');
  }
}

/**
 * How a source's changes are read: change streams where the server has them (a replica set member or a
 * mongos, told by `hello`), else its `local.oplog.rs` where it keeps one (FerretDB 1.18+, which has no
 * change streams), else nothing.
 */
export async function sourceKindOf(client: MongoClient, timeoutMs = 10_000): Promise<SourceKind> {
  const hello = await client.db('admin').command({ hello: 1 }, { timeoutMS: timeoutMs });
  if (typeof hello.setName === 'string' || hello.msg === 'isdbgrid') return 'change-streams';
  const oplog = await client.db('local').listCollections({ name: 'oplog.rs' }, { nameOnly: true, timeoutMS: timeoutMs }).toArray();
  if (oplog.length > 0) return 'oplog';
  throw new SourceWithoutChanges();
}

export async function openSourceReader(
  client: MongoClient,
  options: { timeoutMs?: number; settleMs?: number; trimOwnEntries?: boolean; changeStreams?: ChangeStreamReaderOptions } = {},
): Promise<SourceReader> {
  const kind = await sourceKindOf(client, options.timeoutMs);
  switch (kind) {
    case 'change-streams':
      return new ChangeStreamReader(client, { timeoutMs: options.timeoutMs, ...options.changeStreams });
    case 'oplog':
      return new FerretOplogReader(client, {
        timeoutMs: options.timeoutMs,
        settleMs: options.settleMs,
        trimOwnEntries: options.trimOwnEntries,
      });
  }
}
