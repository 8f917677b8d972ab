import type { MongoClientOptions } from 'mongodb';
import type { TargetPolicy } from './policy/target-policy';

/** Limits applied to every client opened against a target database. */
export interface TargetClientLimits {
  /** TCP connect + TLS handshake for one connection. */
  connectTimeoutMs: number;
  /** How long an operation waits for a suitable server (a dead target fails after this). */
  serverSelectionTimeoutMs: number;
  /**
   * Socket inactivity limit. The installed driver (6.x) supports CSOT, and while `timeoutMS` is set
   * the driver derives socket deadlines from it; this only matters if operationTimeoutMs is disabled.
   */
  socketTimeoutMs: number;
  /** Connections per target: small, because one process talks to many targets. */
  maxPoolSize: number;
  /**
   * The driver's `timeoutMS` (client-side operation timeout, CSOT, driver ≥ 6.x): the whole operation —
   * server selection, checkout, retries, every cursor round trip — must end in this time. Long
   * operations (an index build) must override it per call: `{ timeoutMS: 0 }` disables it.
   */
  operationTimeoutMs: number;
}

export const DEFAULT_TARGET_CLIENT_LIMITS: TargetClientLimits = {
  connectTimeoutMs: 5_000,
  serverSelectionTimeoutMs: 5_000,
  socketTimeoutMs: 60_000,
  maxPoolSize: 5,
  operationTimeoutMs: 30_000,
};

/** Shown in the target's logs and currentOp, so its operators know who is connected. */
export const TARGET_APP_NAME = 'index-registry';

/** Connections a client opens at once: a target's pool grows gradually, never in a burst. */
const MAX_CONNECTING = 2;

/**
 * The options every target client gets. They take precedence over the same options written in the
 * target's URI (URI_OPTIONS marks them `ours`): the service, not each customer string, decides how
 * long it waits and how many connections it opens.
 */
export function targetClientOptions(limits: TargetClientLimits, policy: TargetPolicy): MongoClientOptions {
  return {
    appName: TARGET_APP_NAME,
    connectTimeoutMS: limits.connectTimeoutMs,
    serverSelectionTimeoutMS: limits.serverSelectionTimeoutMs,
    socketTimeoutMS: limits.socketTimeoutMs,
    maxPoolSize: limits.maxPoolSize,
    minPoolSize: 0,
    maxConnecting: MAX_CONNECTING,
    timeoutMS: limits.operationTimeoutMs,
    // Every host name the driver connects to, announced replica set members included, resolves
    // through the policy at the moment it connects.
    lookup: policy.lookup,
  };
}
