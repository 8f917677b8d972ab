import type { Document, Timestamp } from 'mongodb';
import type { ResumeToken, SourceChange } from './source-change';

/**
 * A change stream event as MongoDB documents it (https://www.mongodb.com/docs/manual/reference/change-events/):
 * the fields the capture reads. `fullDocument` is set on insert and replace, and on update when the
 * stream asks for it (`updateLookup`: the document as it is when the event is read, null when it is
 * gone; `whenAvailable`: the post-image, null when there is none).
 */
export interface ChangeEvent {
  readonly _id: ResumeToken;
  readonly operationType: string;
  readonly clusterTime?: Timestamp;
  /** MongoDB 6.0+. */
  readonly wallTime?: Date;
  readonly ns?: { readonly db: string; readonly coll?: string };
  readonly to?: { readonly db: string; readonly coll: string };
  readonly documentKey?: { readonly _id: unknown };
  readonly fullDocument?: Document | null;
}

/** What one event means to the capture. */
export type MappedEvent =
  | { readonly kind: 'change'; readonly change: SourceChange }
  /** An update without the document (no post-image): the capture reads the document now, by id. */
  | {
      readonly kind: 'lookup';
      readonly ns: string;
      readonly documentId: unknown;
      readonly at: Date;
      readonly position: ResumeToken;
    }
  /**
   * The collection (or database) is gone or renamed, or the stream ended (`invalidate`): its documents
   * are no longer where the entity says. The capture's owner hard-refreshes the entities of `ns`
   * (every namespace of the database for `dropDatabase`; none named for `invalidate`).
   */
  | {
      readonly kind: 'reset';
      readonly reason: 'drop' | 'rename' | 'dropDatabase' | 'invalidate';
      readonly ns?: string;
      readonly position: ResumeToken;
    }
  /** Another event type (index builds and the like, with `showExpandedEvents`): passed over. */
  | { readonly kind: 'ignored'; readonly position: ResumeToken };

const timeOf = (event: ChangeEvent): Date => event.wallTime ?? new Date((event.clusterTime?.t ?? 0) * 1000);

/** Maps one change stream event; pure, so every documented shape is tested without a server. */
export function mapChangeEvent(event: ChangeEvent): MappedEvent {
  const position = event._id;
  const ns = event.ns?.coll !== undefined ? `${event.ns.db}.${event.ns.coll}` : event.ns?.db;
  const at = timeOf(event);
  const documentId = event.documentKey?._id;
  switch (event.operationType) {
    case 'insert':
    case 'replace':
    case 'update':
      if (event.fullDocument)
        return { kind: 'change', change: { ns: ns!, operation: 'upsert', documentId, document: event.fullDocument, at, position } };
      // An update's lookup found no document (deleted since; its delete event follows) or no post-image was kept.
      return { kind: 'lookup', ns: ns!, documentId, at, position };
    case 'delete':
      return { kind: 'change', change: { ns: ns!, operation: 'delete', documentId, at, position } };
    case 'drop':
    case 'rename':
    case 'dropDatabase':
      return { kind: 'reset', reason: event.operationType, ns, position };
    case 'invalidate':
      return { kind: 'reset', reason: 'invalidate', position };
    default:
      return { kind: 'ignored', position };
  }
}
