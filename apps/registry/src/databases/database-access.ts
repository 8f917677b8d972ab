import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, forbidden, holds, type AuditAction, type AuditTarget, type Permission } from '@ir/contracts';
import { requirePrincipal } from '@ir/messaging';
import { databaseTarget, RegistryAudit } from '../audit/registry-audit';
import type { DatabaseDocument } from './database.model';
import { DatabaseRepository } from './database.repository';

declare const granted: unique symbol;

/**
 * A database the caller was allowed something on. Only DatabaseAccess makes one, and the index
 * definitions' repository takes nothing else: a definition is never read or written for a caller
 * who was not checked against its database's project.
 */
export type AuthorizedDatabase = DatabaseDocument & { readonly [granted]: Permission };

/** The one way the registry's handlers reach a database for their caller. */
@Injectable()
export class DatabaseAccess {
  constructor(
    private readonly databases: DatabaseRepository,
    private readonly audit: RegistryAudit,
  ) {}

  /**
   * The database, if the caller may `permission` it: a 404 when the caller does not see its project
   * (so ids are no oracle), a 403 naming the permission when it does but its role is too low. For a
   * change, `deniedAs` names the action the 403 refuses, and it is recorded on the audit trail.
   */
  async authorize(
    id: string,
    permission: Permission,
    deniedAs?: { action: AuditAction; target?: AuditTarget },
  ): Promise<AuthorizedDatabase> {
    const principal = requirePrincipal();
    const database = await this.databases.findVisible(principal, id);
    if (!database) throw notFound('database');
    // A database not yet in a project is visible only to system administrators and services, who hold every permission.
    if (database.project_id !== undefined && !holds(principal, permission, database.project_id)) {
      const refusal = forbidden(permission);
      if (deniedAs) await this.audit.denied(refusal, deniedAs.action, database.project_id, deniedAs.target ?? databaseTarget(database));
      throw refusal;
    }
    return database as AuthorizedDatabase;
  }
}

export function notFound(what: string): DomainError {
  return new DomainError(ErrorCode.notFound, `${what} not found`);
}
