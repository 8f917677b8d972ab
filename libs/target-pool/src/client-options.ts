import type { MongoClientOptions } from 'mongodb';

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

export function targetClientOptions(limits: TargetClientLimits): MongoClientOptions {
  // These take precedence over the same options written in the target's URI: the registry, not each
  // customer string, decides how long it is willing to wait.
  return {
    appName: TARGET_APP_NAME,
    connectTimeoutMS: limits.connectTimeoutMs,
    serverSelectionTimeoutMS: limits.serverSelectionTimeoutMs,
    socketTimeoutMS: limits.socketTimeoutMs,
    maxPoolSize: limits.maxPoolSize,
    timeoutMS: limits.operationTimeoutMs,
  };
}
