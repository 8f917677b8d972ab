import type { EntityName, EntityShape, EntityState, OplogChange } from '@ir/contracts';
import { documentKey, rowOf } from '@ir/entity-core';
import type { SourceChange } from '../source/source-change';

/** An entity as the capture sees it: its source namespace (database and collection names) and shape. */
export interface CapturedEntity {
  readonly name: EntityName;
  readonly database: string;
  readonly collection: string;
  readonly columns: EntityShape;
  readonly state: EntityState;
  /**
   * When the entity last changed (its stored `updatedAt`): a hard refresh or a new shape sets it
   * `scanning` again with a new time, which tells the capture to scan it again even if it never saw it
   * `scanned` in between.
   */
  readonly updatedAt?: string;
}

export const namespaceOf = (entity: Pick<CapturedEntity, 'database' | 'collection'>): string => `${entity.database}.${entity.collection}`;

/** The oplog changes one source change makes: one per entity that maps its collection, none for the others. */
export function oplogChangesOf(change: SourceChange, entities: readonly CapturedEntity[]): OplogChange[] {
  return entities
    .filter((entity) => namespaceOf(entity) === change.ns)
    .map((entity) => ({
      entity: entity.name,
      operation: change.operation,
      documentId: documentKey(change.documentId),
      at: change.at.toISOString(),
      data: change.operation === 'upsert' ? rowOf(entity.columns, change.document) : null,
    }));
}

/** A scanned document as an upsert of one entity. */
export function scannedUpsert(entity: CapturedEntity, document: Record<string, unknown>, at: Date): OplogChange {
  return {
    entity: entity.name,
    operation: 'upsert',
    documentId: documentKey(document._id),
    at: at.toISOString(),
    data: rowOf(entity.columns, document),
  };
}
