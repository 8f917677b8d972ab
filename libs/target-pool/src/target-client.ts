import { MongoClient } from 'mongodb';
import { watchAnnouncedHosts } from './announced-hosts';
import { uriParseError } from './classify-target-error';
import { targetClientOptions, type TargetClientLimits } from './client-options';
import type { TargetPolicy } from './policy/target-policy';
import { preflightTarget } from './preflight';
import { targetError, type TargetConnectionError } from './target-connection-error';
import { installDriverGuard } from './wire/driver-guard';

export interface OpenedTargetClient {
  readonly client: MongoClient;
  /** Settles once the pre-flight hello passed and the driver connected; rejects with what the driver or the pre-flight threw. */
  readonly connected: Promise<MongoClient>;
}

/**
 * A client to one target, opened the one way every target client is: the policy checks the URI, the
 * driver's reply guard is in place, hosts the replica set announces are held to the policy, and the
 * raw pre-flight hello runs before the driver connects, so the driver never reads a byte from a peer
 * that is not MongoDB. `onRefused` hears of an announced host the policy refuses, after connecting.
 * @throws TargetConnectionError malformed_uri or not_allowed, at once, when the URI itself is refused
 */
export function openTargetClient(
  uri: string,
  limits: TargetClientLimits,
  policy: TargetPolicy,
  onRefused: (error: TargetConnectionError) => void,
): OpenedTargetClient {
  installDriverGuard();
  policy.checkUri(uri);
  let client: MongoClient;
  try {
    // The constructor only parses the URI and options: whatever it throws is a bad connection string.
    client = new MongoClient(uri, targetClientOptions(limits, policy));
  } catch (error) {
    throw uriParseError(error, uri);
  }
  watchAnnouncedHosts(client, policy, (problem) => onRefused(targetError('not_allowed', uri, problem)));
  const connected = preflightTarget(uri, client.options, policy, limits.connectTimeoutMs).then(() => client.connect());
  return { client, connected };
}
