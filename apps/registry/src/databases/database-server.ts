import { Injectable, Logger } from '@nestjs/common';
import type { DatabaseServer, DatabaseServerView } from '@ir/contracts';
import { ruleContextOf, type RuleContext, type TargetServer } from '@ir/index-core';
import { RegistryAudit } from '../audit/registry-audit';
import { DatabaseAccess } from './database-access';
import type { DatabaseDocument, DatabaseServerRecord } from './database.model';
import { DatabaseRepository } from './database.repository';

/** The record of a server the connection test identified; undefined when it did not say who it is. */
export function serverRecordOf(server: TargetServer | undefined, seenAt: Date): DatabaseServerRecord | undefined {
  if (!server) return undefined;
  return { kind: server.kind, version: server.version, mongodb_version: server.mongodbVersion ?? null, seen_at: seenAt };
}

export function serverView(record: DatabaseServerRecord | undefined): DatabaseServerView | null {
  if (!record) return null;
  return { kind: record.kind, version: record.version, mongodb_version: record.mongodb_version, seen_at: record.seen_at.toISOString() };
}

/** The server without its date, as the connection RPC gives it to the comparator. */
export function serverOf(record: DatabaseServerRecord | undefined): DatabaseServer | null {
  return record ? { kind: record.kind, version: record.version, mongodb_version: record.mongodb_version } : null;
}

/**
 * The rules a database's definitions are checked by: those of the MongoDB version its server runs (or
 * imitates); the newest rules while it has not been seen.
 */
export function ruleContextOfDatabase(database: Pick<DatabaseDocument, 'server'>): RuleContext {
  return ruleContextOf(database.server?.mongodb_version);
}

/** Keeps each database's server current: the comparator reports a server other than the recorded one. */
@Injectable()
export class DatabaseServers {
  private readonly logger = new Logger(DatabaseServers.name);

  constructor(
    private readonly databases: DatabaseRepository,
    private readonly access: DatabaseAccess,
    private readonly audit: RegistryAudit,
  ) {}

  /** Whoever may read the database may say what its server answered; only the comparator is let on the bus to. */
  async recordSeen(databaseId: string, server: DatabaseServer): Promise<{ recorded: boolean }> {
    const database = await this.access.authorize(databaseId, 'databases:read');
    const recorded = await this.databases.recordServer(database, { ...server, seen_at: new Date() });
    if (recorded) {
      const was = database.server ? `${database.server.kind} ${database.server.mongodb_version ?? '?'}` : 'unknown';
      this.logger.log(`database ${database.name}: its server is now ${server.kind} ${server.mongodb_version ?? '?'} (was ${was})`);
      // Which rules its definitions are checked by changed with it: on the audit trail, by whoever's compare found it.
      await this.audit.database('database.server_changed', database, { before: { server: serverOf(database.server) }, after: { server } });
    }
    return { recorded };
  }
}
