import type { TargetServer } from '@ir/index-core';
import type { MongoClient } from 'mongodb';
import { collectAtMost, MAX_COLLECTIONS } from './bounded-reads';
import { identifyServer } from './capabilities/server-identity';
import { classifyTargetError } from './classify-target-error';
import type { TargetPolicy } from './policy/target-policy';
import { openTargetClient } from './target-client';
import { targetError, type TargetConnectionError } from './target-connection-error';
import type { TargetRef } from './target-pool';

export interface TargetConnectionReport {
  serverVersion: string;
  /** Who the server is (kind, own version, the MongoDB version whose rules apply); absent when it does not say. */
  server?: TargetServer;
  /** Collections in dbName: proves the user may list them, not only reach the server. */
  collections: number;
}

export const DEFAULT_TEST_CONNECTION_TIMEOUT_MS = 5_000;

// How long the client's close may delay the answer; the close carries on in the background after it.
const CLOSE_GRACE_MS = 250;

/**
 * Checks that a target can be used: allowed by the policy, a MongoDB server (the raw pre-flight
 * hello), reach it, authenticate, read buildInfo, list dbName's collections. Uses its own short-lived
 * client (not the pool — a connection test must not leave a client behind, nor be answered by a
 * client connected with yesterday's password) and always closes it.
 *
 * Bounded by timeoutMs overall, whatever the driver does: the driver's own limits are set inside that
 * budget so its more precise errors (connection refused, auth failure) normally win, and a timer backs them up.
 * @throws TargetConnectionError
 */
export async function testTargetConnection(
  target: TargetRef,
  opts: { timeoutMs?: number; policy: TargetPolicy },
): Promise<TargetConnectionReport> {
  const { policy } = opts;
  const timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_TEST_CONNECTION_TIMEOUT_MS;
  // Server selection gives up a little before the deadline, so an unreachable target is reported as
  // such rather than as our generic timeout.
  const selectionMs = Math.max(1, Math.floor(timeoutMs * 0.8));
  let refused: TargetConnectionError | undefined;
  const limits = {
    connectTimeoutMs: selectionMs,
    serverSelectionTimeoutMs: selectionMs,
    socketTimeoutMs: timeoutMs,
    maxPoolSize: 1,
    operationTimeoutMs: timeoutMs,
  };
  const { client, connected } = openTargetClient(target.uri, limits, policy, (error) => {
    refused = error;
    void client.close();
  });

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(targetError('timeout', target.uri)), timeoutMs);
  });
  try {
    return await Promise.race([connected.then(() => probe(client, target.dbName)), deadline]);
  } catch (error) {
    throw refused ?? classifyTargetError(error, target.uri);
  } finally {
    clearTimeout(timer);
    await closeWithin(client, CLOSE_GRACE_MS);
  }
}

async function probe(client: MongoClient, dbName: string): Promise<TargetConnectionReport> {
  const admin = client.db('admin');
  await admin.command({ ping: 1 });
  // `raw`: sub-documents stay bytes, as identifyServer reads them (see probe-capabilities.ts).
  const buildInfo = await admin.command({ buildInfo: 1 }, { raw: true });
  const collections = await collectAtMost(client.db(dbName).listCollections({}, { nameOnly: true }), MAX_COLLECTIONS, 'collections');
  const server = identifyServer(buildInfo);
  return {
    serverVersion: typeof buildInfo['version'] === 'string' ? buildInfo['version'] : 'unknown',
    ...(server ? { server } : {}),
    collections: collections.length,
  };
}

/** Waits for the close at most graceMs, so a hung socket cannot stretch the caller's deadline. */
async function closeWithin(client: MongoClient, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
    timer.unref();
  });
  await Promise.race([client.close().catch(() => undefined), grace]);
  clearTimeout(timer);
}
