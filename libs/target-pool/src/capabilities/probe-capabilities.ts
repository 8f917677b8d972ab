import type { TargetCapabilities } from '@ir/index-core';
import type { Db } from 'mongodb';
import { probeCollMod } from './collmod-probe';
import { identifyServer } from './server-identity';

export const DEFAULT_PROBE_TIMEOUT_MS = 3_000;

/**
 * What a target supports, from two harmless commands: buildInfo (who it is) and a collMod of a
 * collection that does not exist (whether it can hide indexes, where the version does not tell).
 * Each is bounded by `timeoutMs`. Undefined when the server does not say who it is.
 */
export async function probeCapabilities(db: Db, timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<TargetCapabilities | undefined> {
  const [reply, collMod] = await Promise.all([
    // `raw`: sub-documents (modules, buildEnvironment, openssl…) stay bytes: only a few strings are read.
    db
      .admin()
      .command({ buildInfo: 1 }, { raw: true, timeoutMS: timeoutMs })
      .catch(() => undefined),
    probeCollMod(db, timeoutMs),
  ]);
  const server = identifyServer(reply);
  if (!server) return undefined;
  return collMod === undefined ? { server } : { server, collMod };
}
