import type { Document, Timestamp } from 'mongodb';
import type { OplogPosition } from './source-change';

/** An entry of `local.oplog.rs` as FerretDB writes it. */
export interface OplogDocument {
  op: string;
  ns: string;
  ts: Timestamp;
  wall?: Date;
  o: Document;
  o2?: Document;
}

/** The operations the capture reads: insert, update, delete. */
export const CAPTURED_OPS: readonly string[] = ['i', 'u', 'd'];

export const positionOf = (ts: Timestamp): OplogPosition => ({ t: ts.t, i: ts.i });
export const keyOf = (ts: Timestamp | OplogPosition): string => `${ts.t}:${ts.i}`;
export const isAfter = (ts: Timestamp | OplogPosition, position: OplogPosition): boolean =>
  ts.t > position.t || (ts.t === position.t && ts.i > position.i);
