/** A position in the source's oplog: its `ts` (a BSON Timestamp, seconds and counter), as JSON for the metadata table. */
export interface OplogPosition {
  readonly t: number;
  readonly i: number;
}

/** One change of one source document, as read from the source: an upsert carries the whole new document. */
export interface SourceChange {
  /** `<database>.<collection>` */
  readonly ns: string;
  readonly operation: 'upsert' | 'delete';
  readonly documentId: unknown;
  readonly document?: Record<string, unknown>;
  readonly at: Date;
  readonly position: OplogPosition;
}
