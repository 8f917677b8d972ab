import { DomainError, ErrorCode, RegistryDatabaseRpc } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import { isTransientTargetError, mayPass, type TargetDb, type TargetPool, type UriCipher } from '@ir/target-pool';
import { Logger } from '@nestjs/common';
import { describeError } from './sync-error';
import type { SyncSettings } from './sync-settings';

/**
 * Errors of the bus worth another delivery: the other service is slow, absent, or cannot reach the
 * target right now. A target that is not MongoDB, refused by policy or refusing our credentials
 * will answer the same way on every delivery: the sync fails at once.
 */
const TRANSIENT_BUS_CODES: ReadonlySet<string> = new Set([ErrorCode.timeout, ErrorCode.unavailable, ErrorCode.badGateway]);
export const isTransientBusError = (error: unknown): boolean =>
  !(error instanceof DomainError) ||
  ((TRANSIENT_BUS_CODES.has(error.code) || error.code === ErrorCode.internal) && mayPass(error.details?.['reason']));

/** The target's database, or why it cannot be had (in words for the sync's record). */
export type OpenedTarget = { readonly db: TargetDb } | { readonly problem: string };

/** Opens the target database of a sync: its sealed connection from the registry, then a pooled client. */
export class SyncTargets {
  private readonly logger = new Logger(SyncTargets.name);

  constructor(
    private readonly bus: Pick<BusClient, 'request'>,
    private readonly cipher: UriCipher,
    private readonly pool: TargetPool,
    private readonly settings: Pick<SyncSettings, 'retryAttempts' | 'retryInitialDelayMs' | 'retryMaxDelayMs'>,
  ) {}

  /** Throws a transient bus error (the run command is delivered again); answers every other failure. */
  async open(syncId: string, databaseId: string): Promise<OpenedTarget> {
    let connection;
    try {
      connection = await this.bus.request(RegistryDatabaseRpc.connection, { database_id: databaseId });
    } catch (error) {
      if (isTransientBusError(error)) throw error;
      return { problem: `the target database cannot be had: ${describeError(error)}` };
    }
    let uri: string;
    try {
      uri = this.cipher.open(connection.uri_sealed);
    } catch (error) {
      // The cipher's own words (a key id, an authentication tag) are for the log.
      this.logger.error(`sync ${syncId}: the target's connection string cannot be opened: ${String(error)}`);
      return { problem: "the target's connection string cannot be opened with this service's TARGET_ENCRYPTION_KEY" };
    }
    let delay = this.settings.retryInitialDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return { db: await this.pool.db({ uri, dbName: connection.db_name }) };
      } catch (error) {
        if (isTransientTargetError(error) && attempt <= this.settings.retryAttempts) {
          await new Promise((resolve) => setTimeout(resolve, delay));
          delay = Math.min(delay * 2, this.settings.retryMaxDelayMs);
          continue;
        }
        return { problem: `cannot connect to the target: ${describeError(error)}` };
      }
    }
  }
}
