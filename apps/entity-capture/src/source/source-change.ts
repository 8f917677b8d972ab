/** A position in the source's oplog: its `ts` (a BSON Timestamp, seconds and counter), as JSON for the metadata table. */
export interface OplogPosition {
  readonly t: number;
  readonly i: number;
}

/** A change stream's resume token (MongoDB's `_id` of an event), opaque, as JSON for the metadata table. */
export interface ResumeToken {
  readonly _data: string;
}

/**
 * Where a capture goes on from (metadata `mongo_resume_token:<database id>`): an oplog timestamp
 * (FerretDB's oplog, or the cluster time a change stream starts at before it saw its first event) or a
 * change stream's resume token.
 */
export type SourcePosition = OplogPosition | ResumeToken;

export const isResumeToken = (position: SourcePosition): position is ResumeToken => '_data' in position;

/** One change of one source document, as read from the source: an upsert carries the whole new document. */
export interface SourceChange {
  /** `<database>.<collection>` */
  readonly ns: string;
  readonly operation: 'upsert' | 'delete';
  readonly documentId: unknown;
  readonly document?: Record<string, unknown>;
  readonly at: Date;
  readonly position: SourcePosition;
}
