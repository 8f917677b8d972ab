import { Injectable, Logger } from '@nestjs/common';
import { RegistryDatabaseRpc, type DatabaseServer, type TargetServerView } from '@ir/contracts';
import type { TargetCapabilities, TargetServer } from '@ir/index-core';
import { BusClient } from '@ir/messaging';
import { classifyTargetError, TargetPool } from '@ir/target-pool';
import type { TargetConnection } from './registry-client';

/** How long the registry may take to record a server seen; the compare does not wait for it. */
const SERVER_SEEN_TIMEOUT_MS = 3_000;

/** What a target supports, as the pool's probes found it (kept per target by the pool). */
@Injectable()
export class TargetCapabilitiesReader {
  private readonly logger = new Logger(TargetCapabilitiesReader.name);

  constructor(
    private readonly pool: TargetPool,
    private readonly bus: BusClient,
  ) {}

  /**
   * Never throws: a target that cannot be probed is compared and planned as before, with nothing
   * marked; its reads say why it cannot be reached. A server other than the one the registry recorded
   * (upgraded since its connection test) is reported to the registry, in the background.
   */
  async of(target: TargetConnection): Promise<TargetCapabilities | undefined> {
    try {
      const capabilities = await this.pool.capabilities({ uri: target.uri, dbName: target.dbName });
      if (capabilities) this.reportIfChanged(target, capabilities.server);
      return capabilities;
    } catch (error) {
      this.logger.warn(`database ${target.databaseId}: its capabilities are unknown (${classifyTargetError(error, target.uri).kind})`);
      return undefined;
    }
  }

  private reportIfChanged(target: TargetConnection, seen: TargetServer): void {
    const server = changedServer(target.recordedServer, seen);
    if (!server) return;
    this.bus
      .request(RegistryDatabaseRpc.serverSeen, { database_id: target.databaseId, server }, { timeoutMs: SERVER_SEEN_TIMEOUT_MS })
      .catch((error: unknown) => {
        this.logger.warn(
          `database ${target.databaseId}: its server could not be recorded (${error instanceof Error ? error.name : 'error'})`,
        );
      });
  }
}

/**
 * The server to record when what a probe saw differs from what the registry has (or it has none); undefined
 * when they agree. Absent means the registry was not asked (an older answer): nothing is reported on a guess.
 */
export function changedServer(recorded: DatabaseServer | null | undefined, seen: TargetServer): DatabaseServer | undefined {
  if (recorded === undefined) return undefined;
  const server: DatabaseServer = { kind: seen.kind, version: seen.version, mongodb_version: seen.mongodbVersion ?? null };
  const same =
    recorded !== null &&
    recorded.kind === server.kind &&
    recorded.version === server.version &&
    recorded.mongodb_version === server.mongodb_version;
  return same ? undefined : server;
}

/** The `target` block of compare and plan answers. */
export function targetServerView(capabilities: TargetCapabilities | undefined): TargetServerView | undefined {
  return capabilities && { server: capabilities.server.kind, version: capabilities.server.version };
}
