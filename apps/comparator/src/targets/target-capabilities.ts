import { Injectable, Logger } from '@nestjs/common';
import type { TargetServerView } from '@ir/contracts';
import type { TargetCapabilities } from '@ir/index-core';
import { classifyTargetError, TargetPool } from '@ir/target-pool';
import type { TargetConnection } from './registry-client';

/** What a target supports, as the pool's probes found it (kept per target by the pool). */
@Injectable()
export class TargetCapabilitiesReader {
  private readonly logger = new Logger(TargetCapabilitiesReader.name);

  constructor(private readonly pool: TargetPool) {}

  /**
   * Never throws: a target that cannot be probed is compared and planned as before, with nothing
   * marked; its reads say why it cannot be reached.
   */
  async of(target: TargetConnection): Promise<TargetCapabilities | undefined> {
    try {
      return await this.pool.capabilities({ uri: target.uri, dbName: target.dbName });
    } catch (error) {
      this.logger.warn(`database ${target.databaseId}: its capabilities are unknown (${classifyTargetError(error, target.uri).kind})`);
      return undefined;
    }
  }
}

/** The `target` block of compare and plan answers. */
export function targetServerView(capabilities: TargetCapabilities | undefined): TargetServerView | undefined {
  return capabilities && { server: capabilities.server.kind, version: capabilities.server.version };
}
