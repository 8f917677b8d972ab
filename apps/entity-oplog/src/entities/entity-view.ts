import type { CaptureError, EntitySpec, EntityView } from '@ir/contracts';
import type { StoredEntity } from './entity.repository';

/** `captureError`: its source's, while the capture of that source fails. */
export function entityView(entity: StoredEntity, captureError?: CaptureError): EntityView {
  return {
    name: entity.name,
    project_id: entity.projectId,
    source: { database_id: entity.source.databaseId, collection: entity.source.collection },
    columns: entity.columns,
    ...(entity.refresh_interval_seconds === undefined ? {} : { refresh_interval_seconds: entity.refresh_interval_seconds }),
    state: entity.state,
    cache_generation: entity.cacheGeneration,
    ...(entity.softRefreshRequestedAt === undefined ? {} : { soft_refresh_requested_at: entity.softRefreshRequestedAt }),
    ...(entity.softRefreshDoneAt === undefined ? {} : { soft_refresh_done_at: entity.softRefreshDoneAt }),
    ...(captureError === undefined ? {} : { capture_error: captureError }),
    created_at: entity.createdAt,
    updated_at: entity.updatedAt,
  };
}

export function entitySpec(entity: StoredEntity): EntitySpec {
  return {
    name: entity.name,
    database_id: entity.source.databaseId,
    collection: entity.source.collection,
    columns: entity.columns,
    state: entity.state,
    cache_generation: entity.cacheGeneration,
    ...(entity.refresh_interval_seconds === undefined ? {} : { refresh_interval_seconds: entity.refresh_interval_seconds }),
    ...(entity.softRefreshRequestedAt === undefined ? {} : { soft_refresh_requested_at: entity.softRefreshRequestedAt }),
    updated_at: entity.updatedAt,
  };
}
