import { DEFAULT_TARGET_CLIENT_LIMITS, targetClientOptions, type TargetPolicy } from '@ir/target-pool';
import { MongoClient } from 'mongodb';
import { FerretOplogReader } from './ferret-oplog-reader';

/** A source's own client (its oplog reads are long-lived, so not the shared target pool) and its oplog reader. */
export interface OpenedSource {
  readonly reader: FerretOplogReader;
  close(): Promise<void>;
}

/** Connects as to any target: the policy checks the URI and every host the driver resolves. */
export async function openSource(uri: string, policy: TargetPolicy, settleMs: number): Promise<OpenedSource> {
  policy.checkUri(uri);
  const client = new MongoClient(uri, targetClientOptions(DEFAULT_TARGET_CLIENT_LIMITS, policy));
  await client.connect();
  return { reader: new FerretOplogReader(client, { settleMs }), close: () => client.close() };
}
