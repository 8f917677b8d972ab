import { Injectable } from '@nestjs/common';
import { assertHolds, DomainError, ErrorCode, projectsWhere, sees, type EntityName, type Permission } from '@ir/contracts';
import { requirePrincipal } from '@ir/messaging';
import { EntityRepository, type StoredEntity } from './entity.repository';

/** An entity of a project the caller cannot see is not found; one it sees but may not act on is a 403 naming the permission. */
@Injectable()
export class EntityAccess {
  constructor(private readonly entities: EntityRepository) {}

  async authorize(name: EntityName, permission: Permission): Promise<StoredEntity> {
    const principal = requirePrincipal();
    const entity = await this.entities.byName(name);
    if (!entity || !sees(principal, entity.projectId)) throw notFound(name);
    assertHolds(principal, permission, entity.projectId);
    return entity;
  }

  /** The projects where the caller holds `permission`, or all of them. */
  projects(permission: Permission): readonly string[] | 'all' {
    const scope = projectsWhere(requirePrincipal(), permission);
    return scope.all ? 'all' : scope.ids;
  }

  /** Internal requests: the capture's and the replicators' own work, never a user's. */
  assertService(...services: readonly string[]): void {
    const principal = requirePrincipal();
    if (principal.kind !== 'service' || !services.includes(principal.id))
      throw new DomainError(ErrorCode.forbidden, `this request is for the ${services.join(' and ')} service only`);
  }
}

export function notFound(name: string): DomainError {
  return new DomainError(ErrorCode.notFound, `entity ${name} not found`, undefined, { entity: name });
}
