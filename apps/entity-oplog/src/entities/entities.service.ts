import { Injectable } from '@nestjs/common';
import {
  assertHolds,
  DomainError,
  ErrorCode,
  RegistryDatabaseRpc,
  type CreateEntityBody,
  type EntityName,
  type EntityView,
  type Permission,
  type RefreshMode,
  type UpdateEntityBody,
} from '@ir/contracts';
import { AuditTrail, BusClient, recordingDenials, requirePrincipal } from '@ir/messaging';
import { EntityAccess, notFound } from './entity-access';
import { EntityRepository, type StoredEntity } from './entity.repository';
import { entityView } from './entity-view';
import { HardRefresh } from '../jobs/hard-refresh';
import { CaptureErrorRepository } from '../metadata/capture-error.repository';

/** Entities, each in the project of its source database, changed by editors and recorded on the audit trail. */
@Injectable()
export class EntitiesService {
  constructor(
    private readonly entities: EntityRepository,
    private readonly access: EntityAccess,
    private readonly bus: BusClient,
    private readonly trail: AuditTrail,
    private readonly hardRefresh: HardRefresh,
    private readonly captureErrors: CaptureErrorRepository,
  ) {}

  async create(body: CreateEntityBody): Promise<EntityView> {
    // Asked as the caller: a database it cannot see is a 404 from the registry, passed on as it is.
    const database = await this.bus.request(RegistryDatabaseRpc.get, { id: body.source.database_id });
    if (!database.project_id)
      throw new DomainError(ErrorCode.conflict, 'the source database belongs to no project yet', undefined, {
        field: 'source.database_id',
      });
    const projectId = database.project_id;
    await recordingDenials(this.trail, { action: 'entity.created', projectId, target: entityTarget(body.name) }, async () =>
      assertHolds(requirePrincipal(), 'entities:write', projectId),
    );
    const created = await this.entities.create(database.project_id, {
      name: body.name,
      source: { databaseId: body.source.database_id, collection: body.source.collection },
      columns: body.columns,
      ...(body.refresh_interval_seconds === undefined ? {} : { refresh_interval_seconds: body.refresh_interval_seconds }),
    });
    if (!created) throw new DomainError(ErrorCode.conflict, `an entity named ${body.name} exists`, undefined, { field: 'name' });
    await this.record('entity.created', created, { before: null, after: entityView(created) });
    return entityView(created);
  }

  async list(projectId: string | undefined): Promise<EntityView[]> {
    const visible = this.access.projects('entities:read');
    const projects = projectId === undefined ? visible : visible === 'all' || visible.includes(projectId) ? [projectId] : [];
    const [entities, errors] = await Promise.all([this.entities.inProjects(projects), this.captureErrors.all()]);
    return entities.map((entity) => entityView(entity, errors.get(entity.source.databaseId)));
  }

  async get(name: EntityName): Promise<EntityView> {
    const entity = await this.access.authorize(name, 'entities:read');
    return entityView(entity, await this.captureErrors.of(entity.source.databaseId));
  }

  async update(name: EntityName, changes: UpdateEntityBody): Promise<EntityView> {
    const before = await this.authorizeChange(name, 'entities:write', 'entity.updated');
    let after: StoredEntity | undefined = before;
    if (changes.refresh_interval_seconds !== undefined)
      after = await this.entities.updateRefreshInterval(before.projectId, name, changes.refresh_interval_seconds);
    if (after && changes.columns) after = await this.entities.updateColumns(before.projectId, name, changes.columns);
    if (!after) throw notFound(name);
    await this.record('entity.updated', after, { before: entityView(before), after: entityView(after) });
    return entityView(after);
  }

  async delete(name: EntityName): Promise<{ deleted: boolean }> {
    const before = await this.authorizeChange(name, 'entities:write', 'entity.deleted');
    const deleted = await this.entities.delete(before.projectId, name);
    if (deleted) await this.record('entity.deleted', before, { before: entityView(before), after: null });
    return { deleted };
  }

  /** Every replica rebuilds the entity's cache from the oplog's start once it sees the new generation. */
  async recreate(name: EntityName): Promise<{ entity: EntityName; cache_generation: number; requested_at: string }> {
    const entity = await this.authorizeChange(name, 'caches:recreate', 'entity.cache_recreate_requested');
    const raised = await this.entities.raiseCacheGeneration(entity.projectId, name);
    if (!raised) throw notFound(name);
    await this.record('entity.cache_recreate_requested', raised, undefined, { cache_generation: raised.cacheGeneration });
    return { entity: name, cache_generation: raised.cacheGeneration, requested_at: raised.updatedAt };
  }

  /**
   * A refresh on request (RefreshMode): hard, the entity back to scanning; soft, a request the capture
   * holding the lease reads with the entities and clears once done. 409 while the entity is scanning:
   * that scan is under way already.
   */
  async refresh(name: EntityName, mode: RefreshMode): Promise<{ entity: EntityName; mode: RefreshMode; requested_at: string }> {
    const entity = await this.authorizeChange(name, 'caches:recreate', 'entity.refreshed', { mode });
    const requestedAt = mode === 'hard' ? await this.requestHard(entity) : await this.requestSoft(entity);
    await this.record('entity.refreshed', entity, undefined, { mode });
    return { entity: name, mode, requested_at: requestedAt };
  }

  private async requestHard(entity: StoredEntity): Promise<string> {
    switch (await this.hardRefresh.request(entity.projectId, entity.name)) {
      case 'started':
        return new Date().toISOString();
      case 'already_scanning':
        throw scanningAlready(entity.name);
      case 'not_found':
        throw notFound(entity.name);
    }
  }

  private async requestSoft(entity: StoredEntity): Promise<string> {
    const requested = await this.entities.requestSoftRefresh(entity.projectId, entity.name);
    if (requested?.softRefreshRequestedAt) return requested.softRefreshRequestedAt;
    if (await this.entities.get(entity.projectId, entity.name)) throw scanningAlready(entity.name);
    throw notFound(entity.name);
  }

  /**
   * The entity the caller may change; a caller who sees it but lacks `permission` is answered 403 and
   * the refusal recorded as `denied` (its project looked up only then), as the other services do.
   */
  private authorizeChange(name: EntityName, permission: Permission, action: EntityAction, details?: Record<string, unknown>) {
    const denial = async () => ({
      action,
      projectId: (await this.entities.byName(name))?.projectId ?? null,
      target: entityTarget(name),
      ...(details ? { details } : {}),
    });
    return recordingDenials(this.trail, denial, () => this.access.authorize(name, permission));
  }

  private record(
    action: EntityAction,
    entity: StoredEntity,
    changes?: { before: EntityView | null; after: EntityView | null },
    details?: Record<string, unknown>,
  ): Promise<void> {
    return this.trail.record({
      action,
      outcome: 'succeeded',
      projectId: entity.projectId,
      target: entityTarget(entity.name),
      ...(changes ? { changes } : {}),
      ...(details ? { details } : {}),
    });
  }
}

type EntityAction = 'entity.created' | 'entity.updated' | 'entity.deleted' | 'entity.cache_recreate_requested' | 'entity.refreshed';

function entityTarget(name: EntityName): { kind: 'entity'; id: string; name: string } {
  return { kind: 'entity', id: name, name };
}

function scanningAlready(name: EntityName): DomainError {
  return new DomainError(ErrorCode.conflict, `entity ${name} is scanning already`, undefined, { field: 'name' });
}
