import { DEFAULT_TARGET_CLIENT_LIMITS, targetClientOptions, type TargetPolicy } from '@ir/target-pool';
import { MongoClient } from 'mongodb';
import type { ResetEvent } from './change-stream-reader';
import { openSourceReader } from './source-selection';
import type { SourceReader } from './source-reader';

/** A source's own client (its change reads are long-lived, so not the shared target pool) and its reader. */
export interface OpenedSource {
  readonly reader: SourceReader;
  close(): Promise<void>;
}

/**
 * Connects as to any target (the policy checks the URI and every host the driver resolves), then picks
 * the reader the server allows: change streams on a MongoDB replica set or mongos, else FerretDB's oplog.
 * `onReset` hears of a watched collection dropped or renamed, or the stream invalidated (change streams only).
 */
export async function openSource(
  uri: string,
  policy: TargetPolicy,
  options: { settleMs: number; trimSourceOplog: boolean; onReset: (event: ResetEvent) => void },
): Promise<OpenedSource> {
  policy.checkUri(uri);
  const client = new MongoClient(uri, targetClientOptions(DEFAULT_TARGET_CLIENT_LIMITS, policy));
  await client.connect();
  try {
    const reader = await openSourceReader(client, {
      settleMs: options.settleMs,
      trimOwnEntries: options.trimSourceOplog,
      changeStreams: { onReset: options.onReset },
    });
    return {
      reader,
      close: async () => {
        await reader.close?.().catch(() => undefined);
        await client.close();
      },
    };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}
